// xvm: the command line. `xvm user PROGRAM` runs a riscv64 Linux program (options
// spelled as qemu-riscv64's); `xvm disasm FILE` disassembles an ELF.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/disasm_cmd.h"
#include "app/run_cmd.h"
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
        "  run [OPTIONS]            run a RISC-V machine (like qemu-system-riscv64)\n"
        "  disasm FILE              disassemble the code of a RISC-V ELF file\n"
        "\n"
        "Run `xvm COMMAND --help` for the options of a command.\n",
        out);
}

int run_disasm_command(int argc, char** argv) {
    CLI::App app{"Disassembles the code of a RISC-V ELF file, in objdump -d syntax.", "xvm disasm"};
    std::string path;
    std::string section;
    std::string start, stop;
    bool no_raw = false;
    app.add_option("FILE", path, "the ELF file")->required();
    app.add_option("-j,--section", section, "only this section (default: every executable one)");
    app.add_option("--start-address", start, "first address to list (hex or decimal)");
    app.add_option("--stop-address", stop, "list addresses below this one");
    app.add_flag("--no-show-raw-insn", no_raw, "omit the instruction bytes column");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    xvm::DisasmOptions opts;
    opts.section = section;
    opts.raw = !no_raw;
    auto parse_addr = [](const std::string& s, std::optional<uint64_t>& out) {
        if (s.empty()) return true;
        char* end = nullptr;
        errno = 0;
        const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
        if (errno || !end || *end) return false;
        out = v;
        return true;
    };
    if (!parse_addr(start, opts.start) || !parse_addr(stop, opts.stop)) {
        std::fprintf(stderr, "xvm disasm: bad address (use hex like 0x10000 or decimal)\n");
        return 1;
    }
    return xvm::run_disasm(path, opts);
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
    if (cmd == "disasm") return run_disasm_command(argc - 1, argv + 1);
    if (cmd == "run") return xvm::app::run_system(argc - 2, argv + 2);
    std::fprintf(stderr, "xvm: unknown command '%s' (try `xvm --help`)\n", cmd.c_str());
    return 1;
}
