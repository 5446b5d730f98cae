// Guest memory through mem::AddressSpace's public API: the unchecked load/store hot
// path the interpreter uses, the checked read_value the system calls use, and bulk
// read/write next to a plain host memcpy of the same size as the reference.
//
// Per-access benchmarks run a batch of kBatch accesses per iteration, so the loop
// overhead of Google Benchmark is amortised; "per_access" is the time of one access.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "mem/address_space.h"

namespace {

using xvm::mem::AddressSpace;

constexpr uint64_t kBase = 0x10000000;     // guest address of the mapped range
constexpr uint64_t kRange = 256 * 1024;    // fits the host's L2: measures the API, not DRAM
constexpr uint64_t kBulkRange = 1 << 20;   // room for the 64 KiB bulk copies
constexpr unsigned kBatch = 1024;

// One address space for the whole program: creating one reserves 2^39 bytes.
AddressSpace& space() {
    static std::unique_ptr<AddressSpace> s = [] {
        auto r = AddressSpace::create();
        if (!r) {
            std::fprintf(stderr, "bench_memory: %s\n", r.error().message.c_str());
            std::exit(1);
        }
        auto sp = std::move(*r);
        if (!sp->map(kBase, kBulkRange, xvm::mem::kProtRead | xvm::mem::kProtWrite)) {
            std::fprintf(stderr, "bench_memory: cannot map the test range\n");
            std::exit(1);
        }
        // Touch every page once so no benchmark pays for first-touch page faults.
        std::vector<uint8_t> fill(kBulkRange, 0x5a);
        (void)sp->write(kBase, fill.data(), fill.size());
        return sp;
    }();
    return *s;
}

// Guest addresses for the batch, aligned to the access size.
template <class T>
std::vector<uint64_t> addresses(bool random) {
    std::vector<uint64_t> a(kBatch);
    std::mt19937_64 rng(42);
    for (unsigned i = 0; i < kBatch; ++i) {
        const uint64_t off = random ? rng() % kRange : (uint64_t{i} * sizeof(T)) % kRange;
        a[i] = kBase + (off & ~uint64_t{sizeof(T) - 1});
    }
    return a;
}

void set_access_counters(benchmark::State& state) {
    const auto n = static_cast<int64_t>(state.iterations()) * kBatch;
    state.SetItemsProcessed(n);
    state.counters["per_access"] =
        benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ---- the hot path: load<T>/store<T> ----

template <class T>
void BM_Load(benchmark::State& state) {
    const AddressSpace& s = space();
    const auto addr = addresses<T>(state.range(0) != 0);
    for (auto _ : state) {
        for (uint64_t g : addr) {
            T v = s.load<T>(g);
            benchmark::DoNotOptimize(v);  // every load happens, none is vectorised away
        }
    }
    set_access_counters(state);
}

template <class T>
void BM_Store(benchmark::State& state) {
    const AddressSpace& s = space();
    const auto addr = addresses<T>(state.range(0) != 0);
    T v = 0;
    for (auto _ : state) {
        for (uint64_t g : addr) {
            s.store<T>(g, v);
            ++v;
            benchmark::ClobberMemory();  // every store is issued, none merged
        }
    }
    set_access_counters(state);
}

// ---- checked accesses: read_value<T> (what system calls use) ----

template <class T>
void BM_ReadValue(benchmark::State& state) {
    const AddressSpace& s = space();
    const auto addr = addresses<T>(state.range(0) != 0);
    for (auto _ : state) {
        for (uint64_t g : addr) {
            T v;
            const bool ok = s.read_value(g, v);
            benchmark::DoNotOptimize(ok);
            benchmark::DoNotOptimize(v);
        }
    }
    set_access_counters(state);
}

// ---- bulk read/write against host memcpy ----

void BM_BulkRead(benchmark::State& state) {
    const AddressSpace& s = space();
    const size_t len = static_cast<size_t>(state.range(0));
    std::vector<uint8_t> host(len);
    for (auto _ : state) {
        const bool ok = s.read(kBase, host.data(), len);
        benchmark::DoNotOptimize(ok);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(len));
}

void BM_BulkWrite(benchmark::State& state) {
    const AddressSpace& s = space();
    const size_t len = static_cast<size_t>(state.range(0));
    std::vector<uint8_t> host(len, 0xa5);
    for (auto _ : state) {
        const bool ok = s.write(kBase, host.data(), len);
        benchmark::DoNotOptimize(ok);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(len));
}

void BM_HostMemcpy(benchmark::State& state) {
    const size_t len = static_cast<size_t>(state.range(0));
    std::vector<uint8_t> src(len, 0x5a), dst(len);
    for (auto _ : state) {
        benchmark::DoNotOptimize(src.data());
        std::memcpy(dst.data(), src.data(), len);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(len));
}

// ---- out of range must be an error value, never a host crash ----
// (The project this grows from crashed here.) Runs as a benchmark so it is exercised
// with every run; a wrong answer stops it with an error instead of a number.
void BM_ReadOutOfRange(benchmark::State& state) {
    const AddressSpace& s = space();
    struct Case {
        uint64_t g;
        size_t len;
        const char* what;
    };
    const Case cases[] = {
        {0x1000, 8, "unmapped page"},
        {kBase - 4, 8, "straddles the start of the mapping"},
        {kBase + kBulkRange - 4, 8, "straddles the end of the mapping"},
        {s.user_top() - 4, 8, "straddles the top of user space"},
        {s.user_top(), 8, "above user space"},
        {s.size() + kBase, 8, "aliases the mapping modulo the range size"},
        {~uint64_t{0} - 3, 8, "wraps around 2^64"},
        {kBase, ~size_t{0}, "length wraps around 2^64"},
        {kBase, s.size(), "length larger than the address space"},
    };
    uint8_t buf[16];
    for (auto _ : state) {
        for (const Case& c : cases) {
            const bool ok = c.len <= sizeof buf ? s.read(c.g, buf, c.len) : s.accessible(c.g, c.len, xvm::mem::kProtRead);
            uint64_t v;
            const bool ok_value = c.len == 8 && s.read_value(c.g, v);
            if (ok || ok_value) {
                state.SkipWithError(c.what);
                return;
            }
            benchmark::DoNotOptimize(ok);
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(std::size(cases)));
}

// ---- mapping management (mmap/munmap/mprotect system calls land here) ----

void BM_MapUnmap(benchmark::State& state) {
    AddressSpace& s = space();
    const uint64_t len = static_cast<uint64_t>(state.range(0));
    const uint64_t g = 0x40000000;
    for (auto _ : state) {
        if (!s.map(g, len, xvm::mem::kProtRead | xvm::mem::kProtWrite) || !s.unmap(g, len)) {
            state.SkipWithError("map/unmap failed");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace

// Arg 0: sequential addresses, 1: random addresses within kRange.
#define XVM_ACCESS_BENCH(fn)                                               \
    BENCHMARK_TEMPLATE(fn, uint8_t)->ArgName("random")->Arg(0)->Arg(1);  \
    BENCHMARK_TEMPLATE(fn, uint16_t)->ArgName("random")->Arg(0)->Arg(1); \
    BENCHMARK_TEMPLATE(fn, uint32_t)->ArgName("random")->Arg(0)->Arg(1); \
    BENCHMARK_TEMPLATE(fn, uint64_t)->ArgName("random")->Arg(0)->Arg(1)

XVM_ACCESS_BENCH(BM_Load);
XVM_ACCESS_BENCH(BM_Store);
XVM_ACCESS_BENCH(BM_ReadValue);

BENCHMARK(BM_BulkRead)->Arg(256)->Arg(4096)->Arg(65536);
BENCHMARK(BM_BulkWrite)->Arg(256)->Arg(4096)->Arg(65536);
BENCHMARK(BM_HostMemcpy)->Arg(256)->Arg(4096)->Arg(65536);
BENCHMARK(BM_ReadOutOfRange);
BENCHMARK(BM_MapUnmap)->Arg(4096)->Arg(1 << 20);
