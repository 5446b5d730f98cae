namespace xvm::engine {}
