// xvm: the command line. `xvm user PROGRAM` runs a riscv64 Linux program (options
// spelled as qemu-riscv64's); `xvm disasm FILE` disassembles an ELF.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/user_cmd.h"

namespace {

void print_usage(FILE* out) {
    std::fputs(
        "xvm - a fast RISC-V (RV64GC) virtual machine\n"
        "\n"
        "usage: xvm COMMAND [OPTIONS] ...\n"
        "\n"
        "commands:\n"
        "  user PROGRAM [ARGS...]   run a riscv64 Linux program (like qemu-riscv64)\n"
        "  disasm FILE              disassemble the code of a RISC-V ELF file\n"
        "\n"
        "Run `xvm COMMAND --help` for the options of a command.\n",
        out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(stderr);
        return 1;
    }
    const std::string cmd = argv[1];
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        print_usage(stdout);
        return 0;
    }
    if (cmd == "--version") {
        std::puts("xvm 0.1.0");
        return 0;
    }
    if (cmd == "user") return xvm::app::run_user(argc - 2, argv + 2);
    std::fprintf(stderr, "xvm: unknown command '%s' (try `xvm --help`)\n", cmd.c_str());
    return 1;
}
