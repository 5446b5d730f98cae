// The RISC-V MMU of system mode (src/isa/riscv/mmu.h) off the TLB fast path:
// Mmu::translate on 4 KiB pages, 2 MiB and 1 GiB superpages (Sv39; Sv48 and
// bare mode for reference), and the load/store slow paths (Mmu::load,
// Mmu::store: walk, PMP, TLB fill, bus access) to RAM and to an MMIO device,
// and the PMP check alone.
//
// The device is a trivial register file defined here, on a bus laid out like
// the virt board's (CLINT, PLIC, UART, eight virtio slots, RTC, syscon), so the
// bus's device lookup searches a realistic table. The PMP is set up as the
// guest's OpenSBI 1.1 leaves it (CLINT, firmware, then everything RWX).
//
// Counters: `per_translate`, `per_access` are the time of one operation
// (batches of 1024); `walks_per_access` is Mmu::stats().walks per access: an
// MMIO page is never cached in the TLB, so every MMIO access from S mode walks.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "isa/riscv/cpu.h"
#include "isa/riscv/mmu.h"
#include "isa/riscv/priv.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"
#include "mem/mmio.h"
#include "mem/tlb.h"

namespace {

using namespace xvm;
using riscv::Access;
using riscv::Fault;
using riscv::Priv;

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kRamSize = 128ull << 20;
constexpr uint64_t kTables = kRam + (1ull << 20);
constexpr unsigned kBatch = 1024;
constexpr uint64_t kCsrSatp = 0x180, kCsrPmpcfg0 = 0x3a0, kCsrPmpaddr0 = 0x3b0;
enum : uint64_t { V = 1, R = 2, W = 4, X = 8, A = 64, D = 128 };

// Virtual layout (Sv39 and Sv48 alike):
constexpr uint64_t kVa4k = 0x4000'0000;  // 512 4 KiB pages -> kRam + 16 MiB
constexpr uint64_t kPa4k = kRam + (16ull << 20);
constexpr uint64_t kPages4k = 512;
constexpr uint64_t kVa2m = 0x1'0000'0000;  // 16 2 MiB pages -> kRam + 32 MiB
constexpr uint64_t kPa2m = kRam + (32ull << 20);
constexpr uint64_t kPages2m = 16;
constexpr uint64_t kVa1g = 0x20'0000'0000;  // one 1 GiB page -> kRam (RAM is its first 128 MiB)
constexpr uint64_t kVaMmio = 0x3000'0000;   // one 4 KiB page -> the device
constexpr uint64_t kDevBase = 0x1000'0000;  // where the UART is on virt

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "bench_mmu: %s\n", what);
    std::exit(1);
}

// The trivial device: 512 64-bit registers, reads return them, writes set them.
class RegFile final : public mem::MmioDevice {
  public:
    explicit RegFile(const char* name) : name_(name) {}
    const char* name() const override { return name_; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override {
        uint64_t v = regs_[(offset >> 3) & 511];
        value = size == 8 ? v : v & ((1ull << (8 * size)) - 1);
        return true;
    }
    bool write(uint64_t offset, unsigned, uint64_t value) override {
        regs_[(offset >> 3) & 511] = value;
        return true;
    }

  private:
    const char* name_;
    uint64_t regs_[512] = {};
};

struct Rig {
    std::unique_ptr<mem::GuestRam> ram;
    mem::Bus bus;
    riscv::Cpu cpu;
    riscv::PrivState ps{0};
    std::unique_ptr<riscv::Mmu> mmu;
    std::vector<std::unique_ptr<RegFile>> devices;
    RegFile* target = nullptr;  // the device at kDevBase
    uint64_t next_table = kTables;
    uint64_t root39 = 0, root48 = 0;

    Rig() {
        auto r = mem::GuestRam::create(kRam, kRamSize);
        if (!r.ok()) die(r.error().message.c_str());
        ram = std::move(*r);
        bus.set_ram(ram.get());
        // The virt board's MMIO map (test finisher/syscon, RTC, CLINT, PLIC, UART, virtio).
        const struct {
            uint64_t base, size;
            const char* name;
        } map_[] = {
            {0x10'0000, 0x1000, "syscon"},  {0x10'1000, 0x1000, "rtc"},
            {0x200'0000, 0x10000, "clint"}, {0xc00'0000, 0x600000, "plic"},
            {kDevBase, 0x1000, "regfile"},
        };
        for (const auto& d : map_) add(d.base, d.size, d.name);
        for (unsigned i = 0; i < 8; ++i) add(0x1000'1000 + i * 0x1000ull, 0x1000, "virtio");
        target = devices[4].get();
        mmu = std::make_unique<riscv::Mmu>(ps, bus);
        auto napot = [](uint64_t base, uint64_t size) { return (base | (size / 2 - 1)) >> 2; };
        bool ok = ps.csr_write(cpu, kCsrPmpaddr0 + 0, napot(0x0200'0000, 0x10000)) &&
                  ps.csr_write(cpu, kCsrPmpaddr0 + 1, napot(kRam, 0x80000)) &&
                  ps.csr_write(cpu, kCsrPmpaddr0 + 2, ~0ull >> 10) &&
                  ps.csr_write(cpu, kCsrPmpcfg0, 0x18 | 0x18ull << 8 | 0x1full << 16);
        if (!ok) die("cannot program the PMP");
        root39 = alloc_table();
        root48 = alloc_table();
        for (uint64_t root : {root39, root48}) {
            const int levels = root == root39 ? 3 : 4;
            for (uint64_t i = 0; i < kPages4k; ++i)
                map(root, levels, kVa4k + i * 4096, kPa4k + i * 4096, R | W | A | D, 0);
            for (uint64_t i = 0; i < kPages2m; ++i)
                map(root, levels, kVa2m + (i << 21), kPa2m + (i << 21), R | W | A | D, 1);
            map(root, levels, kVa1g, kRam, R | W | A | D, 2);
            map(root, levels, kVaMmio, kDevBase, R | W | A | D, 0);
        }
        std::memset(ram->host(kPa4k), 0x5a, 48ull << 20);  // no first-touch faults later
    }
    void add(uint64_t base, uint64_t size, const char* name) {
        devices.push_back(std::make_unique<RegFile>(name));
        if (!bus.add_device(base, size, devices.back().get()).ok()) die("bus layout");
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
    void map(uint64_t root, int levels, uint64_t va, uint64_t pa, uint64_t flags, int leaf_level) {
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
    // satp mode 0 = bare (and M mode), 8 = Sv39 in S mode, 9 = Sv48 in S mode.
    void set_mode(uint64_t mode) {
        ps.priv = Priv::M;
        const uint64_t root = mode == 9 ? root48 : root39;
        if (!ps.csr_write(cpu, kCsrSatp, mode ? (mode << 60 | root >> 12) : 0)) die("satp");
        ps.take_effects();
        mmu->flush_all();
        ps.priv = mode ? Priv::S : Priv::M;
    }
};

Rig& rig() {
    static Rig r;
    return r;
}

void per_op(benchmark::State& state, const char* name, uint64_t ops_per_iter) {
    const double n = static_cast<double>(state.iterations()) * static_cast<double>(ops_per_iter);
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.counters[name] =
        benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

enum Page { k4K = 0, k2M = 1, k1G = 2 };
const char* const kPageName[] = {"4KiB", "2MiB", "1GiB"};

// Random 8-byte-aligned virtual addresses on pages of one size. Whatever the
// page size, they touch the same host footprint: 512 4 KiB frames, the first
// 256 bytes of each (128 KiB), so the page size changes the walk, not the
// host's data cache misses.
std::vector<uint64_t> addresses(Page p, uint64_t seed = 42) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> a(kBatch);
    for (auto& va : a) {
        const uint64_t j = rng() % 512, off = (rng() % 32) * 8;
        switch (p) {
            case k4K: va = kVa4k + j * 4096 + off; break;
            case k2M: va = kVa2m + ((j % kPages2m) << 21) + (j / kPages2m) * 4096 + off; break;
            case k1G:
                va = kVa1g + (16ull << 20) + j * 4096 + off;
                break;  // = the 4 KiB set's frames
        }
    }
    return a;
}

// ---- PMP ----

// Mmu::pmp_allows, 8-byte reads from S mode. `spread:0`: every address in the
// RAM region (the last decision's range holds: no scan); `spread:1`: CLINT,
// firmware and RAM in turn (CLINT and firmware deny S, so every call scans the
// entries up to its match). The MMU asks this for every walk level and access.
void BM_PmpCheck(benchmark::State& state) {
    Rig& r = rig();
    const bool spread = state.range(0) != 0;
    std::vector<uint64_t> pa(kBatch);
    for (unsigned i = 0; i < kBatch; ++i) {
        const uint64_t ram = kRam + (1ull << 20) + i * 4096ull;
        pa[i] = !spread ? ram : i % 3 == 0 ? 0x0200'0000 + i * 8 : i % 3 == 1 ? kRam + i * 64 : ram;
    }
    for (auto _ : state) {
        unsigned allowed = 0;
        for (uint64_t a : pa) allowed += r.mmu->pmp_allows(a, 8, Access::Read, Priv::S);
        benchmark::DoNotOptimize(allowed);
    }
    per_op(state, "per_check", kBatch);
    state.SetLabel(spread ? "3 regions in turn" : "one region");
}
BENCHMARK(BM_PmpCheck)->Arg(0)->Arg(1)->ArgName("spread");

// ---- translate ----

// Mmu::translate (the walk alone, no TLB): Sv39, arg = page size. A 4 KiB page
// reads three PTEs, a 2 MiB one two, a 1 GiB one one.
void BM_Translate(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const Page p = static_cast<Page>(state.range(0));
    const auto addr = addresses(p);
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) {
            uint64_t pa;
            Fault f;
            if (!r.mmu->translate(va, Access::Read, Priv::S, pa, f)) [[unlikely]]
                die("translate faulted");
            sum += pa;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetLabel(std::string("sv39 ") + kPageName[p]);
    per_op(state, "per_translate", kBatch);
}
BENCHMARK(BM_Translate)->Arg(k4K)->Arg(k2M)->Arg(k1G)->ArgName("page");

// Sv48 (one more level), arg = page size.
void BM_TranslateSv48(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(9);
    const Page p = static_cast<Page>(state.range(0));
    const auto addr = addresses(p);
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) {
            uint64_t pa;
            Fault f;
            if (!r.mmu->translate(va, Access::Read, Priv::S, pa, f)) [[unlikely]]
                die("translate faulted");
            sum += pa;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetLabel(std::string("sv48 ") + kPageName[p]);
    per_op(state, "per_translate", kBatch);
}
BENCHMARK(BM_TranslateSv48)->Arg(k4K)->Arg(k2M)->Arg(k1G)->ArgName("page");

// Bare mode (M mode, satp = 0): no walk, the floor of translate.
void BM_TranslateBare(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(0);
    std::vector<uint64_t> addr(kBatch);
    std::mt19937_64 rng(1);
    for (auto& a : addr) a = kPa4k + (rng() % (16u << 20));
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) {
            uint64_t pa;
            Fault f;
            r.mmu->translate(va, Access::Read, Priv::M, pa, f);
            sum += pa;
        }
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_translate", kBatch);
}
BENCHMARK(BM_TranslateBare);

// ---- load/store slow paths ----

// Mmu::load/store of 8 bytes, the slow path a TLB miss takes (walk, PMP, fill,
// access). Args: page size for RAM; `store` 0/1. The slow path uses the TLB
// entry or a victim when they hold the page, so each access first empties its
// entry (one 32-byte store; an empty entry is no victim): every call walks.
void BM_SlowRam(benchmark::State& state) {
    Rig& r = rig();
    r.set_mode(8);
    const Page p = static_cast<Page>(state.range(0));
    const bool store = state.range(1) != 0;
    const auto addr = addresses(p, 5);
    const uint64_t walks0 = r.mmu->stats().walks;
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) {
            Fault f;
            uint64_t v = va;
            r.mmu->data_tlb().entry(va) = {mem::Tlb::kInvalid, mem::Tlb::kInvalid,
                                           mem::Tlb::kInvalid, 0};
            const bool ok = store ? r.mmu->store(va, 8, v, f) : r.mmu->load(va, 8, v, f);
            if (!ok) [[unlikely]]
                die("RAM access faulted");
            sum += v;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetLabel(std::string(store ? "store " : "load ") + kPageName[p]);
    per_op(state, "per_access", kBatch);
    state.counters["walks_per_access"] = static_cast<double>(r.mmu->stats().walks - walks0) /
                                         (static_cast<double>(state.iterations()) * kBatch);
}
BENCHMARK(BM_SlowRam)->ArgsProduct({{k4K, k2M, k1G}, {0, 1}})->ArgNames({"page", "store"});

// Loads and stores of 4 bytes to the MMIO device: from S mode through an Sv39
// 4 KiB mapping (arg mode=8: the way Linux drivers reach devices, ioremap), or
// from M mode with no translation (mode=0: OpenSBI). Never TLB-cached.
void BM_SlowMmio(benchmark::State& state) {
    Rig& r = rig();
    const uint64_t mode = static_cast<uint64_t>(state.range(0));
    const bool store = state.range(1) != 0;
    r.set_mode(mode);
    const uint64_t base = mode ? kVaMmio : kDevBase;
    std::vector<uint64_t> addr(kBatch);
    for (unsigned i = 0; i < kBatch; ++i) addr[i] = base + (i * 40) % 4096;
    const uint64_t walks0 = r.mmu->stats().walks, mmio0 = r.mmu->stats().mmio_accesses;
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t va : addr) {
            Fault f;
            uint64_t v = va;
            const bool ok = store ? r.mmu->store(va, 4, v, f) : r.mmu->load(va, 4, v, f);
            if (!ok) [[unlikely]]
                die("MMIO access faulted");
            sum += v;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetLabel(std::string(store ? "store " : "load ") + (mode ? "S sv39" : "M bare"));
    per_op(state, "per_access", kBatch);
    const double n = static_cast<double>(state.iterations()) * kBatch;
    state.counters["walks_per_access"] = static_cast<double>(r.mmu->stats().walks - walks0) / n;
    state.counters["mmio_per_access"] =
        static_cast<double>(r.mmu->stats().mmio_accesses - mmio0) / n;
}
BENCHMARK(BM_SlowMmio)->ArgsProduct({{8, 0}, {0, 1}})->ArgNames({"mode", "store"});

// The bus alone (no MMU): a device read through Bus::read's RAM check and
// device search, then the device's virtual read. What the MMU adds is the rest.
void BM_BusMmio(benchmark::State& state) {
    Rig& r = rig();
    std::vector<uint64_t> addr(kBatch);
    for (unsigned i = 0; i < kBatch; ++i) addr[i] = kDevBase + (i * 40) % 4096;
    for (auto _ : state) {
        uint64_t sum = 0;
        for (uint64_t pa : addr) {
            uint64_t v;
            if (!r.bus.read(pa, 4, v)) [[unlikely]]
                die("bus read failed");
            sum += v;
        }
        benchmark::DoNotOptimize(sum);
    }
    per_op(state, "per_access", kBatch);
}
BENCHMARK(BM_BusMmio);

}  // namespace
