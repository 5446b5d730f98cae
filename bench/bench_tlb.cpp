// The soft TLB of system mode (src/mem/tlb.h) behind the RISC-V MMU: the inline
// hit path exactly as the system interpreter's LOAD/STORE macros do it
// (Tlb::index, Tlb::key, tag compare, host addend), a miss with an Sv39 or Sv48
// walk and fill (Mmu::load), batches of 1000 accesses over working sets that fit
// the 256-entry TLB and that do not, flushes (one TLB, or the Mmu's, whole or
// one page, with superpages cached), and context switches (two satp values in
// turn, with the Mmu's address-space TLB sets or a flush on each switch).
//
// The page tables are real: built in a GuestRam with A and D preset (as Linux
// maps kernel memory), walked under S mode with the PMP set up the way the
// guest's OpenSBI 1.1 leaves it (CLINT and firmware entries, then one entry for
// everything), so every walk level pays the PMP check a real boot does.
//
// Counters: `per_hit`, `per_miss`, `per_batch`, `per_flush`, ... are the time of
// one operation (batches amortise the benchmark loop). `x_target` is that time
// over xvm's target (2 ns per hit, 50 ns per miss + walk; the old project's
// 100 ns / 500 ns / 100 us per 1000 are in bench/README.md): below 1 is within
// target. `miss_pct` is the share of accesses that took the slow path.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "isa/riscv/cpu.h"
#include "isa/riscv/mmu.h"
#include "isa/riscv/priv.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"
#include "mem/tlb.h"

namespace {

using namespace xvm;
using riscv::Access;
using riscv::Fault;
using riscv::Priv;

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kRamSize = 128ull << 20;
constexpr uint64_t kTables = kRam + (1ull << 20);  // page tables from here (bump)
constexpr uint64_t kData = kRam + (16ull << 20);   // the mapped pages' frames
constexpr uint64_t kVa = 0x4000'0000;              // first mapped virtual page
constexpr uint64_t kPages = 8192;                  // 32 MiB mapped with 4 KiB pages
constexpr unsigned kBatch = 1024;
constexpr uint64_t kSwitchPages = 256;  // mapped by the second address space
constexpr uint64_t kCsrSatp = 0x180, kCsrPmpcfg0 = 0x3a0, kCsrPmpaddr0 = 0x3b0;
enum : uint64_t { V = 1, R = 2, W = 4, X = 8, A = 64, D = 128 };

constexpr double kHitTargetNs = 2, kMissTargetNs = 50;
constexpr double kOldBatchTargetNs = 100e3;  // the old project's, per 1000 accesses (xvm set none)

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "bench_tlb: %s\n", what);
    std::exit(1);
}

// A hart's MMU over RAM holding two page tables, Sv39 and Sv48, that map
// kPages 4 KiB pages at kVa to frames at kData, in S mode.
struct Rig {
    std::unique_ptr<mem::GuestRam> ram;
    mem::Bus bus;
    riscv::Cpu cpu;
    riscv::PrivState ps{0};
    std::unique_ptr<riscv::Mmu> mmu;
    uint64_t next_table = kTables;
    uint64_t root39 = 0, root48 = 0;
    uint64_t root39b = 0;  // a second Sv39 address space: the first kSwitchPages pages

    Rig() {
        auto r = mem::GuestRam::create(kRam, kRamSize);
        if (!r.ok()) die(r.error().message.c_str());
        ram = std::move(*r);
        bus.set_ram(ram.get());
        mmu = std::make_unique<riscv::Mmu>(ps, bus);
        // OpenSBI 1.1 on the virt board: CLINT (M only), firmware (M only), all (RWX).
        auto napot = [](uint64_t base, uint64_t size) { return (base | (size / 2 - 1)) >> 2; };
        bool ok = ps.csr_write(cpu, kCsrPmpaddr0 + 0, napot(0x0200'0000, 0x10000)) &&
                  ps.csr_write(cpu, kCsrPmpaddr0 + 1, napot(kRam, 0x80000)) &&
                  ps.csr_write(cpu, kCsrPmpaddr0 + 2, ~0ull >> 10) &&
                  ps.csr_write(cpu, kCsrPmpcfg0, 0x18 | 0x18ull << 8 | 0x1full << 16);
        if (!ok) die("cannot program the PMP");
        root39 = alloc_table();
        root48 = alloc_table();
        root39b = alloc_table();
        for (uint64_t i = 0; i < kPages; ++i) {
            const uint64_t va = kVa + i * 4096, pa = kData + i * 4096;
            map(root39, 3, va, pa, R | W | A | D);
            map(root48, 4, va, pa, R | W | A | D);
            if (i < kSwitchPages)
                map(root39b, 3, va, kData + (kPages - 1 - i) * 4096, R | W | A | D);
        }
        std::memset(ram->host(kData), 0x5a, kPages * 4096);  // no first-touch faults later
        set_mode(8);
        ps.priv = Priv::S;
    }
    uint64_t alloc_table() {
        const uint64_t t = next_table;
        next_table += 4096;
        std::memset(ram->host(t), 0, 4096);
        return t;
    }
    uint64_t pte(uint64_t pa) {
        uint64_t v;
        std::memcpy(&v, ram->host(pa), 8);
        return v;
    }
    void set_pte(uint64_t pa, uint64_t v) { std::memcpy(ram->host(pa), &v, 8); }
    // Maps va -> pa as a leaf at `leaf_level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB).
    void map(uint64_t root, int levels, uint64_t va, uint64_t pa, uint64_t flags,
             int leaf_level = 0) {
        uint64_t table = root;
        for (int l = levels - 1; l > leaf_level; --l) {
            const uint64_t slot = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
            uint64_t p = pte(slot);
            if (!(p & V)) {
                p = (alloc_table() >> 12) << 10 | V;
                set_pte(slot, p);
            }
            table = (p >> 10) << 12;
        }
        set_pte(table + ((va >> (12 + 9 * leaf_level)) & 0x1ff) * 8, (pa >> 12) << 10 | flags | V);
    }
    // satp mode 8 = Sv39, 9 = Sv48; flushes the TLBs as the CSR write asks.
    void set_mode(uint64_t mode) {
        const Priv p = ps.priv;
        ps.priv = Priv::M;
        const uint64_t root = mode == 8 ? root39 : root48;
        if (!ps.csr_write(cpu, kCsrSatp, mode << 60 | root >> 12)) die("cannot write satp");
        ps.priv = p;
        ps.take_effects();
        mmu->flush_all();
    }
    // A satp write in S mode as the engine applies it: with address-space TLB
    // sets (Mmu::switch_address_space), or flushing everything as every satp
    // write did before them (and as an OS without ASIDs asks with sfence.vma).
    void switch_to(uint64_t satp, bool sets) {
        if (!ps.csr_write(cpu, kCsrSatp, satp)) die("cannot write satp");
        if (ps.take_effects() != riscv::PrivState::kAddressSpace) die("satp effect");
        if (sets)
            mmu->switch_address_space();
        else
            mmu->flush_all();
    }
    // Touches each page once through the slow path, so its TLB entry is filled.
    void warm(const std::vector<uint64_t>& vas) {
        for (uint64_t va : vas) {
            uint64_t v;
            Fault f;
            if (!mmu->load(va, 8, v, f)) die("warm-up load faulted");
        }
    }
};

Rig& rig() {
    static Rig r;
    return r;
}

// The interpreter's LOAD(uint64_t, va): inline compare + add, slow path on a miss.
// `misses` counts the slow-path calls.
inline uint64_t load64(const mem::TlbEntry* tlb, riscv::Mmu& mmu, uint64_t va, uint64_t& misses) {
    const mem::TlbEntry& e = tlb[mem::Tlb::index(va)];
    uint64_t v;
    if (e.tag_read == mem::Tlb::key(va, 8)) [[likely]] {
        std::memcpy(&v, reinterpret_cast<const void*>(va + e.addend), 8);
    } else {
        ++misses;
        Fault f;
        if (!mmu.load(va, 8, v, f)) [[unlikely]]
            die("load faulted");
    }
    return v;
}

inline void store64(const mem::TlbEntry* tlb, riscv::Mmu& mmu, uint64_t va, uint64_t v,
                    uint64_t& misses) {
    const mem::TlbEntry& e = tlb[mem::Tlb::index(va)];
    if (e.tag_write == mem::Tlb::key(va, 8)) [[likely]] {
        std::memcpy(reinterpret_cast<void*>(va + e.addend), &v, 8);
    } else {
        ++misses;
        Fault f;
        if (!mmu.store(va, 8, v, f)) [[unlikely]]
            die("store faulted");
    }
}

// Random 8-byte-aligned addresses in the first `pages` mapped pages, within the
// first four cache lines of each page: the host data stays in L1/L2 and the
// time is the TLB's, not the host cache's.
std::vector<uint64_t> random_addresses(uint64_t pages, unsigned n, uint64_t seed = 42) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> a(n);
    for (auto& va : a) va = kVa + (rng() % pages) * 4096 + (rng() % 32) * 8;
    return a;
}

// The thread's CPU time, for x_target (Google Benchmark's rate counters use the
// same clock; a ratio counter cannot be expressed as one of them).
double cpu_ns() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Time per operation; with a target, also that time over the target
// (x_target < 1: within it), from `ns`, the CPU time of the timed loop.
void per_op(benchmark::State& state, const char* name, uint64_t ops_per_iter, double target_ns = 0,
            double ns = 0) {
    const double n = static_cast<double>(state.iterations()) * static_cast<double>(ops_per_iter);
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.counters[name] =
        benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    if (target_ns > 0 && n > 0) state.counters["x_target"] = ns / n / target_ns;
}

void miss_pct(benchmark::State& state, uint64_t misses, uint64_t accesses) {
    state.counters["miss_pct"] =
        accesses ? 100.0 * static_cast<double>(misses) / static_cast<double>(accesses) : 0;
}

// ---- hits ----

// Independent hits: 1024 loads at random addresses in 64 pages (all in the TLB).
// The throughput of the inline path, as straight-line guest code sees it.
void BM_TlbHit(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const auto addr = random_addresses(64, kBatch);
    r.warm(addr);
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_hit", kBatch, kHitTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * kBatch);
}
BENCHMARK(BM_TlbHit);

// Dependent hits: each loaded value is the next address (a random cycle over 64
// pages), so one hit cannot start before the previous ends: the latency of the
// path, as pointer-chasing guest code sees it.
void BM_TlbHitLatency(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    auto addr = random_addresses(64, kBatch, 7);
    std::sort(addr.begin(), addr.end());
    addr.erase(std::unique(addr.begin(), addr.end()), addr.end());
    std::shuffle(addr.begin(), addr.end(), std::mt19937_64(3));
    for (size_t i = 0; i < addr.size(); ++i) {  // the cycle, written through the host
        const uint64_t next = addr[(i + 1) % addr.size()];
        std::memcpy(r.ram->host(kData + (addr[i] - kVa)), &next, 8);
    }
    r.warm(addr);
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0, va = addr[0];
    const double t0 = cpu_ns();
    for (auto _ : state) {
        for (unsigned k = 0; k < kBatch; ++k) va = load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(va);
    }
    per_op(state, "per_hit", kBatch, kHitTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * kBatch);
}
BENCHMARK(BM_TlbHitLatency);

// Independent store hits (the STORE macro's path).
void BM_TlbHitStore(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const auto addr = random_addresses(64, kBatch);
    for (uint64_t va : addr) {  // fill write tags (a store walk sets them; D is preset)
        Fault f;
        if (!r.mmu->store(va, 8, 0, f)) die("warm-up store faulted");
    }
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0, k = 0;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        for (uint64_t va : addr) store64(tlb, *r.mmu, va, ++k, misses);
        benchmark::ClobberMemory();
    }
    per_op(state, "per_hit", kBatch, kHitTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * kBatch);
}
BENCHMARK(BM_TlbHitStore);

// ---- misses ----

// Every access misses: 16 pages per TLB index (2048 pages on 128 indexes, each
// index visited by its 16 pages in turn, each evicting the last; more than the
// TLB's victims hold), so each load is the inline compare failing, then
// Mmu::load: the page walk (3 levels for Sv39, 4 for Sv48, a PMP check per
// level), the fill, and the RAM read. Arg: satp mode.
void BM_TlbMissWalk(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(static_cast<uint64_t>(state.range(0)));
    std::vector<uint64_t> addr(2048);
    for (unsigned i = 0; i < addr.size(); ++i)
        addr[i] = kVa + ((i % 16) * 256 + (i / 16) % 128) * 4096 + (i % 61) * 64;
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0;
    const uint64_t walks0 = r.mmu->stats().walks, recalls0 = r.mmu->stats().recalls;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(sum);
    }
    state.SetLabel(state.range(0) == 8 ? "sv39" : "sv48");
    per_op(state, "per_miss", addr.size(), kMissTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * addr.size());
    state.counters["walks_per_miss"] =
        misses ? static_cast<double>(r.mmu->stats().walks - walks0) / static_cast<double>(misses)
               : 0;
    state.counters["recalls_per_miss"] =
        misses
            ? static_cast<double>(r.mmu->stats().recalls - recalls0) / static_cast<double>(misses)
            : 0;
}
BENCHMARK(BM_TlbMissWalk)->Arg(8)->Arg(9)->ArgName("satp_mode");

// The same misses, stores: the walk checks W and D and fills the write tag.
void BM_TlbMissWalkStore(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(static_cast<uint64_t>(state.range(0)));
    std::vector<uint64_t> addr(2048);
    for (unsigned i = 0; i < addr.size(); ++i)
        addr[i] = kVa + ((i % 16) * 256 + (i / 16) % 128) * 4096 + (i % 61) * 64;
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0, k = 0;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        for (uint64_t va : addr) store64(tlb, *r.mmu, va, ++k, misses);
        benchmark::ClobberMemory();
    }
    state.SetLabel(state.range(0) == 8 ? "sv39" : "sv48");
    per_op(state, "per_miss", addr.size(), kMissTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * addr.size());
}
BENCHMARK(BM_TlbMissWalkStore)->Arg(8)->Arg(9)->ArgName("satp_mode");

// Two pages with one TLB index, loaded in turn (a stack page and a data page
// in Linux's shell loops): every access misses inline and the slow path finds
// the page among the TLB's victims, swaps it in, no walk.
void BM_TlbMissVictim(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    std::vector<uint64_t> addr(kBatch);
    for (unsigned i = 0; i < addr.size(); ++i)
        addr[i] = kVa + (i % 2) * mem::Tlb::kSize * 4096 + (i % 61) * 64;
    r.warm(addr);
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0;
    const uint64_t walks0 = r.mmu->stats().walks;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_miss", addr.size(), kMissTargetNs, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * addr.size());
    state.counters["walks_per_miss"] =
        misses ? static_cast<double>(r.mmu->stats().walks - walks0) / static_cast<double>(misses)
               : 0;
}
BENCHMARK(BM_TlbMissVictim);

// ---- batches of 1000 over a working set ----

// 1000 random loads over `pages` pages: 128 fit the 256-entry direct-mapped TLB
// (consecutive pages, distinct indexes: all hits once warm); 4096 do not (about
// 94% miss). Sv39. `per_batch` is the time of 1000 accesses.
void BM_Batch1000(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const uint64_t pages = static_cast<uint64_t>(state.range(0));
    const auto addr = random_addresses(pages, 1000, 11);
    r.warm(addr);
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_batch", 1, kOldBatchTargetNs, cpu_ns() - t0);
    state.counters["per_access"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * 1000,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    miss_pct(state, misses, state.iterations() * 1000);
    state.SetLabel(pages <= mem::Tlb::kSize ? "fits TLB" : "exceeds TLB");
}
BENCHMARK(BM_Batch1000)->Arg(128)->Arg(4096)->ArgName("pages");

// ---- flushes ----

// One 256-entry TLB flushed whole (an 8 KiB store loop).
void BM_TlbFlushAll(benchmark::State& state) {
    mem::Tlb tlb;
    for (auto _ : state) {
        tlb.flush();
        benchmark::ClobberMemory();
    }
    per_op(state, "per_flush", 1);
}
BENCHMARK(BM_TlbFlushAll);

// Mmu::flush_all: the current address space's three TLBs (U, S, S+SUM) and
// M's; the other address spaces are marked empty. What sfence.vma without an
// address costs (and every satp write did before address-space TLB sets).
void BM_MmuFlushAll(benchmark::State& state) {
    Rig& r = rig();
    for (auto _ : state) {
        r.mmu->flush_all();
        benchmark::ClobberMemory();
    }
    per_op(state, "per_flush", 1);
}
BENCHMARK(BM_MmuFlushAll);

// One page out of one TLB. Each round first stores a tag into the page's entry:
// the page's own (arg present=1: the flush empties the entry) or another page's
// with the same index (present=0: the flush compares and leaves it), so both
// variants time the same store plus the flush.
void BM_TlbFlushPage(benchmark::State& state) {
    const bool present = state.range(0) != 0;
    mem::Tlb tlb;
    std::vector<uint64_t> pages(256);
    for (unsigned i = 0; i < pages.size(); ++i) pages[i] = kVa + i * 4096;
    const uint64_t other = present ? 0 : mem::Tlb::kSize * 4096;
    for (auto _ : state) {
        for (uint64_t va : pages) {
            tlb.entry(va).tag_read = va + other;
            tlb.flush_page(va);
        }
        benchmark::ClobberMemory();
    }
    per_op(state, "per_flush", pages.size());
}
BENCHMARK(BM_TlbFlushPage)->Arg(0)->Arg(1)->ArgName("present");

// One page out of a TLB whose 256 entries are pieces of two 2 MiB superpages
// 1 GiB apart. flush_page scans the entries only for an address inside the
// bytes the cached superpages span: `where:0` outside (a user page while the
// kernel's superpages are cached: no scan), `where:1` between the two (a scan
// that drops nothing), `where:2` inside one (a scan dropping its 128 pieces,
// then the benchmark puts them back).
void BM_TlbFlushPageSuperpages(benchmark::State& state) {
    const int where = static_cast<int>(state.range(0));
    mem::Tlb tlb;
    auto refill = [&] {
        for (unsigned i = 0; i < mem::Tlb::kSize; ++i) {
            const uint64_t va = kVa + (i < 128 ? 0 : 1ull << 30) + i * 4096ull;
            tlb.fill(va, 21).tag_read = va & ~mem::Tlb::kPageMask;
        }
    };
    refill();
    const uint64_t target = where == 0 ? 0x1000 : where == 1 ? kVa + (1ull << 29) : kVa + 0x1000;
    for (auto _ : state) {
        tlb.flush_page(target);
        if (where == 2) refill();
        benchmark::ClobberMemory();
    }
    per_op(state, "per_flush", 1);
    const char* const label[] = {"outside: no scan", "scan, no match", "scan, drop + refill 128"};
    state.SetLabel(label[where]);
}
BENCHMARK(BM_TlbFlushPageSuperpages)->DenseRange(0, 2)->ArgName("where");

// Mmu::flush_page: sfence.vma with an address, in the TLBs of every address
// space that holds translations (here Sv39, Sv48 and bare from set_mode).
void BM_MmuFlushPage(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    std::vector<uint64_t> pages(256);
    for (unsigned i = 0; i < pages.size(); ++i) pages[i] = kVa + i * 4096;
    for (auto _ : state) {
        for (uint64_t va : pages) r.mmu->flush_page(va);
        benchmark::ClobberMemory();
    }
    per_op(state, "per_flush", pages.size());
}
BENCHMARK(BM_MmuFlushPage);

// What a full flush really costs the guest: Mmu::flush_all, then `pages`
// distinct pages touched again (each one a miss + Sv39 walk + fill).
void BM_FlushAllRefill(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const uint64_t pages = static_cast<uint64_t>(state.range(0));
    std::vector<uint64_t> addr(pages);
    for (uint64_t i = 0; i < pages; ++i) addr[i] = kVa + i * 4096 + 8 * (i % 512);
    const mem::TlbEntry* tlb = r.mmu->data_tlb().data();
    uint64_t misses = 0;
    for (auto _ : state) {
        r.mmu->flush_all();
        uint64_t sum = 0;
        for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_flush", 1);
    miss_pct(state, misses, state.iterations() * pages);
}
BENCHMARK(BM_FlushAllRefill)->Arg(16)->Arg(64)->Arg(256)->ArgName("pages");

// ---- context switches ----

// Two processes taking turns: satp switches to A (ASID 1), `pages` pages are
// touched, then to B (ASID 2, another page table), `pages` pages again.
// `sets:1` is the MMU as the engine drives it (the switch selects the address
// space's TLBs, which still hold its pages); `sets:0` flushes all on each
// switch, as every satp write did before, so each touch misses and walks.
// `per_switch` is one switch plus its `pages` accesses.
void BM_ContextSwitch(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const uint64_t pages = static_cast<uint64_t>(state.range(0));
    const bool sets = state.range(1) != 0;
    const uint64_t satp_a = 8ull << 60 | 1ull << 44 | r.root39 >> 12;
    const uint64_t satp_b = 8ull << 60 | 2ull << 44 | r.root39b >> 12;
    std::vector<uint64_t> addr(pages);
    for (uint64_t i = 0; i < pages; ++i) addr[i] = kVa + i * 4096 + 8 * (i % 512);
    uint64_t misses = 0;
    const uint64_t walks0 = r.mmu->stats().walks;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t satp : {satp_a, satp_b}) {
            r.switch_to(satp, sets);
            const mem::TlbEntry* tlb = r.mmu->data_tlb().data();  // as the engine re-reads it
            for (uint64_t va : addr) sum += load64(tlb, *r.mmu, va, misses);
        }
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_switch", 2, 0, cpu_ns() - t0);
    miss_pct(state, misses, state.iterations() * 2 * pages);
    state.counters["walks_per_switch"] = static_cast<double>(r.mmu->stats().walks - walks0) /
                                         static_cast<double>(state.iterations() * 2);
    state.SetLabel(sets ? "address-space TLB sets" : "flush on every switch");
    r.set_mode(8);
}
BENCHMARK(BM_ContextSwitch)->ArgsProduct({{16, 64, 128}, {0, 1}})->ArgNames({"pages", "sets"});

}  // namespace
