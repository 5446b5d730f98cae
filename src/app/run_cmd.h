#pragma once

namespace xvm::app {

// `xvm run [OPTIONS]`, spelled as qemu-system-riscv64; argv excludes "xvm run".
int run_system(int argc, char** argv);

}  // namespace xvm::app
