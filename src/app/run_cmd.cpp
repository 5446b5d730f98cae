// `xvm run`: system mode, with options spelled as qemu-system-riscv64's so that a
// QEMU `virt` command line works with the program name changed: OpenSBI plus a
// Linux kernel and initrd, or bare-metal programs (-bios none -kernel prog.elf)
// reporting through HTIF.
#include "app/run_cmd.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/console_options.h"
#include "app/engine_flags.h"
#include "core/log.h"
#include "machine/bare_metal.h"
#include "machine/virt.h"

namespace xvm::app {

namespace {

void usage(FILE* out) {
    std::fputs(
        "usage: xvm run [OPTIONS]\n"
        "\n"
        "Runs a RISC-V machine (options as qemu-system-riscv64).\n"
        "\n"
        "options:\n"
        "  -M, -machine virt[,dumpdtb=FILE]  the board (virt is the only one)\n"
        "  -bios FILE|none        firmware (default: Debian's OpenSBI fw_dynamic.bin);\n"
        "                         none: run -kernel on the bare hart (an ELF that reports\n"
        "                         through HTIF tohost; exit status = its code)\n"
        "  -kernel FILE           Linux Image (or ELF) loaded at RAM + 2 MiB\n"
        "  -initrd FILE           initial ramdisk\n"
        "  -append ARGS           kernel command line\n"
        "  -dtb FILE              use this device tree instead of the generated one\n"
        "  -dumpdtb FILE          write the generated device tree and exit\n"
        "  -m SIZE                RAM size (e.g. 128M, 1G; default 128M)\n"
        "  -smp N                 accepted; one hart runs (SMP comes later)\n"
        "  -drive file=IMG[,format=raw][,if=none|virtio][,id=ID][,readonly=on]\n"
        "                         a raw disk image; with if=none it needs\n"
        "  -device virtio-blk-device,drive=ID   to attach it\n"
        "  -device virtio-rng-device            a random-number device\n"
        "  -chardev stdio|file|pipe|null,id=ID[,path=FILE][,append=on]\n"
        "                         a host end for a device: the terminal, a file\n"
        "                         (output only; truncated unless append=on), a pipe\n"
        "                         (PATH.in/PATH.out, or PATH both ways), or nothing\n"
        "  -device virtio-serial-device         a virtio console device (guest tty: hvcN)\n"
        "  -device virtconsole,chardev=ID       its port (one per virtio-serial-device)\n"
        "  -serial stdio|null|none|file:FILE|pipe:PATH|chardev:ID\n"
        "                         the UART's host end (default stdio)\n"
        "  -nographic             console on the terminal (the default)\n"
        "                         Only one device may use stdio (no mux): for the shell\n"
        "                         on a virtio console (console=hvcN; hvc1 if hvc0 is the\n"
        "                         SBI console), add -serial none or -serial file:FILE\n"
        "  -d ITEMS, -D FILE      logging, as for `xvm user`\n"
        "  --stats                print hart, MMU, engine and device statistics at exit\n",
        out);
    std::fputs(kEngineFlagsHelp, out);
}

bool parse_size(const std::string& s, uint64_t& out) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (end == s.c_str()) return false;
    uint64_t mul = 1ull << 20;  // QEMU: a bare number is MiB
    if (*end == 'K' || *end == 'k')
        mul = 1ull << 10, ++end;
    else if (*end == 'M' || *end == 'm')
        mul = 1ull << 20, ++end;
    else if (*end == 'G' || *end == 'g')
        mul = 1ull << 30, ++end;
    if (*end == 'B' || *end == 'b') ++end;
    if (*end) return false;
    out = v * mul;
    return out != 0 && out / mul == v;
}

}  // namespace

int run_system(int argc, char** argv) {
    std::string bios, kernel, initrd, append, dtb, dumpdtb;
    unsigned smp = 1;
    struct Drive {
        machine::DriveOption opt;
        bool direct = true;  // if=virtio (the default on virt): attached without -device
        bool attached = false;
    };
    std::vector<Drive> drives;
    std::vector<std::string> device_order;  // drive ids in -device order
    bool rng = false;
    ConsoleOptions consoles;
    uint64_t ram = 128ull << 20;
    bool stats = false;
    uint32_t log_mask = 0;
    std::string log_file;
    engine::EngineOptions engine;
    if (!engine_from_env(engine, "xvm run")) return 1;
    for (int k = 0; k < argc; ++k) {
        const std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) {
                std::fprintf(stderr, "xvm run: option %s needs a value\n", a.c_str());
                std::exit(1);
            }
            return argv[++k];
        };
        if (const FlagParse f = parse_engine_flag(a, value, engine, "xvm run");
            f != FlagParse::NotMine) {
            if (f == FlagParse::Error) return 1;
        } else if (a == "-h" || a == "--help" || a == "-help") {
            usage(stdout);
            return 0;
        } else if (a == "-M" || a == "-machine") {
            const std::string m = value();
            if (m.rfind("virt", 0) != 0) {
                std::fprintf(stderr, "xvm run: unsupported machine '%s' (only virt)\n", m.c_str());
                return 1;
            }
            const auto at = m.find("dumpdtb=");
            if (at != std::string::npos) dumpdtb = m.substr(at + 8, m.find(',', at) - (at + 8));
        } else if (a == "-bios") {
            bios = value();
        } else if (a == "-kernel") {
            kernel = value();
        } else if (a == "-initrd") {
            initrd = value();
        } else if (a == "-append") {
            append = value();
        } else if (a == "-dtb") {
            dtb = value();
        } else if (a == "-dumpdtb") {
            dumpdtb = value();
        } else if (a == "-smp") {
            const std::string v = value();
            smp = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
            if (smp == 0) {
                std::fprintf(stderr, "xvm run: bad -smp '%s'\n", v.c_str());
                return 1;
            }
        } else if (a == "-m") {
            const std::string v = value();
            if (!parse_size(v.substr(0, v.find(',')), ram)) {
                std::fprintf(stderr, "xvm run: bad memory size '%s'\n", v.c_str());
                return 1;
            }
        } else if (a == "-drive") {
            Drive d;
            const std::string spec = value();
            size_t pos = 0;
            while (pos <= spec.size()) {
                size_t comma = spec.find(',', pos);
                if (comma == std::string::npos) comma = spec.size();
                const std::string kv = spec.substr(pos, comma - pos);
                pos = comma + 1;
                if (kv.empty()) continue;
                const auto eq = kv.find('=');
                const std::string k = kv.substr(0, eq),
                                  v = eq == std::string::npos ? "" : kv.substr(eq + 1);
                if (k == "file")
                    d.opt.file = v;
                else if (k == "id")
                    d.opt.id = v;
                else if (k == "if")
                    d.direct = (v == "virtio");
                else if (k == "readonly")
                    d.opt.readonly = (v == "on" || v == "true" || v.empty());
                else if (k == "format" && v != "raw") {
                    std::fprintf(stderr, "xvm run: -drive format=%s is not supported (raw only)\n",
                                 v.c_str());
                    return 1;
                } else if (k != "format" && k != "cache" && k != "media") {
                    std::fprintf(stderr, "xvm run: unknown -drive option '%s'\n", k.c_str());
                    return 1;
                }
            }
            if (d.opt.file.empty()) {
                std::fprintf(stderr, "xvm run: -drive needs file=IMAGE\n");
                return 1;
            }
            drives.push_back(d);
        } else if (a == "-device") {
            const std::string spec = value();
            const std::string type = spec.substr(0, spec.find(','));
            if (type == "virtio-blk-device") {
                const auto at = spec.find("drive=");
                if (at == std::string::npos) {
                    std::fprintf(stderr, "xvm run: -device virtio-blk-device needs drive=ID\n");
                    return 1;
                }
                device_order.push_back(spec.substr(at + 6, spec.find(',', at) - (at + 6)));
            } else if (type == "virtio-rng-device") {
                rng = true;
            } else if (ConsoleOptions::is_console_device(type)) {
                if (auto r = consoles.add_device(spec); !r) {
                    std::fprintf(stderr, "xvm run: %s\n", r.error().message.c_str());
                    return 1;
                }
            } else {
                std::fprintf(stderr,
                             "xvm run: unsupported device '%s' (virtio-blk-device, "
                             "virtio-rng-device, virtio-serial-device, virtconsole)\n",
                             type.c_str());
                return 1;
            }
        } else if (a == "-chardev" || a == "-serial") {
            const std::string spec = value();
            auto r = a == "-chardev" ? consoles.add_chardev(spec) : consoles.add_serial(spec);
            if (!r) {
                std::fprintf(stderr, "xvm run: %s\n", r.error().message.c_str());
                return 1;
            }
        } else if (a == "-nographic") {
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "-d") {
            std::string bad;
            if (!log::parse_categories(value().c_str(), log_mask, &bad)) {
                std::fprintf(stderr, "xvm run: unknown log item '%s'\n", bad.c_str());
                return 1;
            }
        } else if (a == "-D") {
            log_file = value();
        } else {
            std::fprintf(stderr, "xvm run: unknown option '%s' (try --help)\n", a.c_str());
            return 1;
        }
    }
    if (!log_file.empty() && !(log::g_out = std::fopen(log_file.c_str(), "w"))) {
        std::fprintf(stderr, "xvm run: cannot open log file %s\n", log_file.c_str());
        return 1;
    }
    log::g_enabled = log_mask;
    if (bios != "none" || !dumpdtb.empty()) {
        if (smp > 1)
            std::fprintf(stderr, "xvm run: -smp %u accepted, but one hart runs (SMP comes later)\n",
                         smp);
        machine::VirtOptions vo;
        vo.ram_size = ram;
        vo.smp = smp;
        vo.images = {bios, kernel, initrd, dtb};
        vo.append = append;
        vo.dumpdtb = dumpdtb;
        vo.rng = rng;
        vo.engine = engine;
        std::vector<std::string> warnings;
        if (auto r = consoles.resolve(vo, warnings); !r) {
            std::fprintf(stderr, "xvm run: %s\n", r.error().message.c_str());
            return 1;
        }
        for (const std::string& w : warnings)
            std::fprintf(stderr, "xvm run: warning: %s\n", w.c_str());
        for (auto& d : drives)
            if (d.direct) vo.disks.push_back(d.opt), d.attached = true;
        for (const std::string& id : device_order) {
            auto it = std::find_if(drives.begin(), drives.end(),
                                   [&](const Drive& d) { return d.opt.id == id; });
            if (it == drives.end()) {
                std::fprintf(stderr, "xvm run: -device names drive '%s', which no -drive defines\n",
                             id.c_str());
                return 1;
            }
            if (!it->attached) vo.disks.push_back(it->opt), it->attached = true;
        }
        for (const auto& d : drives)
            if (!d.attached)
                std::fprintf(stderr,
                             "xvm run: warning: drive %s (%s) is not attached to any device\n",
                             d.opt.id.c_str(), d.opt.file.c_str());
        auto vm = machine::VirtMachine::create(vo);
        if (!vm) {
            std::fprintf(stderr, "xvm: %s\n", vm.error().message.c_str());
            return 1;
        }
        const auto t0 = std::chrono::steady_clock::now();
        const int status = (*vm)->run();
        std::fflush(stdout);
        if (stats && dumpdtb.empty())
            (*vm)->print_stats(
                stderr,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        return status;
    }
    if (kernel.empty()) {
        std::fprintf(stderr, "xvm run: -bios none needs -kernel PROGRAM.elf\n");
        return 1;
    }
    auto m = machine::BareMetal::create({kernel, 0x80000000, ram, engine});
    if (!m) {
        std::fprintf(stderr, "xvm: %s\n", m.error().message.c_str());
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = (*m)->run();
    std::fflush(stdout);
    if (stats) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto& hs = (*m)->hart_stats();
        const uint64_t n = (*m)->cpu().instret;
        std::fprintf(
            stderr,
            "xvm stats:\n  guest instructions  %llu\n  wall time           %.3f s (%.1f MIPS)\n"
            "  traps %llu, interrupts %llu, blocks decoded %llu, code flushes %llu\n"
            "  page walks %llu, MMIO accesses %llu\n",
            static_cast<unsigned long long>(n), secs, secs > 0 ? n / secs / 1e6 : 0.0,
            static_cast<unsigned long long>(hs.traps),
            static_cast<unsigned long long>(hs.interrupts),
            static_cast<unsigned long long>(hs.blocks_built),
            static_cast<unsigned long long>(hs.code_flushes),
            static_cast<unsigned long long>((*m)->mmu().stats().walks),
            static_cast<unsigned long long>((*m)->mmu().stats().mmio_accesses));
        (*m)->hart().print_stats(stderr);
    }
    if (!r) {
        std::fprintf(stderr, "xvm: %s\n", r.error().message.c_str());
        return 1;
    }
    return *r;
}

}  // namespace xvm::app
