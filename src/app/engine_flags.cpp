#include "app/engine_flags.h"

#include <cstdio>
#include <cstdlib>

namespace xvm::app {

const char* const kEngineFlagsHelp =
    "  --engine KIND           interp, jit (compile everything) or tiered (default;\n"
    "                          also set by XVM_ENGINE)\n"
    "  --jit-threshold N       tiered: compile a block after N hot entries (default 100)\n"
    "  --jit-cache-size SIZE   code cache bytes (K/M suffixes; default 64M); when full\n"
    "                          it is flushed and refilled\n"
    "  --dump-ir               print the IR of every compiled block (to the -D log)\n"
    "  --perf-map              name compiled blocks for `perf` (/tmp/perf-PID.map: host\n"
    "                          code -> guest pc), so `perf report` shows hot guest code\n";

namespace {

bool parse_kind(const std::string& k, engine::EngineKind& out) {
    if (k == "interp")
        out = engine::EngineKind::Interp;
    else if (k == "jit")
        out = engine::EngineKind::Jit;
    else if (k == "tiered")
        out = engine::EngineKind::Tiered;
    else
        return false;
    return true;
}

}  // namespace

bool is_engine_flag(const std::string& a, bool& takes_value) {
    takes_value = a == "--engine" || a == "--jit-threshold" || a == "--jit-cache-size";
    return takes_value || a == "--dump-ir" || a == "--perf-map";
}

FlagParse apply_engine_flag(const std::string& a, const char* v, engine::EngineOptions& o,
                            const char* cmd) {
    if (a == "--dump-ir") {
        o.jit.dump_ir = true;
    } else if (a == "--perf-map") {
        o.jit.perf_map = true;
    } else if (a == "--engine") {
        if (!parse_kind(v, o.kind)) {
            std::fprintf(stderr, "%s: unknown engine '%s' (interp, jit or tiered)\n", cmd, v);
            return FlagParse::Error;
        }
    } else if (a == "--jit-threshold") {
        char* end = nullptr;
        const unsigned long n = std::strtoul(v, &end, 10);
        if (!*v || *end || n == 0 || n > 1000000000ul) {
            std::fprintf(stderr, "%s: --jit-threshold needs a number from 1 to 10^9\n", cmd);
            return FlagParse::Error;
        }
        o.jit_threshold = static_cast<uint32_t>(n);
    } else {  // --jit-cache-size
        char* end = nullptr;
        unsigned long long n = std::strtoull(v, &end, 10);
        if (*end == 'K' || *end == 'k')
            n <<= 10, ++end;
        else if (*end == 'M' || *end == 'm')
            n <<= 20, ++end;
        if (!*v || *end || n < (128u << 10) || n > (1ull << 30)) {
            std::fprintf(stderr, "%s: --jit-cache-size needs 128K to 1024M\n", cmd);
            return FlagParse::Error;
        }
        o.jit.cache_bytes = static_cast<size_t>(n);
    }
    return FlagParse::Ok;
}

bool engine_from_env(engine::EngineOptions& o, const char* cmd) {
    const char* e = std::getenv("XVM_ENGINE");
    if (!e || !*e) return true;
    if (parse_kind(e, o.kind)) return true;
    std::fprintf(stderr, "%s: XVM_ENGINE='%s' is not interp, jit or tiered\n", cmd, e);
    return false;
}

}  // namespace xvm::app
