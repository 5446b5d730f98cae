#pragma once

namespace xvm::app {

// `xvm user [OPTIONS] PROGRAM [ARGS...]`; argv excludes "xvm user".
int run_user(int argc, char** argv);

}  // namespace xvm::app
