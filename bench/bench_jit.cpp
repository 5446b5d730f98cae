// JIT compile cost: what translating guest code costs before it runs, per stage.
// The numbers: blocks of 10, 100 and 1000 guest instructions; the old
// project's targets were < 1 ms, < 10 ms, < 100 ms; xvm aims at <= 1 us per guest
// instruction for the whole translation (lift + passes + backend).
//
// Synthetic blocks are straight-line RV64GC code in the static mix of gcc -O2 code
// (weights below), from a fixed seed, ending in a backward bne. They sit at a
// page-aligned pc so a 1000-instruction block stays within one page (lift_riscv
// ends blocks at a page end). BM_TranslateXvmark translates every block of the real
// xvmark program's .text the way the user-mode JIT would.
//
// One iteration is one block (xvmark: all of .text). Counters: `per_insn` is the
// time per guest instruction (SI prefix: 512n is 512 ns), `guest_ips` guest
// instructions per CPU second, `values_per_insn` IR values the lifter made per
// guest instruction, `live_per_insn` the values a pass left (not Nop),
// `code_per_insn` x86-64 code bytes per guest instruction, `x_target` the time per
// instruction over the 1 us target (below 1: within it).
#include <benchmark/benchmark.h>
#include <elf.h>
#include <xbyak/xbyak_util.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/elf.h"
#include "ir/passes.h"
#include "isa/riscv/insn.h"
#include "jit/code_cache.h"
#include "jit/jit.h"
#include "jit/lift_riscv.h"
#include "jit/x64_backend.h"
#include "rv_asm.h"

namespace {

using namespace xvm;
using benchmark::Counter;

constexpr uint64_t kCodePc = 0x10000;  // page-aligned
constexpr uint64_t kSeed = 20240601;
constexpr double kTargetNsPerInsn = 1000;

// Guest code in host memory, read by lift_riscv through read_parcel.
struct GuestCode {
    uint64_t pc = 0;
    std::vector<uint8_t> bytes;
};

bool read_parcel(const void* ctx, uint64_t pc, uint16_t& parcel) {
    const auto& c = *static_cast<const GuestCode*>(ctx);
    if (pc < c.pc || pc - c.pc + 2 > c.bytes.size()) return false;
    std::memcpy(&parcel, c.bytes.data() + (pc - c.pc), 2);
    return true;
}

double cpu_ns() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

size_t live_values(const ir::Block& b) {
    return static_cast<size_t>(std::count_if(
        b.insts.begin(), b.insts.end(), [](const ir::Inst& i) { return i.op != ir::Opcode::Nop; }));
}

// ---- the synthetic instruction mix ----

// Non-control instructions, weighted by their static counts in xvmark's .text
// (riscv64-linux-gnu-gcc -O2, objdump -M no-aliases, counts / 100): 54% of it is
// compressed; loads ~25%, stores ~15%, the rest ALU. mul, addw, c.addw, srliw, xor,
// sltu, srai and subw are rarer there and get small weights so each appears.
enum class Kind {
    CMv,
    Addi,
    CLdsp,
    CLi,
    CSdsp,
    Ld,
    Auipc,
    CLd,
    CAdd,
    Sd,
    CAddi,
    Lbu,
    CSd,
    Andi,
    CAddiw,
    CLw,
    Addiw,
    CLui,
    CSlli,
    Sb,
    Sub,
    Lw,
    Add,
    Slli,
    CSw,
    CAndi,
    Sw,
    CSrli,
    Srli,
    Lhu,
    CXor,
    CSub,
    Slliw,
    Lui,
    COr,
    Ori,
    Mul,
    Addw,
    CAddw,
    Srliw,
    Xor,
    Sltu,
    Srai,
    Subw,
    CAnd,
};
constexpr std::pair<Kind, int> kMix[] = {
    {Kind::CMv, 76},   {Kind::Addi, 70},  {Kind::CLdsp, 61}, {Kind::CLi, 59},   {Kind::CSdsp, 53},
    {Kind::Ld, 50},    {Kind::Auipc, 36}, {Kind::CLd, 32},   {Kind::CAdd, 29},  {Kind::Sd, 28},
    {Kind::CAddi, 22}, {Kind::Lbu, 15},   {Kind::CSd, 14},   {Kind::Andi, 11},  {Kind::CAddiw, 10},
    {Kind::CLw, 10},   {Kind::Addiw, 10}, {Kind::CLui, 10},  {Kind::CSlli, 10}, {Kind::Sb, 9},
    {Kind::Sub, 9},    {Kind::Lw, 9},     {Kind::Add, 8},    {Kind::Slli, 6},   {Kind::CSw, 6},
    {Kind::CAndi, 6},  {Kind::Sw, 5},     {Kind::CSrli, 4},  {Kind::Srli, 4},   {Kind::Lhu, 4},
    {Kind::CXor, 3},   {Kind::CSub, 3},   {Kind::Slliw, 3},  {Kind::Lui, 3},    {Kind::COr, 3},
    {Kind::Ori, 2},    {Kind::Mul, 3},    {Kind::Addw, 3},   {Kind::CAddw, 3},  {Kind::Srliw, 2},
    {Kind::Xor, 2},    {Kind::Sltu, 2},   {Kind::Srai, 2},   {Kind::Subw, 1},   {Kind::CAnd, 2},
};

// Writes the mix. sp, s0 and a0 are base registers nobody overwrites, as in
// compiled code; results go to temporaries and saved registers.
class MixWriter {
  public:
    explicit MixWriter(uint64_t seed) : rng_(seed) {
        std::vector<int> w;
        for (const auto& [kind, weight] : kMix) w.push_back(weight);
        pick_ = std::discrete_distribution<int>(w.begin(), w.end());
    }

    // `insns` instructions: insns - 1 of the mix, then a bne back to the start.
    GuestCode write(unsigned insns) {
        GuestCode c{kCodePc, {}};
        code_ = &c.bytes;
        for (unsigned k = 0; k + 1 < insns; ++k) one(kMix[pick_(rng_)].first);
        const auto back = -static_cast<int64_t>(c.bytes.size());
        word(test::encode(riscv::Op::bne, {.rs1 = src(), .rs2 = src(), .imm = back}));
        return c;
    }

  private:
    static constexpr unsigned kDst[] = {5,  6,  7,  9,  11, 12, 13, 14, 15,
                                        16, 17, 18, 19, 28, 29, 30, 31};
    static constexpr unsigned kCDst[] = {9, 11, 12, 13, 14, 15};  // x8-x15 minus the bases
    static constexpr unsigned kCBase[] = {8, 10};

    template <size_t N>
    unsigned any(const unsigned (&set)[N]) {
        return set[rng_() % N];
    }
    unsigned dst() { return any(kDst); }
    unsigned src() { return rng_() % 8 == 0 ? any(kCBase) : dst(); }
    unsigned base() { return rng_() % 3 == 0 ? 2 : any(kCBase); }
    int64_t imm(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
    }
    int64_t nonzero(int64_t lo, int64_t hi) {
        int64_t v;
        do v = imm(lo, hi);
        while (v == 0);
        return v;
    }
    uint32_t offset(unsigned size, unsigned max) {
        return static_cast<uint32_t>(imm(0, max / size) * size);
    }

    void word(uint32_t w) {
        half(static_cast<uint16_t>(w));
        half(static_cast<uint16_t>(w >> 16));
    }
    void half(uint16_t h) {
        code_->push_back(static_cast<uint8_t>(h));
        code_->push_back(static_cast<uint8_t>(h >> 8));
    }
    void r(riscv::Op op) { word(test::encode(op, {.rd = dst(), .rs1 = src(), .rs2 = src()})); }
    void i(riscv::Op op, int64_t v) {
        word(test::encode(op, {.rd = dst(), .rs1 = src(), .imm = v}));
    }
    void load(riscv::Op op, unsigned size) {
        word(test::encode(op, {.rd = dst(), .rs1 = base(), .imm = offset(size, 248)}));
    }
    void store(riscv::Op op, unsigned size) {
        word(test::encode(op, {.rs1 = base(), .rs2 = src(), .imm = offset(size, 248)}));
    }

    // Compressed encodings: the unprivileged spec, "RVC Instruction Set Listings".
    // CI: funct3 | imm[5] | rd | imm[4:0] | op
    void ci(unsigned f3, unsigned op, unsigned rd, int64_t v) {
        const auto u = static_cast<uint32_t>(v);
        half(static_cast<uint16_t>(f3 << 13 | ((u >> 5) & 1) << 12 | rd << 7 | (u & 31) << 2 | op));
    }
    // CR: 100 | funct1 | rd | rs2 | 10 (c.mv, c.add)
    void cr(unsigned f1, unsigned rd, unsigned rs2) {
        half(static_cast<uint16_t>(4u << 13 | f1 << 12 | rd << 7 | rs2 << 2 | 2));
    }
    // CA: 100 | w | 11 | rd' | funct2 | rs2' | 01
    void ca(unsigned w, unsigned f2, unsigned rd, unsigned rs2) {
        half(static_cast<uint16_t>(4u << 13 | w << 12 | 3u << 10 | (rd - 8) << 7 | f2 << 5 |
                                   (rs2 - 8) << 2 | 1));
    }
    // CB shifts and c.andi: 100 | imm[5] | funct2 | rd' | imm[4:0] | 01
    void cb(unsigned f2, unsigned rd, int64_t v) {
        const auto u = static_cast<uint32_t>(v);
        half(static_cast<uint16_t>(4u << 13 | ((u >> 5) & 1) << 12 | f2 << 10 | (rd - 8) << 7 |
                                   (u & 31) << 2 | 1));
    }
    // CL/CS doubleword: funct3 | uimm[5:3] | rs1' | uimm[7:6] | rd'/rs2' | 00
    void cld(unsigned f3, unsigned reg) {
        const uint32_t u = offset(8, 248);
        half(static_cast<uint16_t>(f3 << 13 | ((u >> 3) & 7) << 10 | (any(kCBase) - 8) << 7 |
                                   ((u >> 6) & 3) << 5 | (reg - 8) << 2));
    }
    // CL/CS word: funct3 | uimm[5:3] | rs1' | uimm[2] | uimm[6] | rd'/rs2' | 00
    void clw(unsigned f3, unsigned reg) {
        const uint32_t u = offset(4, 124);
        half(static_cast<uint16_t>(f3 << 13 | ((u >> 3) & 7) << 10 | (any(kCBase) - 8) << 7 |
                                   ((u >> 2) & 1) << 6 | ((u >> 6) & 1) << 5 | (reg - 8) << 2));
    }

    void one(Kind k) {
        using riscv::Op;
        switch (k) {
            case Kind::CMv: cr(0, dst(), src()); break;
            case Kind::CAdd: cr(1, dst(), src()); break;
            case Kind::CLi: ci(2, 1, dst(), imm(-32, 31)); break;
            case Kind::CAddi: ci(0, 1, dst(), nonzero(-32, 31)); break;
            case Kind::CAddiw: ci(1, 1, dst(), imm(-32, 31)); break;
            case Kind::CLui: ci(3, 1, dst(), nonzero(-32, 31)); break;
            case Kind::CSlli: ci(0, 2, dst(), imm(1, 63)); break;
            case Kind::CLdsp: {  // 011 | uimm[5] | rd | uimm[4:3|8:6] | 10
                const uint32_t u = offset(8, 504);
                half(static_cast<uint16_t>(3u << 13 | ((u >> 5) & 1) << 12 | dst() << 7 |
                                           ((u >> 3) & 3) << 5 | ((u >> 6) & 7) << 2 | 2));
                break;
            }
            case Kind::CSdsp: {  // 111 | uimm[5:3|8:6] | rs2 | 10
                const uint32_t u = offset(8, 504);
                half(static_cast<uint16_t>(7u << 13 | ((u >> 3) & 7) << 10 | ((u >> 6) & 7) << 7 |
                                           src() << 2 | 2));
                break;
            }
            case Kind::CLd: cld(3, any(kCDst)); break;
            case Kind::CSd: cld(7, any(kCDst)); break;
            case Kind::CLw: clw(2, any(kCDst)); break;
            case Kind::CSw: clw(6, any(kCDst)); break;
            case Kind::CSrli: cb(0, any(kCDst), imm(1, 63)); break;
            case Kind::CAndi: cb(2, any(kCDst), imm(-32, 31)); break;
            case Kind::CSub: ca(0, 0, any(kCDst), any(kCDst)); break;
            case Kind::CXor: ca(0, 1, any(kCDst), any(kCDst)); break;
            case Kind::COr: ca(0, 2, any(kCDst), any(kCDst)); break;
            case Kind::CAnd: ca(0, 3, any(kCDst), any(kCDst)); break;
            case Kind::CAddw: ca(1, 1, any(kCDst), any(kCDst)); break;
            case Kind::Addi: i(Op::addi, imm(-256, 255)); break;
            case Kind::Addiw: i(Op::addiw, imm(-256, 255)); break;
            case Kind::Andi: i(Op::andi, imm(0, 255)); break;
            case Kind::Ori: i(Op::ori, imm(0, 255)); break;
            case Kind::Slli: i(Op::slli, imm(1, 63)); break;
            case Kind::Srli: i(Op::srli, imm(1, 63)); break;
            case Kind::Srai: i(Op::srai, imm(1, 63)); break;
            case Kind::Slliw: i(Op::slliw, imm(1, 31)); break;
            case Kind::Srliw: i(Op::srliw, imm(1, 31)); break;
            case Kind::Auipc:
                word(test::encode(Op::auipc, {.rd = dst(), .imm = imm(-512, 511) << 12}));
                break;
            case Kind::Lui:
                word(test::encode(Op::lui, {.rd = dst(), .imm = imm(-512, 511) << 12}));
                break;
            case Kind::Add: r(Op::add); break;
            case Kind::Sub: r(Op::sub); break;
            case Kind::Xor: r(Op::xor_); break;
            case Kind::Sltu: r(Op::sltu); break;
            case Kind::Mul: r(Op::mul); break;
            case Kind::Addw: r(Op::addw); break;
            case Kind::Subw: r(Op::subw); break;
            case Kind::Ld: load(Op::ld, 8); break;
            case Kind::Lw: load(Op::lw, 4); break;
            case Kind::Lhu: load(Op::lhu, 2); break;
            case Kind::Lbu: load(Op::lbu, 1); break;
            case Kind::Sd: store(Op::sd, 8); break;
            case Kind::Sw: store(Op::sw, 4); break;
            case Kind::Sb: store(Op::sb, 1); break;
        }
    }

    std::mt19937_64 rng_;
    std::discrete_distribution<int> pick_;
    std::vector<uint8_t>* code_ = nullptr;
};

// ---- the backend's surroundings ----

// A code cache whose floor holds the epilogue compiled code jumps to (a `ret`; the
// code never runs here), and the user-mode (Masked) context the Jit would pass.
struct BackendRig {
    std::unique_ptr<jit::CodeCache> cache;
    std::unique_ptr<jit::JumpCacheEntry[]> jump_cache;
    jit::ExitRecord fault_exit, stop_exit, resume_exit;
    jit::BackendContext ctx;

    BackendRig() {
        auto c = jit::CodeCache::create(jit::JitOptions{}.cache_bytes);
        if (!c) std::abort();
        cache = std::move(*c);
        *cache->cursor() = 0xc3;  // ret
        cache->commit(1);
        cache->set_floor(cache->used());
        jump_cache = std::make_unique<jit::JumpCacheEntry[]>(jit::kJumpCacheSize);
        for (unsigned k = 0; k < jit::kJumpCacheSize; ++k) jump_cache[k] = {~0ull, nullptr};
        Xbyak::util::Cpu host;
        ctx.epilogue = cache->begin();
        ctx.jump_cache = jump_cache.get();
        ctx.memory = jit::MemoryMode::Masked;
        ctx.fault_exit = &fault_exit;
        ctx.stop_exit = &stop_exit;
        ctx.resume_exit = &resume_exit;
        ctx.has_popcnt = host.has(Xbyak::util::Cpu::tPOPCNT);
        ctx.has_lzcnt = host.has(Xbyak::util::Cpu::tLZCNT);
        ctx.has_bmi1 = host.has(Xbyak::util::Cpu::tBMI1);
    }

    // Code bytes of `b` compiled, 0 if the backend refused it. Flushes and retries
    // when the cache is full, as Jit::compile_block does.
    size_t compile(const ir::Block& b) {
        bool full = false;
        auto jb = jit::compile_x64(b, *cache, ctx, &full);
        if (!jb && full) {
            cache->flush();
            jb = jit::compile_x64(b, *cache, ctx, &full);
        }
        return jb ? jb->size : 0;
    }
};

BackendRig& rig() {
    static BackendRig r;
    return r;
}

// ---- synthetic blocks ----

struct Synthetic {
    GuestCode code;
    ir::Block lifted;     // as lift_riscv made it
    ir::Block optimised;  // after run_passes
    size_t code_bytes = 0;
    bool ir_ok = false;  // lifted as written: the stages before the backend can run
    std::string error;   // why the backend cannot be measured, or the mix is broken
};

ir::Block lift(const GuestCode& c, uint64_t pc, unsigned max_insns) {
    return jit::lift_riscv(read_parcel, &c, pc, jit::LiftOptions{max_insns});
}

// The largest prefix of `c` (in instructions) the backend compiles.
unsigned largest_compilable(const GuestCode& c, unsigned insns) {
    unsigned lo = 0, hi = insns;
    while (lo < hi) {
        const unsigned mid = (lo + hi + 1) / 2;
        ir::Block b = lift(c, c.pc, mid);
        ir::run_passes(b);
        rig().cache->flush();
        if (rig().compile(b))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

const Synthetic& synthetic(unsigned insns) {
    static std::map<unsigned, Synthetic> made;
    if (auto it = made.find(insns); it != made.end()) return it->second;
    Synthetic& s = made[insns];
    s.code = MixWriter(kSeed + insns).write(insns);
    for (size_t at = 0; at < s.code.bytes.size();) {
        uint32_t bits = 0;
        std::memcpy(&bits, s.code.bytes.data() + at, std::min<size_t>(4, s.code.bytes.size() - at));
        const riscv::Decoded d = riscv::decode(bits);
        if (d.op == riscv::Op::illegal) {
            s.error = "the mix writer made an illegal instruction at +" + std::to_string(at);
            return s;
        }
        at += d.len;
    }
    s.lifted = lift(s.code, s.code.pc, insns);
    if (s.lifted.guest_insns != insns || s.lifted.term.kind != ir::Terminal::Kind::Branch) {
        s.error = "lifted " + std::to_string(s.lifted.guest_insns) + " of " +
                  std::to_string(insns) + " instructions";
        return s;
    }
    s.ir_ok = true;
    s.optimised = s.lifted;
    ir::run_passes(s.optimised);
    rig().cache->flush();
    s.code_bytes = rig().compile(s.optimised);
    if (s.code_bytes == 0) {
        const size_t n = s.optimised.insts.size();
        s.error = "compile_x64 refused the block (" + std::to_string(n) +
                  " IR values; code over jit::kMaxBlockCode or spills over jit::kSpillSlots?)";
        s.error += "; the largest block of this mix that compiles has " +
                   std::to_string(largest_compilable(s.code, insns)) + " insns";
    }
    return s;
}

// Counters of one benchmark, `insns` guest instructions per iteration.
void report(benchmark::State& state, double insns, double values, double code_bytes = 0) {
    const double total = static_cast<double>(state.iterations()) * insns;
    state.counters["per_insn"] = Counter(total, Counter::kIsRate | Counter::kInvert);
    state.counters["guest_ips"] = Counter(total, Counter::kIsRate);
    state.counters["values_per_insn"] = values / insns;
    if (code_bytes > 0) state.counters["code_per_insn"] = code_bytes / insns;
}

// Lift and the passes run even on a block the backend refuses.
bool usable_for_ir(benchmark::State& state, const Synthetic& s) {
    if (!s.ir_ok) {
        state.SkipWithError(s.error.c_str());
        return false;
    }
    return true;
}

// ---- benchmarks ----

void BM_Lift(benchmark::State& state) {
    const auto insns = static_cast<unsigned>(state.range(0));
    const Synthetic& s = synthetic(insns);
    if (!usable_for_ir(state, s)) return;
    for (auto _ : state) {
        ir::Block b = lift(s.code, s.code.pc, insns);
        benchmark::DoNotOptimize(b.insts.data());
    }
    report(state, insns, static_cast<double>(s.lifted.insts.size()));
}
BENCHMARK(BM_Lift)->Arg(10)->Arg(100)->Arg(1000)->ArgName("insns");

void run_pipeline(ir::Block& b) {
    ir::run_passes(b);
}

// One pass (or the pipeline) over a freshly lifted block each iteration. Blocks come
// from a pool of copies refilled with the timer paused; the pool holds ~256 KiB of
// IR so it stays in L2, as a block the JIT has just lifted would be in cache.
void BM_Pass(benchmark::State& state, void (*pass)(ir::Block&)) {
    const auto insns = static_cast<unsigned>(state.range(0));
    const Synthetic& s = synthetic(insns);
    if (!usable_for_ir(state, s)) return;
    const size_t pool_size =
        std::clamp<size_t>((256 << 10) / (s.lifted.insts.size() * sizeof(ir::Inst)), 4, 1024);
    std::vector<ir::Block> pool(pool_size, s.lifted);
    size_t next = 0;
    for (auto _ : state) {
        if (next == pool.size()) {
            state.PauseTiming();
            for (ir::Block& b : pool) b = s.lifted;
            next = 0;
            state.ResumeTiming();
        }
        pass(pool[next++]);
    }
    ir::Block after = s.lifted;
    pass(after);
    report(state, insns, static_cast<double>(s.lifted.insts.size()));
    state.counters["live_per_insn"] = static_cast<double>(live_values(after)) / insns;
}
#define XVM_PASS_BENCHMARK(name, fn) \
    BENCHMARK_CAPTURE(BM_Pass, name, fn)->Arg(10)->Arg(100)->Arg(1000)->ArgName("insns")
XVM_PASS_BENCHMARK(forward_registers, ir::forward_registers);
XVM_PASS_BENCHMARK(fold_constants, ir::fold_constants);
XVM_PASS_BENCHMARK(cse, [](ir::Block& b) { ir::eliminate_common_subexpressions(b); });
XVM_PASS_BENCHMARK(dead_stores, ir::remove_dead_stores);
XVM_PASS_BENCHMARK(dce, ir::remove_dead_code);
XVM_PASS_BENCHMARK(pipeline, run_pipeline);

void BM_Backend(benchmark::State& state) {
    const auto insns = static_cast<unsigned>(state.range(0));
    const Synthetic& s = synthetic(insns);
    if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
    BackendRig& r = rig();
    for (auto _ : state) {
        r.cache->flush();
        benchmark::DoNotOptimize(r.compile(s.optimised));
    }
    report(state, insns, static_cast<double>(s.optimised.insts.size()),
           static_cast<double>(s.code_bytes));
}
BENCHMARK(BM_Backend)->Arg(10)->Arg(100)->Arg(1000)->ArgName("insns");

// Lift + passes + backend: what the JIT pays for a block.
void BM_Translate(benchmark::State& state) {
    const auto insns = static_cast<unsigned>(state.range(0));
    const Synthetic& s = synthetic(insns);
    if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
    BackendRig& r = rig();
    const double t0 = cpu_ns();
    for (auto _ : state) {
        r.cache->flush();
        ir::Block b = lift(s.code, s.code.pc, insns);
        ir::run_passes(b);
        benchmark::DoNotOptimize(r.compile(b));
    }
    const double ns = cpu_ns() - t0;
    report(state, insns, static_cast<double>(s.lifted.insts.size()),
           static_cast<double>(s.code_bytes));
    state.counters["x_target"] =
        ns / (static_cast<double>(state.iterations()) * insns) / kTargetNsPerInsn;
}
BENCHMARK(BM_Translate)->Arg(10)->Arg(100)->Arg(1000)->ArgName("insns");

// ---- real code: xvmark's .text ----

struct RealCode {
    GuestCode text;
    std::vector<uint64_t> starts;  // every block, in address order
    uint64_t insns = 0;            // guest instructions the blocks cover
    uint64_t uncovered = 0;        // instructions no block starts with (the interpreter's)
    std::string error;
};

std::string xvmark_path() {
    if (const char* p = std::getenv("XVMARK")) return p;
#ifdef XVMARK_PATH
    return XVMARK_PATH;
#else
    return "";
#endif
}

// Cuts .text into the blocks the JIT would make if every instruction were a block
// start or followed one: each block starts where the previous one ended.
const RealCode& xvmark_text() {
    static RealCode rc = [] {
        RealCode c;
        const std::string path = xvmark_path();
        if (path.empty()) {
            c.error = "no xvmark (riscv64-linux-gnu-gcc was not found; set XVMARK)";
            return c;
        }
        auto elf = ElfFile::open(path, EM_RISCV);
        if (!elf) {
            c.error = "cannot read " + path;
            return c;
        }
        for (const ElfSection& sec : elf->sections()) {
            if (sec.name != ".text") continue;
            auto bytes = elf->slice(sec.offset, sec.size);
            c.text = {sec.addr, {bytes.begin(), bytes.end()}};
        }
        if (c.text.bytes.empty()) {
            c.error = path + " has no .text";
            return c;
        }
        const unsigned max_insns = jit::JitOptions{}.max_block_insns;
        const uint64_t end = c.text.pc + c.text.bytes.size();
        for (uint64_t pc = c.text.pc; pc + 2 <= end;) {
            const ir::Block b = lift(c.text, pc, max_insns);
            const uint32_t n = b.guest_insns ? b.guest_insns : 1;
            if (b.guest_insns) {
                c.starts.push_back(pc);
                c.insns += b.guest_insns;
            } else {
                ++c.uncovered;
            }
            for (uint32_t k = 0; k < n; ++k) {
                uint16_t low = 0;
                read_parcel(&c.text, pc, low);
                pc += riscv::insn_length(low);
            }
        }
        return c;
    }();
    return rc;
}

void BM_TranslateXvmark(benchmark::State& state) {
    const RealCode& c = xvmark_text();
    if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
    BackendRig& r = rig();
    uint64_t values = 0, code_bytes = 0, refused = 0;
    const double t0 = cpu_ns();
    for (auto _ : state) {
        r.cache->flush();
        values = code_bytes = refused = 0;
        for (uint64_t pc : c.starts) {
            ir::Block b = lift(c.text, pc, jit::JitOptions{}.max_block_insns);
            values += b.insts.size();
            ir::run_passes(b);
            const size_t bytes = r.compile(b);
            code_bytes += bytes;
            refused += bytes == 0;
        }
    }
    const double ns = cpu_ns() - t0;
    const auto insns = static_cast<double>(c.insns);
    report(state, insns, static_cast<double>(values), static_cast<double>(code_bytes));
    const double blocks = static_cast<double>(c.starts.size());
    state.counters["x_target"] =
        ns / (static_cast<double>(state.iterations()) * insns) / kTargetNsPerInsn;
    state.counters["blocks"] = blocks;
    state.counters["insns"] = insns;
    state.counters["per_block"] = Counter(static_cast<double>(state.iterations()) * blocks,
                                          Counter::kIsRate | Counter::kInvert);
    state.counters["refused"] = static_cast<double>(refused);
    state.counters["uncovered"] = static_cast<double>(c.uncovered);
}
BENCHMARK(BM_TranslateXvmark)->Unit(benchmark::kMillisecond);

}  // namespace
