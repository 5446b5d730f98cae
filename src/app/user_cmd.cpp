// Options follow qemu-riscv64's spelling so xvm is a drop-in for it: options come
// before the program, everything after the program belongs to the guest.
#include "app/user_cmd.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/engine_flags.h"
#include "core/log.h"
#include "user/process.h"

extern char** environ;

namespace xvm::app {

namespace {

constexpr const char* kDefaultSysroot = "/usr/riscv64-linux-gnu";

void usage(FILE* out) {
    std::fputs(
        "usage: xvm user [OPTIONS] PROGRAM [ARGS...]\n"
        "\n"
        "Runs a riscv64 Linux program (static or dynamic), like qemu-riscv64.\n"
        "\n"
        "options:\n"
        "  -L DIR, --sysroot DIR   where the dynamic loader and libraries are found\n"
        "                          (default: $QEMU_LD_PREFIX, else /usr/riscv64-linux-gnu)\n"
        "  -E VAR=VALUE            set a variable in the guest environment\n"
        "  -U VAR                  remove a variable from the guest environment\n"
        "  -0 ARGV0                the guest's argv[0] (default: PROGRAM)\n"
        "  -strace, --strace       print each system call, its arguments and result\n"
        "  -d ITEMS                log items (comma separated; -d help lists them)\n"
        "  -D FILE                 write logs to FILE instead of stderr\n"
        "  --stats                 print engine statistics at exit (to stderr)\n",
        out);
    std::fputs(kEngineFlagsHelp, out);
    std::fputs("  -h, --help              this help\n", out);
}

void print_stats(user::Process& p, double secs) {
    const engine::Engine& e = p.engine();
    const auto& is = e.interpreter().stats();
    const uint64_t insns = p.cpu().instret;
    const char* kinds[] = {"interp", "jit", "tiered"};
    std::fprintf(
        stderr,
        "xvm stats (engine %s):\n"
        "  guest instructions  %llu\n"
        "  wall time           %.3f s\n"
        "  speed               %.1f MIPS\n"
        "  interpreter blocks  %llu decoded (%llu instructions), %llu lookups, %llu flushes\n",
        kinds[static_cast<int>(e.kind())], static_cast<unsigned long long>(insns), secs,
        secs > 0 ? insns / secs / 1e6 : 0.0, static_cast<unsigned long long>(is.blocks_built),
        static_cast<unsigned long long>(is.insns_decoded),
        static_cast<unsigned long long>(is.block_lookups),
        static_cast<unsigned long long>(e.interpreter().cache().flushes()));
    // Guest writes to pages holding translated code (without fence.i), each
    // followed by a flush of all code at the engine's next safe point.
    std::fprintf(stderr, "  code-page writes    %llu on %llu guarded pages, %llu flushes\n",
                 static_cast<unsigned long long>(p.space().code_page_writes()),
                 static_cast<unsigned long long>(p.space().code_pages_guarded()),
                 static_cast<unsigned long long>(e.code_write_flushes()));
    if (const jit::Jit* j = e.jit()) {
        const auto& js = j->stats();
        std::fprintf(
            stderr,
            "  jit blocks          %llu compiled (%llu guest instructions, %llu bytes), "
            "%llu not compilable\n"
            "  jit compile time    %.3f ms (%.0f ns per guest instruction)\n"
            "  jit links           %llu, entries from the engine %llu, cache flushes %llu "
            "(%llu when full)\n"
            "  jump cache          %llu hits in compiled code, %llu misses (%.1f%% hit rate)\n",
            static_cast<unsigned long long>(js.blocks_compiled),
            static_cast<unsigned long long>(js.guest_insns_compiled),
            static_cast<unsigned long long>(js.code_bytes),
            static_cast<unsigned long long>(js.not_compilable), js.compile_ns / 1e6,
            js.guest_insns_compiled ? double(js.compile_ns) / js.guest_insns_compiled : 0.0,
            static_cast<unsigned long long>(js.links),
            static_cast<unsigned long long>(e.jit_entries()),
            static_cast<unsigned long long>(js.cache_flushes),
            static_cast<unsigned long long>(js.reclaims),
            static_cast<unsigned long long>(js.probe_hits),
            static_cast<unsigned long long>(e.jump_cache_misses()),
            js.probe_hits + e.jump_cache_misses()
                ? 100.0 * js.probe_hits / (js.probe_hits + e.jump_cache_misses())
                : 0.0);
    }
}

}  // namespace

int run_user(int argc, char** argv) {
    user::ProcessOptions opts;
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    const char* ld_prefix = std::getenv("QEMU_LD_PREFIX");
    std::string sysroot = ld_prefix ? ld_prefix : kDefaultSysroot;
    std::string argv0;
    std::string log_file;
    uint32_t log_mask = 0;
    bool stats = false;

    // XVM_ENGINE gives the default engine (the test suite runs every guest test
    // under each); --engine overrides it.
    if (!engine_from_env(opts.engine, "xvm user")) return 1;

    int k = 0;
    auto need_value = [&](const char* opt) -> const char* {
        if (k + 1 >= argc) {
            std::fprintf(stderr, "xvm user: option %s needs a value\n", opt);
            std::exit(1);
        }
        return argv[++k];
    };
    for (; k < argc; ++k) {
        const std::string a = argv[k];
        if (a.empty() || a[0] != '-') break;
        if (a == "--") {
            ++k;
            break;
        }
        if (const FlagParse f = parse_engine_flag(
                a, [&] { return need_value(a.c_str()); }, opts.engine, "xvm user");
            f != FlagParse::NotMine) {
            if (f == FlagParse::Error) return 1;
        } else if (a == "-h" || a == "--help" || a == "-help") {
            usage(stdout);
            return 0;
        } else if (a == "-L" || a == "--sysroot") {
            sysroot = need_value(a.c_str());
        } else if (a == "-E") {
            const std::string kv = need_value("-E");
            const auto eq = kv.find('=');
            const std::string name = kv.substr(0, eq);
            std::erase_if(env, [&](const std::string& s) {
                return s.compare(0, name.size() + 1, name + "=") == 0;
            });
            env.push_back(eq == std::string::npos ? kv + "=" : kv);
        } else if (a == "-U") {
            const std::string name = need_value("-U");
            std::erase_if(env, [&](const std::string& s) {
                return s.compare(0, name.size() + 1, name + "=") == 0;
            });
        } else if (a == "-0") {
            argv0 = need_value("-0");
        } else if (a == "-strace" || a == "--strace") {
            log_mask |= log::kStrace;
        } else if (a == "-d") {
            const char* items = need_value("-d");
            if (std::strcmp(items, "help") == 0) {
                std::fputs(log::category_help(), stdout);
                return 0;
            }
            std::string bad;
            if (!log::parse_categories(items, log_mask, &bad)) {
                std::fprintf(stderr, "xvm user: unknown log item '%s' (try -d help)\n",
                             bad.c_str());
                return 1;
            }
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "-D") {
            log_file = need_value("-D");
        } else {
            std::fprintf(stderr, "xvm user: unknown option '%s' (try --help)\n", a.c_str());
            return 1;
        }
    }
    if (k >= argc) {
        std::fprintf(stderr, "xvm user: no program given (try --help)\n");
        return 1;
    }
    if (!log_file.empty()) {
        log::g_out = std::fopen(log_file.c_str(), "w");
        if (!log::g_out) {
            std::fprintf(stderr, "xvm user: cannot open log file %s: %s\n", log_file.c_str(),
                         std::strerror(errno));
            return 1;
        }
    }
    log::g_enabled = log_mask;

    opts.load.path = argv[k];
    for (int j = k; j < argc; ++j) opts.load.argv.emplace_back(argv[j]);
    if (!argv0.empty()) opts.load.argv[0] = argv0;
    opts.load.envp = env;
    opts.load.sysroot = sysroot == "/" ? "" : sysroot;
    opts.strace = log_mask & log::kStrace;

    auto proc = user::Process::create(opts);
    if (!proc) {
        std::fprintf(stderr, "xvm: %s\n", proc.error().message.c_str());
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int status = (*proc)->run();
    std::fflush(stdout);
    if (stats) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        print_stats(**proc, secs);
    }
    return status;
}

}  // namespace xvm::app
