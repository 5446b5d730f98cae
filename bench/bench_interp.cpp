// Interpreter speed on whole guest programs: each xvmark kernel runs in-process the
// way `xvm user xvmark KERNEL N` runs it, and the counters report guest instructions
// retired per second (cpu().instret). Only Process::run() is timed: loading the ELF
// and tearing the process down are outside the measurement.
//
// Each run's checksum is compared with the native build's (xvmark-native): a wrong
// result stops the benchmark with an error, because a fast wrong interpreter
// measures nothing.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "user/process.h"

namespace {

// Kernels of bench/guest/xvmark.c and the iterations per benchmark run: a tenth of
// xvmark's defaults, about 0.05-0.6 s each in the interpreter.
struct Kernel {
    const char* name;
    unsigned iters;
};
constexpr Kernel kKernels[] = {
    {"list", 300},  {"matrix", 280}, {"state", 800},   {"crc32", 1000},   {"sha256", 500},
    {"qsort", 70},  {"strings", 80}, {"nbody", 120},   {"stencil", 70},   {"fft", 90},
};

std::string xvmark_path() {
    const char* p = std::getenv("XVMARK");
    return p ? p : XVMARK_PATH;
}

// The checksum a kernel's report row carries ("list  300  0x1234abcd ..."), or "".
std::string checksum_of(const std::string& output, const std::string& kernel) {
    size_t at = 0;
    while (at < output.size()) {
        size_t end = output.find('\n', at);
        if (end == std::string::npos) end = output.size();
        const std::string line = output.substr(at, end - at);
        if (line.compare(0, kernel.size() + 1, kernel + " ") == 0) {
            const size_t x = line.find("0x");
            if (x != std::string::npos) return line.substr(x, 10);
        }
        at = end + 1;
    }
    return "";
}

// Expected checksums from the native build, computed once per kernel.
std::string native_checksum(const Kernel& k) {
    static std::map<std::string, std::string> cache;
    const std::string key = std::string(k.name) + " " + std::to_string(k.iters);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    std::string out;
    if (FILE* f = popen((std::string(XVMARK_NATIVE_PATH) + " " + key).c_str(), "r")) {
        char buf[256];
        while (std::fgets(buf, sizeof buf, f)) out += buf;
        pclose(f);
    }
    return cache[key] = checksum_of(out, k.name);
}

// Captures the guest's stdout (host fd 1) in a temporary file while it runs.
class StdoutCapture {
public:
    StdoutCapture() {
        std::cout.flush();
        std::fflush(stdout);
        file_ = std::tmpfile();
        saved_ = dup(1);
        dup2(fileno(file_), 1);
    }
    std::string finish() {
        dup2(saved_, 1);
        close(saved_);
        std::string out;
        std::rewind(file_);
        char buf[512];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
        std::fclose(file_);
        return out;
    }

private:
    FILE* file_;
    int saved_;
};

void BM_Xvmark(benchmark::State& state, Kernel k, xvm::engine::EngineKind kind) {
    const std::string expected = native_checksum(k);
    xvm::user::ProcessOptions opts;
    opts.engine.kind = kind;
    opts.load.path = xvmark_path();
    opts.load.argv = {opts.load.path, k.name, std::to_string(k.iters)};
    uint64_t instret = 0, blocks = 0, lookups = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto proc = xvm::user::Process::create(opts);
        if (!proc) {
            state.ResumeTiming();
            state.SkipWithError(proc.error().message.c_str());
            break;
        }
        StdoutCapture capture;
        state.ResumeTiming();

        const int status = (*proc)->run();

        state.PauseTiming();
        const std::string out = capture.finish();
        instret += (*proc)->cpu().instret;
        blocks += (*proc)->engine().interpreter().stats().blocks_built;
        lookups += (*proc)->engine().interpreter().stats().block_lookups;
        proc->reset();
        state.ResumeTiming();
        if (status != 0) {
            state.SkipWithError(("guest exit status " + std::to_string(status)).c_str());
            break;
        }
        const std::string got = checksum_of(out, k.name);
        if (got.empty() || (!expected.empty() && got != expected)) {
            state.SkipWithError(("checksum " + got + ", native " + expected).c_str());
            break;
        }
    }
    using benchmark::Counter;
    state.counters["guest_ips"] = Counter(static_cast<double>(instret), Counter::kIsRate);
    state.counters["guest_insns"] = Counter(static_cast<double>(instret), Counter::kAvgIterations);
    state.counters["blocks"] = Counter(static_cast<double>(blocks), Counter::kAvgIterations);
    // Dispatches that missed a block's cached successor, per 1000 guest instructions:
    // high values mean the block links do not hold (indirect jumps, returns).
    state.counters["lookups_per_kinsn"] =
        instret ? 1000.0 * static_cast<double>(lookups) / static_cast<double>(instret) : 0.0;
}

const bool registered = [] {
    // One run per engine: the interpreter alone, everything compiled, and tiered.
    using xvm::engine::EngineKind;
    const std::pair<const char*, EngineKind> engines[] = {
        {"interp", EngineKind::Interp}, {"jit", EngineKind::Jit}, {"tiered", EngineKind::Tiered}};
    for (const auto& [ename, kind] : engines) {
        for (const Kernel& k : kKernels) {
            benchmark::RegisterBenchmark(
                ("BM_Xvmark/" + std::string(ename) + "/" + std::string(k.name)).c_str(), BM_Xvmark,
                k, kind)
                ->Unit(benchmark::kMillisecond);
        }
    }
    return true;
}();

}  // namespace
