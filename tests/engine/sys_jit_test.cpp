// System mode's JIT against its interpreter: a small machine built in-process as
// machine/bare_metal.cpp builds one (RAM at 0x8000_0000, a bus with one logging
// MMIO device, the soft MMU, a SysInterpreter), guest code from rv_asm.h, and
// every program run under the interpreter, the JIT compiling every block, and
// tiered with thresholds 1 to 3. The interpreter is the reference: x registers,
// pc, instret, all of RAM, every device access in order, privilege and the trap
// CSRs must all be equal. Seeds are fixed, so a failure reproduces.
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/sys_interpreter.h"
#include "mem/guest_ram.h"
#include "rv_asm.h"

namespace xvm::test {
namespace {

using riscv::Op;

constexpr uint64_t kRamBase = 0x8000'0000, kRamSize = 1u << 20;
constexpr uint64_t kCodePa = kRamBase;               // the program
constexpr uint64_t kFuncPa = kRamBase + 0x4000;      // a function the program rewrites
constexpr uint64_t kHandlerPa = kRamBase + 0x8000;   // mtvec and stvec: wfi
constexpr uint64_t kDataPa = kRamBase + 0x1'0000;    // hot data, two pages
constexpr uint64_t kTablesPa = kRamBase + 0x2'0000;  // Sv39 root, l1, l0
constexpr uint64_t kFreshPa = kRamBase + 0x4'0000;   // pages touched once each
constexpr uint64_t kDevBase = 0x1000'0000, kDevSize = 0x2000;
constexpr uint64_t kDevRefuse = 0x1800;     // device offsets from here refuse access
constexpr uint64_t kNothing = 0x2000'0000;  // neither RAM nor a device

// CSR numbers (privileged spec, "CSR Listing").
enum : uint32_t {
    kSstatus = 0x100,
    kStvec = 0x105,
    kSepc = 0x141,
    kScause = 0x142,
    kStval = 0x143,
    kSatp = 0x180,
    kMedeleg = 0x302,
    kMtvec = 0x305,
    kMepc = 0x341,
    kMcause = 0x342,
    kMtval = 0x343,
    kPmpcfg0 = 0x3a0,
    kPmpaddr0 = 0x3b0,
};

// ---- a device that remembers every access -------------------------------------

struct Access {
    bool write;
    uint64_t offset;
    unsigned size;
    uint64_t value;
    bool refused;
    bool operator==(const Access&) const = default;
};

// Reads return a value that depends on the offset, the size and how many reads
// came before, so a read done twice, skipped or reordered changes the result.
// Only the accessed bytes are set, as a device register of that width would.
class LogDevice : public mem::MmioDevice {
  public:
    const char* name() const override { return "test-log"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override {
        uint64_t h =
            (offset + 1) * 0x9e3779b97f4a7c15ull ^ (++reads_ * 0xbf58476d1ce4e5b9ull) ^ size;
        h ^= h >> 29;
        value = size == 8 ? h : h & ((1ull << (8 * size)) - 1);
        const bool refused = offset >= kDevRefuse;
        log.push_back({false, offset, size, refused ? 0 : value, refused});
        return !refused;
    }
    bool write(uint64_t offset, unsigned size, uint64_t value) override {
        const bool refused = offset >= kDevRefuse;
        log.push_back({true, offset, size, value, refused});
        return !refused;
    }
    std::vector<Access> log;

  private:
    uint64_t reads_ = 0;
};

// ---- the machine ----------------------------------------------------------------

uint64_t frozen_time(void*) {
    return 0;
}  // no timer interrupt can happen

struct Machine {
    std::unique_ptr<mem::GuestRam> ram;
    LogDevice dev;
    mem::Bus bus;
    riscv::PrivState ps;
    riscv::Cpu cpu;
    std::unique_ptr<riscv::Mmu> mmu;
    std::unique_ptr<engine::SysInterpreter> hart;

    explicit Machine(const engine::EngineOptions& opts) {
        auto r = mem::GuestRam::create(kRamBase, kRamSize);
        if (!r) throw std::runtime_error(r.error().message);
        ram = std::move(*r);
        bus.set_ram(ram.get());
        if (!bus.add_device(kDevBase, kDevSize, &dev)) throw std::runtime_error("add_device");
        mmu = std::make_unique<riscv::Mmu>(ps, bus);
        hart = std::make_unique<engine::SysInterpreter>(cpu, ps, *mmu, bus, &frozen_time, nullptr);
        if (auto e = hart->set_engine(opts); !e) throw std::runtime_error(e.error().message);
        bus.set_dma_observer(&engine::SysInterpreter::dma_written, hart.get());
        csr_write(kMtvec, kHandlerPa);
        csr_write(kStvec, kHandlerPa);
    }
    void put(uint64_t pa, const std::vector<uint32_t>& words) {
        ASSERT_TRUE(ram->write(pa, words.data(), words.size() * 4));
    }
    void put64(uint64_t pa, uint64_t v) { ASSERT_TRUE(ram->write(pa, &v, 8)); }
    // CSR access from outside, whatever the hart's privilege.
    uint64_t csr_read(uint32_t csr) {
        const riscv::Priv p = std::exchange(ps.priv, riscv::Priv::M);
        uint64_t v = 0;
        EXPECT_TRUE(ps.csr_read(cpu, csr, 0, v)) << fmt::format("csr {:#x}", csr);
        ps.priv = p;
        return v;
    }
    void csr_write(uint32_t csr, uint64_t v) {
        const riscv::Priv p = std::exchange(ps.priv, riscv::Priv::M);
        EXPECT_TRUE(ps.csr_write(cpu, csr, v)) << fmt::format("csr {:#x}", csr);
        ps.priv = p;
        ps.take_effects();  // the TLBs are empty still
    }
};

// Runs `fn` and fails the test if it takes more than `limit`: first by asking the
// hart to stop (a guest that never ends), then, if even that is not seen (a
// compiled loop that misses its exit check), by aborting rather than hanging.
class Deadline {
  public:
    Deadline(riscv::Cpu& cpu, std::chrono::seconds limit) {
        thread_ = std::thread([this, &cpu, limit] {
            std::unique_lock<std::mutex> l(m_);
            if (cv_.wait_for(l, limit, [this] { return done_; })) return;
            fired_ = true;
            std::atomic_ref<uint8_t>(cpu.exit_request).store(1, std::memory_order_relaxed);
            if (cv_.wait_for(l, limit, [this] { return done_; })) return;
            std::fprintf(stderr, "sys_jit_test: the hart ignored its exit request; aborting\n");
            std::abort();
        });
    }
    ~Deadline() {
        {
            std::lock_guard<std::mutex> l(m_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    bool fired() {
        std::lock_guard<std::mutex> l(m_);
        return fired_;
    }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    bool done_ = false, fired_ = false;
    std::thread thread_;
};

// ---- engines and outcomes ---------------------------------------------------------

struct EngineCase {
    std::string name;
    engine::EngineOptions opts;
};

std::vector<EngineCase> engine_cases() {
    std::vector<EngineCase> v;
    engine::EngineOptions o;
    o.jit.cache_bytes = 4u << 20;
    o.kind = engine::EngineKind::Interp;
    v.push_back({"interp", o});
    o.kind = engine::EngineKind::Jit;
    v.push_back({"jit", o});
    o.jit.alloc_regs = 2;  // most values spill: slots, homes, slow paths' saves
    v.push_back({"jit-2-regs", o});
    o.jit.alloc_regs = 0;
    o.kind = engine::EngineKind::Tiered;
    for (uint32_t t = 1; t <= 3; ++t) {
        o.jit_threshold = t;
        v.push_back({fmt::format("tiered{}", t), o});
    }
    return v;
}

struct Outcome {
    engine::HartStop stop = engine::HartStop::Exit;
    bool timed_out = false;
    uint64_t x[32] = {};
    uint64_t pc = 0, instret = 0;
    riscv::Priv priv = riscv::Priv::M;
    uint64_t mcause = 0, mepc = 0, mtval = 0, scause = 0, sepc = 0, stval = 0;
    uint64_t traps = 0;
    std::vector<uint8_t> ram;
    std::vector<Access> log;
    uint64_t jit_entries = 0, blocks_compiled = 0;
    uint64_t not_compilable = 0;  // blocks the JIT refused (none of these tests has any)
};

struct Program {
    std::vector<uint32_t> code;  // at kCodePa, entered there
    // Anything else: more code, data, page tables, CSRs, privilege.
    std::function<void(Machine&)> setup;
};

// The handler every trap goes to: the hart waits, and run() returns.
const std::vector<uint32_t>& handler_code() {
    static const std::vector<uint32_t> h = [] {
        Asm a;
        a.emit(encode(Op::wfi, {}));
        a.jal(0, -4);
        return a.words;
    }();
    return h;
}

Outcome run_program(const Program& p, const EngineCase& ec) {
    Outcome o;
    Machine m(ec.opts);
    m.put(kCodePa, p.code);
    m.put(kHandlerPa, handler_code());
    m.cpu.pc = kCodePa;
    if (p.setup) p.setup(m);
    {
        Deadline d(m.cpu, std::chrono::seconds(20));
        o.stop = m.hart->run();
        o.timed_out = d.fired();
    }
    std::memcpy(o.x, m.cpu.x, sizeof o.x);
    o.pc = m.cpu.pc;
    o.instret = m.cpu.instret;
    o.priv = m.ps.priv;
    o.mcause = m.csr_read(kMcause);
    o.mepc = m.csr_read(kMepc);
    o.mtval = m.csr_read(kMtval);
    o.scause = m.csr_read(kScause);
    o.sepc = m.csr_read(kSepc);
    o.stval = m.csr_read(kStval);
    o.traps = m.hart->stats().traps;
    o.ram.assign(m.ram->host(kRamBase), m.ram->host(kRamBase) + kRamSize);
    o.log = m.dev.log;
    o.jit_entries = m.hart->stats().jit_entries;
    if (m.hart->jit()) {
        o.blocks_compiled = m.hart->jit()->stats().blocks_compiled;
        o.not_compilable = m.hart->jit()->stats().not_compilable;
    }
    return o;
}

std::string describe(const Access& a) {
    return fmt::format("{} {:#x}/{} = {:#x}{}", a.write ? "write" : "read", a.offset, a.size,
                       a.value, a.refused ? " (refused)" : "");
}

// The first differences between two outcomes, "" when there are none.
std::string compare(const Outcome& ref, const Outcome& o) {
    std::string d;
    auto field = [&d](const char* name, uint64_t a, uint64_t b) {
        if (a != b) d += fmt::format("  {}: {:#x} vs {:#x}\n", name, a, b);
    };
    field("stop", static_cast<uint64_t>(ref.stop), static_cast<uint64_t>(o.stop));
    for (unsigned r = 1; r < 32; ++r) field(riscv::kXRegName[r], ref.x[r], o.x[r]);
    field("pc", ref.pc, o.pc);
    field("instret", ref.instret, o.instret);
    field("priv", static_cast<uint64_t>(ref.priv), static_cast<uint64_t>(o.priv));
    field("mcause", ref.mcause, o.mcause);
    field("mepc", ref.mepc, o.mepc);
    field("mtval", ref.mtval, o.mtval);
    field("scause", ref.scause, o.scause);
    field("sepc", ref.sepc, o.sepc);
    field("stval", ref.stval, o.stval);
    field("traps", ref.traps, o.traps);
    for (size_t k = 0; k < ref.ram.size(); ++k) {
        if (ref.ram[k] != o.ram[k]) {
            d += fmt::format("  RAM first differs at {:#x}: {:#04x} vs {:#04x}\n", kRamBase + k,
                             ref.ram[k], o.ram[k]);
            break;
        }
    }
    field("device accesses", ref.log.size(), o.log.size());
    for (size_t k = 0; k < std::min(ref.log.size(), o.log.size()); ++k) {
        if (!(ref.log[k] == o.log[k])) {
            d += fmt::format("  device access {} differs: {} vs {}\n", k, describe(ref.log[k]),
                             describe(o.log[k]));
            break;
        }
    }
    return d;
}

// Runs `p` under every engine; each must agree with the interpreter, stop at a
// WFI, and have run compiled code (tiered: when `hot`, the program loops long
// enough for that). Returns the interpreter's outcome.
Outcome run_everywhere(const Program& p, bool hot = true) {
    const std::vector<EngineCase> cases = engine_cases();
    const Outcome ref = run_program(p, cases[0]);
    EXPECT_FALSE(ref.timed_out) << "interp: timed out";
    EXPECT_EQ(ref.stop, engine::HartStop::Wfi) << "interp";
    for (size_t k = 1; k < cases.size(); ++k) {
        const Outcome o = run_program(p, cases[k]);
        EXPECT_FALSE(o.timed_out) << cases[k].name << ": timed out";
        EXPECT_EQ(compare(ref, o), "") << cases[k].name << " differs from interp";
        EXPECT_EQ(o.not_compilable, 0u) << cases[k].name;
        if (hot || cases[k].opts.kind == engine::EngineKind::Jit) {
            EXPECT_GT(o.blocks_compiled, 0u) << cases[k].name;
            EXPECT_GT(o.jit_entries, 0u) << cases[k].name;
        }
    }
    return ref;
}

// ---- guest code helpers -----------------------------------------------------------

uint32_t enc(Op op, unsigned rd, unsigned rs1, unsigned rs2, int64_t imm = 0) {
    Fields f;
    f.rd = rd;
    f.rs1 = rs1;
    f.rs2 = rs2;
    f.imm = imm;
    return encode(op, f);
}

struct MemOp {
    Op op;
    unsigned size;
    bool store;
};
constexpr MemOp kMemOps[] = {
    {Op::lb, 1, false},  {Op::lh, 2, false},  {Op::lw, 4, false},  {Op::ld, 8, false},
    {Op::lbu, 1, false}, {Op::lhu, 2, false}, {Op::lwu, 4, false}, {Op::sb, 1, true},
    {Op::sh, 2, true},   {Op::sw, 4, true},   {Op::sd, 8, true},
};

// rd (or the stored rs2) and the address rs1 + off.
uint32_t mem_insn(const MemOp& m, unsigned reg, unsigned base, int32_t off) {
    return m.store ? enc(m.op, 0, base, reg, off) : enc(m.op, reg, base, 0, off);
}

// ---- (a) random loads and stores in a hot loop ------------------------------------

// Registers of the random loop.
enum : unsigned {
    kRegCount = 5,
    kRegHot = 6,
    kRegFresh = 7,
    kRegDev = 8,
    kRegValue = 9,
    kRegSum = 10,
    kRegConst = 11,
    kRegMul = 28,
    kRegHotEdge = 29,
    kRegPage = 30,
    kRegDevEdge = 31,
};
constexpr unsigned kLoadRegs = 16;  // x12..x27 receive loads

// With `const_stores`, stores also write x0 and constants set just before them
// (small ones the backend stores as immediates, and large ones).
Program random_mem_program(uint32_t seed, unsigned iterations, unsigned ops,
                           bool const_stores = false) {
    std::mt19937 rng(seed);
    auto pick = [&rng](unsigned n) { return static_cast<unsigned>(rng() % n); };
    Asm a;
    a.li(kRegCount, iterations).li(kRegHot, kDataPa).li(kRegFresh, kFreshPa).li(kRegDev, kDevBase);
    a.li(kRegValue, 0x0123456789abcdef).li(kRegSum, 0).li(kRegMul, 0x5851f42d4c957f2d);
    a.li(kRegHotEdge, kDataPa + 0x1000).li(kRegPage, 0x1000).li(kRegDevEdge, kDevBase + 0x1000);
    const int32_t loop = a.here();
    for (unsigned k = 0; k < ops; ++k) {
        const MemOp& m = kMemOps[pick(std::size(kMemOps))];
        unsigned reg = m.store ? kRegValue : 12 + pick(kLoadRegs);
        if (m.store && const_stores) {
            switch (pick(4)) {
                case 0: reg = 0; break;
                case 1:
                    a.addi(kRegConst, 0, static_cast<int32_t>(pick(4096)) - 2048);
                    reg = kRegConst;
                    break;
                case 2:
                    a.li(kRegConst, static_cast<int64_t>(uint64_t{rng()} << 32 | rng()));
                    reg = kRegConst;
                    break;
                default: break;
            }
        }
        unsigned base;
        int32_t off;
        auto misaligned = [&](int32_t span) {
            int32_t o = static_cast<int32_t>(pick(static_cast<unsigned>(span)));
            if (m.size > 1 && o % static_cast<int32_t>(m.size) == 0) ++o;
            return o;
        };
        auto aligned = [&](int32_t span) {
            return static_cast<int32_t>(pick(static_cast<unsigned>(span))) &
                   ~static_cast<int32_t>(m.size - 1);
        };
        auto crossing = [&] {
            return -static_cast<int32_t>(1 + pick(m.size > 1 ? m.size - 1 : 1));
        };
        switch (pick(10)) {
            case 0:
            case 1:
            case 2:
                base = kRegHot;
                off = aligned(256);
                break;  // a TLB hit
            case 3:
                base = kRegHot;
                off = misaligned(256);
                break;
            case 4:
                base = kRegHotEdge;
                off = crossing();
                break;  // split across two pages
            case 5:
            case 6:  // the first access to this iteration's page: a TLB miss
                base = kRegFresh;
                off = pick(3) ? aligned(2040) : misaligned(2040);
                break;
            case 7:
            case 8:
                base = kRegDev;
                off = pick(4) ? aligned(512) : misaligned(512);
                break;
            default:
                base = kRegDevEdge;
                off = crossing();
                break;  // MMIO split into bytes
        }
        a.emit(mem_insn(m, reg, base, off));
        if (!m.store) a.add(kRegSum, kRegSum, reg);
        if (pick(3) == 0)
            a.mul(kRegValue, kRegValue, kRegMul)
                .addi(kRegValue, kRegValue, static_cast<int32_t>(k));
    }
    a.add(kRegFresh, kRegFresh, kRegPage).addi(kRegCount, kRegCount, -1);
    a.bne(kRegCount, 0, loop - a.here());
    a.emit(encode(Op::wfi, {}));
    EXPECT_LE(a.words.size() * 4, 0x4000u);
    return {a.words, {}};
}

TEST(SysJit, RandomLoadsAndStoresAgree) {
    for (uint32_t seed = 1; seed <= 8; ++seed) {
        SCOPED_TRACE(fmt::format("seed {}", seed));
        const Outcome o = run_everywhere(random_mem_program(seed, 100, 24 + seed * 4));
        EXPECT_EQ(o.traps, 0u);
        EXPECT_EQ(o.x[kRegCount], 0u);
        EXPECT_GE(o.log.size(), 100u) << "the device was hardly used";
    }
}

// Stores of x0 and of constants: the backend writes those as immediates on the
// inline path and passes them to the slow path (MMIO, misaligned, page-crossing).
TEST(SysJit, RandomConstantStoresAgree) {
    for (uint32_t seed = 1; seed <= 6; ++seed) {
        SCOPED_TRACE(fmt::format("seed {}", seed));
        const Outcome o = run_everywhere(random_mem_program(seed, 100, 16 + seed * 3, true));
        EXPECT_EQ(o.traps, 0u);
        EXPECT_EQ(o.x[kRegCount], 0u);
        EXPECT_GE(o.log.size(), 100u) << "the device was hardly used";
    }
}

// ---- (b) access faults in the middle of a compiled block --------------------------

// A loop whose `k`-th iteration (1-based) accesses `bad` + 16 with `m` in the middle
// of its body; earlier iterations access hot RAM there.
struct FaultLoop {
    Program program;
    uint64_t fault_pc;
    uint64_t insns_before_fault;  // retired when the fault is taken
};

FaultLoop fault_loop(const MemOp& m, uint64_t bad, unsigned k) {
    Asm a;
    a.li(5, 0).li(6, kDataPa).li(8, kDevBase).li(20, k).li(22, 1000);
    a.li(21, static_cast<int64_t>(bad - kDataPa)).li(15, 0x7777).li(16, 0);
    const uint64_t prologue = a.words.size();
    const int32_t loop = a.here();
    a.addi(5, 5, 1);    // the iteration: visible
    a.sd(5, 6, 0);      // a store before: visible
    a.ld(12, 6, 8);     // a load before
    a.lw(13, 8, 0x40);  // a device read before: logged
    a.sub(14, 5, 20);
    a.emit(enc(Op::sltiu, 14, 14, 0, 1));  // x14 = (iteration == k)
    a.mul(14, 14, 21);
    a.add(14, 14, 6);      // x14 = k-th iteration ? bad : hot RAM
    a.addi(15, 0, 0x777);  // the load's destination, just before it
    const uint64_t body_before = a.words.size() - prologue;
    const uint64_t fault_pc = kCodePa + a.here();
    a.emit(mem_insn(m, 15, 14, 16));
    a.addi(16, 16, 1);  // after: not at the fault
    a.sd(5, 6, 24);     // a store after
    a.sw(5, 8, 0x44);   // a device write after
    a.bne(5, 22, loop - a.here());
    a.emit(encode(Op::wfi, {}));
    const uint64_t body = a.words.size() - 1 - prologue;
    return {{a.words, {}}, fault_pc, prologue + (k - 1) * body + body_before};
}

TEST(SysJit, AccessFaultMidBlockIsPrecise) {
    int cases = 0;
    for (const MemOp& m : kMemOps) {
        for (uint64_t bad : {kNothing, kDevBase + kDevRefuse}) {
            for (unsigned k : {1u, 2u, 50u}) {
                SCOPED_TRACE(fmt::format("{} at {:#x} in iteration {}", riscv::info(m.op).mnemonic,
                                         bad + 16, k));
                const FaultLoop f = fault_loop(m, bad, k);
                const Outcome o = run_everywhere(f.program, k > 3);
                EXPECT_EQ(o.mcause, m.store ? riscv::kExcStoreAccess : riscv::kExcLoadAccess);
                EXPECT_EQ(o.mepc, f.fault_pc);
                EXPECT_EQ(o.mtval, bad + 16);
                EXPECT_EQ(o.instret, f.insns_before_fault + 1);  // and the handler's wfi
                EXPECT_EQ(o.x[5], k);
                EXPECT_EQ(o.x[16], k - 1u) << "an instruction after the fault ran";
                EXPECT_EQ(o.x[15], 0x777u) << "the faulting load wrote its destination";
                uint64_t first, after;
                std::memcpy(&first, o.ram.data() + (kDataPa - kRamBase), 8);
                std::memcpy(&after, o.ram.data() + (kDataPa - kRamBase) + 24, 8);
                EXPECT_EQ(first, k);
                EXPECT_EQ(after, k - 1u);
                // Every iteration reads 0x40; all but the last write 0x44; then the
                // faulting access, if the device saw it.
                const size_t expect_log = 2 * k - 1 + (bad == kNothing ? 0 : 1);
                EXPECT_EQ(o.log.size(), expect_log);
                if (!o.log.empty()) {
                    EXPECT_EQ(o.log.back().refused, bad != kNothing);
                }
                ++cases;
            }
        }
    }
    fmt::print("SysJit.AccessFaultMidBlockIsPrecise: {} cases\n", cases);
}

// ---- (c) self-modifying code ---------------------------------------------------------

// Each iteration i rewrites `addi a1, a1, 0` to add i, and runs it.
constexpr uint32_t kAddiA1 = 0x00058593;  // addi a1, a1, 0

// Every `period`-th iteration i rewrites `addi a1, a1, imm` to add i from then
// on; the patched instruction follows the store in the same block, with or
// without a fence.i between (xvm needs none: a store to decoded code makes it
// stale at once). A period above 1 lets tiered compile the page between writes,
// so compiled code stores into its own block.
Program smc_same_block_program(unsigned iterations, unsigned period, bool fence) {
    Asm a;
    a.li(5, 0).li(20, iterations).li(21, kAddiA1).li(11, 0).li(12, 0).li(25, period);
    const size_t auipc_at = a.words.size();
    a.emit(enc(Op::auipc, 22, 0, 0, 0)).addi(22, 22, 0);  // x22 = the patched word, set below
    const int32_t loop = a.here();
    a.addi(5, 5, 1);
    a.emit(enc(Op::remu, 24, 5, 25));
    const size_t skip_at = a.words.size();
    a.bne(24, 0, 0);  // target set below
    a.emit(enc(Op::andi, 23, 5, 0, 0x7ff));
    a.slli(23, 23, 20);
    a.emit(enc(Op::or_, 23, 23, 21));
    a.sw(23, 22, 0);
    if (fence) a.fence_i();
    const int32_t patch = a.here();
    a.emit(kAddiA1);
    a.addi(12, 12, 1);
    a.bne(5, 20, loop - a.here());
    a.emit(encode(Op::wfi, {}));
    a.words[auipc_at + 1] = enc(Op::addi, 22, 22, 0, patch - static_cast<int32_t>(auipc_at * 4));
    a.words[skip_at] = Asm::b(1, 24, 0, patch - static_cast<int32_t>(skip_at * 4));
    return {a.words, {}};
}

TEST(SysJit, StoreIntoTheRunningBlockThenFenceI) {
    for (unsigned period : {1u, 4u}) {
        for (bool fence : {true, false}) {
            SCOPED_TRACE(fmt::format("period {}, {}", period, fence ? "fence.i" : "no fence.i"));
            const unsigned n = 300;
            // Code rewritten at every iteration never gets hot enough for tiered.
            const Outcome o = run_everywhere(smc_same_block_program(n, period, fence), period > 1);
            uint64_t expect = 0, imm = 0;
            for (unsigned i = 1; i <= n; ++i) {
                if (i % period == 0) imm = i & 0x7ff;
                expect += imm;
            }
            EXPECT_EQ(o.x[11], expect) << "a stale instruction ran";
            EXPECT_EQ(o.x[12], n);
        }
    }
}

// A function on its own page, rewritten (sw + fence.i) before every call.
TEST(SysJit, RewrittenFunctionInAHotLoop) {
    const unsigned n = 250;
    Asm a;
    a.li(5, 0).li(20, n).li(21, kAddiA1).li(11, 0).li(22, kFuncPa).li(24, 0);
    const int32_t loop = a.here();
    a.addi(5, 5, 1);
    a.emit(enc(Op::andi, 23, 5, 0, 0x3ff));
    a.slli(23, 23, 20);
    a.emit(enc(Op::or_, 23, 23, 21));
    a.sw(23, 22, 4);
    a.fence_i();
    a.jalr(1, 22, 0);
    a.add(24, 24, 11);
    a.bne(5, 20, loop - a.here());
    a.emit(encode(Op::wfi, {}));
    Asm fn;
    fn.li(11, 0);
    fn.emit(kAddiA1);  // rewritten: a1 = i
    fn.jalr(0, 1, 0);
    Program p{a.words, [words = fn.words](Machine& m) { m.put(kFuncPa, words); }};
    const Outcome o = run_everywhere(p);
    EXPECT_EQ(o.x[24], uint64_t{n} * (n + 1) / 2);
}

// ---- (d) Sv39 and a load page fault in S mode ---------------------------------------

constexpr uint64_t kVaData = 0x4000'0000;  // -> kDataPa, RW
constexpr uint64_t kVaHole = 0x4000'1000;  // not mapped
constexpr uint64_t kVaRo = 0x4000'2000;    // -> kDataPa + 0x1000, read-only
constexpr uint64_t kVaDev = 0x4000'3000;   // -> the device
constexpr uint64_t kVaUser = 0x4000'4000;  // -> kUserPa, a U page (RW)
constexpr uint64_t kUserPa = kRamBase + 0x1'8000;

void map_sv39(Machine& m, bool delegate) {
    constexpr uint64_t root = kTablesPa, l1 = kTablesPa + 0x1000, l0 = kTablesPa + 0x2000;
    constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 0x10, A = 0x40, D = 0x80;
    auto pte = [](uint64_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags; };
    m.put64(root + 2 * 8, pte(kRamBase, V | R | W | X | A | D));  // 1 GiB identity over RAM
    m.put64(root + 1 * 8, pte(l1, V));                            // 0x4000_0000
    m.put64(l1, pte(l0, V));
    m.put64(l0 + 0 * 8, pte(kDataPa, V | R | W | A | D));
    m.put64(l0 + 2 * 8, pte(kDataPa + 0x1000, V | R | A));
    m.put64(l0 + 3 * 8, pte(kDevBase, V | R | W | A | D));
    m.put64(l0 + 4 * 8, pte(kUserPa, V | R | W | U | A | D));
    m.csr_write(kPmpaddr0, ~0ull);  // all of memory for S (privileged spec, "PMP")
    m.csr_write(kPmpcfg0, 0x1f);    // NAPOT, RWX
    m.csr_write(kSatp, 8ull << 60 | root >> 12);
    if (delegate) m.csr_write(kMedeleg, 1u << riscv::kExcLoadPage | 1u << riscv::kExcStorePage);
    m.ps.priv = riscv::Priv::S;
}

TEST(SysJit, Sv39PageFaultMidBlockInSMode) {
    struct Case {
        MemOp m;
        uint64_t bad;
        uint64_t cause;
    };
    const Case cases[] = {
        {{Op::ld, 8, false}, kVaHole, riscv::kExcLoadPage},
        {{Op::lbu, 1, false}, kVaHole, riscv::kExcLoadPage},
        {{Op::lw, 4, false}, kVaHole - 2, riscv::kExcLoadPage},  // straddles into the hole
        {{Op::sw, 4, true}, kVaRo, riscv::kExcStorePage},
        {{Op::sd, 8, true}, kVaHole, riscv::kExcStorePage},
    };
    for (bool delegate : {true, false}) {
        for (const Case& c : cases) {
            for (unsigned k : {1u, 40u}) {
                SCOPED_TRACE(fmt::format("{} at {:#x}, iteration {}, {}",
                                         riscv::info(c.m.op).mnemonic, c.bad, k,
                                         delegate ? "delegated" : "to M"));
                Asm a;
                a.li(5, 0).li(6, kVaData).li(8, kVaDev).li(20, k).li(22, 1000);
                a.li(21, static_cast<int64_t>(c.bad - 16 - kVaData)).li(15, 0x7777).li(16, 0);
                const int32_t loop = a.here();
                a.addi(5, 5, 1);
                a.sd(5, 6, 0);
                a.lw(13, 8, 0x20);  // MMIO through translation
                a.sub(14, 5, 20);
                a.emit(enc(Op::sltiu, 14, 14, 0, 1));
                a.mul(14, 14, 21);
                a.add(14, 14, 6);
                a.addi(15, 0, 0x777);
                const uint64_t fault_pc = kCodePa + a.here();
                a.emit(mem_insn(c.m, 15, 14, 16));
                a.addi(16, 16, 1);
                a.bne(5, 22, loop - a.here());
                a.emit(encode(Op::wfi, {}));
                Program p{a.words, [delegate](Machine& m) { map_sv39(m, delegate); }};
                const Outcome o = run_everywhere(p, k > 3);
                // A fault straddling into the hole reports the first faulting byte
                // (privileged spec: stval is the faulting virtual address; both
                // engines split the access the same way).
                const uint64_t tval = c.bad < kVaHole ? kVaHole : c.bad;
                EXPECT_EQ(o.priv, delegate ? riscv::Priv::S : riscv::Priv::M);
                EXPECT_EQ(delegate ? o.scause : o.mcause, c.cause);
                EXPECT_EQ(delegate ? o.sepc : o.mepc, fault_pc);
                EXPECT_EQ(delegate ? o.stval : o.mtval, tval);
                EXPECT_EQ(o.x[5], k);
                EXPECT_EQ(o.x[16], k - 1u);
                EXPECT_EQ(o.x[15], 0x777u);
                EXPECT_EQ(o.log.size(), k);
            }
        }
    }
}

// ---- (e) sstatus.SUM flips between accesses, as around Linux's user copies ------

// A CSR write that leaves the engine nothing to apply does not leave the
// interpreter: the data TLB must follow SUM at once, both ways (a U page is
// readable in S mode only with SUM set).
TEST(SysJit, SumFlipsBetweenAccessesInSMode) {
    constexpr uint32_t kSum = 1u << 18;
    for (bool delegate : {true, false}) {
        for (unsigned k : {1u, 40u}) {
            SCOPED_TRACE(fmt::format("iteration {}, {}", k, delegate ? "delegated" : "to M"));
            Asm a;
            a.li(5, 0).li(7, kVaUser).li(20, k).li(22, 1000).li(24, 0).li(31, kSum);
            const int32_t loop = a.here();  // entered with SUM set
            a.addi(5, 5, 1);
            a.ld(13, 7, 8);  // the previous iteration's store
            a.add(24, 24, 13);
            a.sd(5, 7, 8);
            a.csrrc(0, kSstatus, 31);  // SUM off
            a.sub(14, 5, 20);
            a.emit(enc(Op::sltiu, 14, 14, 0, 1));  // x14 = (iteration == k)
            a.beq(14, 0, 8);
            const uint64_t fault_pc = kCodePa + a.here();
            a.ld(15, 7, 0);            // without SUM: a load page fault
            a.csrrs(0, kSstatus, 31);  // SUM on again
            a.bne(5, 22, loop - a.here());
            a.emit(encode(Op::wfi, {}));
            Program p{a.words, [delegate](Machine& m) {
                          map_sv39(m, delegate);
                          m.csr_write(kSstatus, kSum);
                      }};
            const Outcome o = run_everywhere(p, k > 3);
            EXPECT_EQ(o.priv, delegate ? riscv::Priv::S : riscv::Priv::M);
            EXPECT_EQ(delegate ? o.scause : o.mcause, riscv::kExcLoadPage);
            EXPECT_EQ(delegate ? o.sepc : o.mepc, fault_pc);
            EXPECT_EQ(delegate ? o.stval : o.mtval, kVaUser);
            EXPECT_EQ(o.x[5], k);
            EXPECT_EQ(o.x[24], uint64_t{k} * (k - 1) / 2);
        }
    }
}

// ---- (f) code cached in S mode is not U mode's -----------------------------------

// The engine caches virtual pc -> code per privilege and address space without
// flushing on traps and returns: a page that S mode ran must still fault when U
// mode jumps there (not a U page).
TEST(SysJit, SModeCodeFaultsInUModeAfterRunningInS) {
    Asm a;
    a.li(20, 50).li(21, 0);
    const int32_t loop = a.here();
    const size_t call = a.words.size();
    a.jal(1, 0);  // to `x`, patched below
    a.addi(20, 20, -1);
    a.bne(20, 0, loop - a.here());
    const size_t load_x = a.words.size();
    a.li(5, static_cast<int64_t>(kCodePa + 0x100));  // replaced below by x's address
    a.csrrw(0, kSepc, 5);
    a.emit(encode(Op::sret, {}));  // sstatus.SPP is 0: to U mode at x
    a.emit(encode(Op::wfi, {}));
    const int32_t x = a.here();
    a.addi(21, 21, 1);
    a.jalr(0, 1, 0);
    Asm fix;
    fix.jal(1, x - static_cast<int32_t>(call * 4));
    a.words[call] = fix.words[0];
    Asm li, placeholder;
    li.li(5, static_cast<int64_t>(kCodePa + x));
    placeholder.li(5, static_cast<int64_t>(kCodePa + 0x100));
    ASSERT_EQ(li.words.size(), placeholder.words.size());
    std::copy(li.words.begin(), li.words.end(), a.words.begin() + load_x);
    Program p{a.words, [](Machine& m) {
                  map_sv39(m, true);
                  m.csr_write(kMedeleg, 1u << riscv::kExcInsnPage);
              }};
    const Outcome o = run_everywhere(p);
    EXPECT_EQ(o.x[21], 50u);
    EXPECT_EQ(o.priv, riscv::Priv::S);
    EXPECT_EQ(o.scause, riscv::kExcInsnPage);
    EXPECT_EQ(o.sepc, kCodePa + x);
    EXPECT_EQ(o.stval, kCodePa + x);
}

// ---- (g) a compiled endless loop stops when asked -------------------------------------

TEST(SysJit, EndlessCompiledLoopStopsOnExitRequest) {
    for (const EngineCase& ec : engine_cases()) {
        SCOPED_TRACE(ec.name);
        Machine m(ec.opts);
        Asm a;
        a.li(10, 0);
        const uint64_t prologue = a.words.size();
        const uint64_t loop = kCodePa + a.here();
        a.addi(10, 10, 1);
        a.jal(0, -4);
        m.put(kCodePa, a.words);
        m.cpu.pc = kCodePa;
        for (int round = 0; round < 3; ++round) {
            const uint64_t before = m.cpu.x[10];
            std::thread asker([&m] {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                std::atomic_ref<uint8_t>(m.cpu.exit_request).store(1, std::memory_order_relaxed);
            });
            engine::HartStop s;
            {
                // Only the abort matters here: an exit request that is not seen
                // would not be seen from the deadline either.
                Deadline d(m.cpu, std::chrono::seconds(10));
                s = m.hart->run();
            }
            asker.join();
            EXPECT_EQ(s, engine::HartStop::Exit);
            EXPECT_EQ(m.cpu.exit_request, 0) << "run() left the request set";
            EXPECT_GT(m.cpu.x[10], before) << "the loop did not run";
            // Stopped between instructions: instret counts exactly what ran.
            const uint64_t n = m.cpu.x[10];
            if (m.cpu.pc == loop) {
                EXPECT_EQ(m.cpu.instret, prologue + 2 * n);
            } else {
                EXPECT_EQ(m.cpu.pc, loop + 4);
                EXPECT_EQ(m.cpu.instret, prologue + 2 * n - 1);
            }
        }
        if (ec.opts.kind != engine::EngineKind::Interp) {
            EXPECT_GT(m.hart->stats().jit_entries, 0u);
            EXPECT_GT(m.hart->jit()->stats().blocks_compiled, 0u);
        }
    }
}

}  // namespace
}  // namespace xvm::test
