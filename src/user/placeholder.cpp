namespace xvm::user {}
