// The JIT against the interpreter (style.md, pattern 12): random single
// instructions with operands biased to edge values, and random instruction
// sequences, each run under the interpreter, the JIT and the JIT without IR
// passes, every run in its own AddressSpace and Cpu. The interpreter is the
// reference: x and f registers, fflags, frm, the data pages and the stop (reason,
// address, pc) must all be equal. Seeds are fixed, so a failure reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "isa/riscv/fp.h"
#include "jit_harness.h"
#include "rv_asm.h"

namespace xvm::test {
namespace {

using riscv::Op;

// ---- what each instruction takes, from the instruction table ----------------

enum class Cls { Alu, Mem, Fp, Branch, Jal, Jalr, Skip };

struct Shape {
    Op op = Op::illegal;
    Cls cls = Cls::Skip;
    bool rd_x = false, rd_f = false, rs1_x = false, rs1_f = false, rs2_x = false, rs2_f = false,
         rs3_f = false, rm = false;
    enum class Imm { None, I12, Sh6, Sh5, U20 } imm = Imm::None;
    unsigned size = 0;  // memory access bytes
    bool store = false;
    const char* name() const { return riscv::info(op).mnemonic; }
};

Shape shape_of(Op op) {
    Shape s;
    s.op = op;
    const riscv::InsnInfo& in = riscv::info(op);
    using riscv::Ext;
    if (in.ext == Ext::A || in.ext == Ext::Zicsr || in.ext == Ext::Zifencei ||
        in.ext == Ext::Priv || in.ext == Ext::C || op == Op::illegal || op == Op::ecall ||
        op == Op::ebreak || op == Op::fence)
        return s;
    std::string ops = in.operands;
    std::vector<std::string> toks;
    for (size_t p = 0; p <= ops.size();) {
        size_t q = ops.find(',', p);
        if (q == std::string::npos) q = ops.size();
        toks.push_back(ops.substr(p, q - p));
        p = q + 1;
    }
    bool mem = false;
    for (size_t k = 0; k < toks.size(); ++k) {
        const std::string& t = toks[k];
        const bool first = k == 0;
        if (t == "rd")
            s.rd_x = true;
        else if (t == "fd")
            s.rd_f = true;
        else if (t == "rs1")
            s.rs1_x = true;
        else if (t == "fs1")
            s.rs1_f = true;
        else if (t == "rs2")
            s.rs2_x = true;
        else if (t == "fs2")
            s.rs2_f = true;
        else if (t == "fs3")
            s.rs3_f = true;
        else if (t == "rm")
            s.rm = true;
        else if (t == "imm")
            s.imm = Shape::Imm::I12;
        else if (t == "uimm20")
            s.imm = Shape::Imm::U20;
        else if (t == "shamt")
            s.imm = in.format == riscv::Format::Sh5 ? Shape::Imm::Sh5 : Shape::Imm::Sh6;
        else if (t == "off(rs1)") {
            s.rs1_x = true;
            mem = true;
        }
        (void)first;
    }
    switch (op) {
        case Op::beq:
        case Op::bne:
        case Op::blt:
        case Op::bge:
        case Op::bltu:
        case Op::bgeu: s.cls = Cls::Branch; return s;
        case Op::jal: s.cls = Cls::Jal; return s;
        case Op::jalr: s.cls = Cls::Jalr; return s;
        default: break;
    }
    if (mem) {
        s.cls = Cls::Mem;
        s.size = 1u << ((in.match >> 12) & 3);
        s.store = (in.match & 0x7f) == 0x23 || (in.match & 0x7f) == 0x27;
        return s;
    }
    s.cls = in.ext == Ext::F || in.ext == Ext::D ? Cls::Fp : Cls::Alu;
    return s;
}

const std::vector<Shape>& all_shapes() {
    static const std::vector<Shape> v = [] {
        std::vector<Shape> r;
        for (unsigned k = 0; k < riscv::kOpCount; ++k) {
            Shape s = shape_of(static_cast<Op>(k));
            if (s.cls != Cls::Skip) r.push_back(s);
        }
        return r;
    }();
    return v;
}

std::vector<const Shape*> shapes_of(Cls c) {
    std::vector<const Shape*> r;
    for (const Shape& s : all_shapes())
        if (s.cls == c) r.push_back(&s);
    return r;
}

// ---- random operands -----------------------------------------------------------

class Gen {
  public:
    explicit Gen(uint64_t seed) : rng_(seed) {}
    uint64_t u64() { return rng_(); }
    uint64_t below(uint64_t n) { return n ? rng_() % n : 0; }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    template <class T, size_t N>
    T pick(const T (&a)[N]) {
        return a[below(N)];
    }

    uint64_t xval() {
        static const uint64_t kEdges[] = {0,
                                          1,
                                          ~0ull,
                                          2,
                                          ~1ull,
                                          0x8000000000000000,
                                          0x7fffffffffffffff,
                                          0x8000000000000001,
                                          0x7ffffffffffffffe,
                                          0xffffffff,
                                          0x80000000,
                                          0x7fffffff,
                                          0xffffffff80000000,
                                          0xffffffff7fffffff,
                                          0x100000000,
                                          0x100000001,
                                          31,
                                          32,
                                          33,
                                          63,
                                          64,
                                          65,
                                          0x7f,
                                          0x80,
                                          0xff,
                                          0x100,
                                          0x7fff,
                                          0x8000,
                                          0xffff,
                                          0x10000,
                                          0xffffffffffff8000,
                                          0xffffffffffffff80,
                                          0x5555555555555555,
                                          0xaaaaaaaaaaaaaaaa,
                                          0x0101010101010101,
                                          0x00ff00ff00ff00ff,
                                          0x8080808080808080,
                                          0x00000000ffff0000,
                                          0xfffffffffffff800,
                                          0x7ff,
                                          0x800};
        const unsigned k = static_cast<unsigned>(below(100));
        if (k < 45) return pick(kEdges);
        if (k < 55) return pick(kEdges) + below(5) - 2;
        if (k < 70) return static_cast<uint64_t>(static_cast<int64_t>(below(601)) - 300);
        if (k < 85) return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(u64())));
        return u64();
    }
    int64_t imm12() {
        static const int64_t kEdges[] = {0,  1,  -1, 2047, -2048, 31,   32,
                                         63, 64, -2, 0x7f, 0x80,  0xff, -0x80};
        if (chance(0.5)) return pick(kEdges);
        return static_cast<int64_t>(below(4096)) - 2048;
    }
    unsigned shamt(unsigned bits) {
        static const unsigned k6[] = {0, 1, 31, 32, 33, 63, 62};
        static const unsigned k5[] = {0, 1, 15, 16, 30, 31};
        if (chance(0.5)) return bits == 6 ? pick(k6) : pick(k5);
        return static_cast<unsigned>(below(1u << bits));
    }
    // FP register contents: NaN-boxed singles (sometimes badly boxed) and doubles,
    // biased to zeros, infinities, NaNs, subnormals and integer boundaries.
    uint64_t fval() {
        static const uint64_t kD[] = {0,
                                      0x8000000000000000,
                                      0x7ff0000000000000,
                                      0xfff0000000000000,
                                      0x7ff8000000000000,
                                      0x7ff0000000000001,
                                      0xfff8000000000001,
                                      0x7ff4000000000000,
                                      1,
                                      0x000fffffffffffff,
                                      0x0010000000000000,
                                      0x8010000000000000,
                                      0x7fefffffffffffff,
                                      0xffefffffffffffff,
                                      0x3ff0000000000000,
                                      0xbff0000000000000,
                                      0x3fe0000000000000,
                                      0x3ff8000000000000,
                                      0x4004000000000000,
                                      0xbfe0000000000000,
                                      0x41e0000000000000,
                                      0xc1e0000000000000,
                                      0x41dfffffffffffff,
                                      0x41efffffffe00000,
                                      0x41f0000000000000,
                                      0x43e0000000000000,
                                      0xc3e0000000000000,
                                      0x43f0000000000000,
                                      0x43dfffffffffffff,
                                      0x3ca0000000000000,
                                      0x36a0000000000000,
                                      0x3810000000000000,
                                      0x47efffffe0000000,
                                      0x4330000000000000};
        static const uint32_t kS[] = {0,          0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
                                      0x7f800001, 0xffc00001, 0x7fa00000, 1,          0x007fffff,
                                      0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000,
                                      0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000,
                                      0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000, 0x5f000000,
                                      0xdf000000, 0x5f800000, 0x5effffff, 0x4b000000, 0x33800000};
        const bool single = chance(0.45);
        const unsigned k = static_cast<unsigned>(below(100));
        uint64_t v;
        if (single) {
            uint32_t s;
            if (k < 50)
                s = pick(kS);
            else if (k < 62)
                s = pick(kS) + static_cast<uint32_t>(below(3)) - 1;
            else if (k < 75)
                s = std::bit_cast<uint32_t>(static_cast<float>(static_cast<int64_t>(xval())) +
                                            pick(kHalves));
            else
                s = static_cast<uint32_t>(u64());
            if (chance(0.92)) return riscv::fp::box(s);
            v = chance(0.5) ? s : (u64() << 32 | s);  // not a valid NaN box
            return v;
        }
        if (k < 50) return pick(kD);
        if (k < 62) return pick(kD) + below(3) - 1;
        if (k < 75)
            return std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(xval())) +
                                           static_cast<double>(pick(kHalves)));
        return u64();
    }
    unsigned rm() {
        static const unsigned k[] = {0, 1, 2, 3, 4, 7, 7, 7, 7};
        return pick(k);
    }

  private:
    static constexpr float kHalves[] = {0.0f, 0.5f, -0.5f, 0.25f, 0.75f, 1.5f};
    std::mt19937_64 rng_;
};

// ---- code buffers --------------------------------------------------------------

struct Code {
    std::vector<uint8_t> bytes;
    void w32(uint32_t w) {
        for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<uint8_t>(w >> (8 * k)));
    }
    void w16(uint16_t h) {
        bytes.push_back(static_cast<uint8_t>(h));
        bytes.push_back(static_cast<uint8_t>(h >> 8));
    }
    void asm_(const Asm& a) {
        for (uint32_t w : a.words) w32(w);
    }
    uint64_t size() const { return bytes.size(); }
};

uint32_t enc(Op op, const Fields& f) {
    const uint32_t w = encode(op, f);
    const riscv::Decoded d = riscv::decode(w);
    EXPECT_EQ(d.op, op) << riscv::info(op).mnemonic << " encoded as " << std::hex << w;
    return w;
}

constexpr unsigned kEcall = 0x73;

void random_state(Gen& g, Image& img) {
    for (unsigned r = 1; r < 32; ++r) img.cpu.x[r] = g.xval();
    for (unsigned r = 0; r < 32; ++r) img.cpu.f[r] = g.fval();
    img.cpu.fflags = g.chance(0.5) ? 0 : static_cast<uint32_t>(g.below(32));
    img.cpu.frm = static_cast<uint32_t>(g.below(5));
    for (auto& b : img.data) b = static_cast<uint8_t>(g.u64());
}

// Puts `v` in x register r (li) or f register r (li to a scratch, fmv.d.x).
void materialize_x(Asm& a, unsigned r, uint64_t v) {
    if (r != 0) a.li(r, static_cast<int64_t>(v));
}

struct Case {
    Image img;
    std::string what;
    bool expect_jit = true;  // compiled code must have run
};

// An ordinary number: moderate magnitude, often integral, NaN-boxed for singles.
uint64_t ordinary_fval(Gen& g, bool single) {
    const double mag = std::ldexp(1.0 + static_cast<double>(g.below(1u << 20)) / (1u << 20),
                                  static_cast<int>(g.below(60)) - 30);
    double v = g.chance(0.3) ? std::round(mag * 1000) : mag;
    if (g.chance(0.5)) v = -v;
    if (single) return 0xffffffff00000000ull | std::bit_cast<uint32_t>(static_cast<float>(v));
    return std::bit_cast<uint64_t>(v);
}

// One instruction with random operands. `constants`: the source registers are
// set by li/fmv in the same block, so the IR sees constants (folding); otherwise
// they come from the Cpu. `ordinary`: FP operands are everyday numbers, NX is
// usually accrued, frm is RNE and rm RNE, dynamic or RTZ: what the JIT's inline
// FP fast paths take (edge values mostly go to the helpers).
Case single_case(const Shape& s, Gen& g, bool constants, bool ordinary = false) {
    Case c;
    Image& img = c.img;
    random_state(g, img);
    if (ordinary) {
        const bool single = std::string(s.name()).find(".s") != std::string::npos &&
                            std::string(s.name()).find(".d") == std::string::npos;
        for (unsigned r = 0; r < 32; ++r) img.cpu.f[r] = ordinary_fval(g, single || g.chance(0.2));
        for (unsigned r = 1; r < 32; ++r)
            img.cpu.x[r] =
                g.chance(0.5)
                    ? static_cast<uint64_t>(static_cast<int64_t>(g.below(1u << 20)) - (1 << 19))
                    : img.cpu.x[r];
        img.cpu.fflags = g.chance(0.75) ? 1u | static_cast<uint32_t>(g.below(32)) : 0;
    }
    Fields f;
    auto reg = [&] { return static_cast<unsigned>(g.below(32)); };
    f.rd = g.chance(0.1) ? 0 : reg();
    f.rs1 = g.chance(0.2) ? f.rd : reg();
    if (s.rs1_x && g.chance(0.08)) f.rs1 = 0;
    f.rs2 = g.chance(0.25) ? f.rs1 : g.chance(0.15) ? f.rd : reg();
    f.rs3 = g.chance(0.2) ? f.rs1 : reg();
    f.rm = s.rm ? g.rm() : 0;
    if (ordinary && s.rm) {
        const unsigned pick = static_cast<unsigned>(g.below(3));
        f.rm = pick == 0 ? 0 : pick == 1 ? 7 : 1;
    }
    if (s.cls == Cls::Alu || s.cls == Cls::Fp) {
        switch (s.imm) {
            case Shape::Imm::I12: f.imm = g.imm12(); break;
            case Shape::Imm::Sh6: f.imm = g.shamt(6); break;
            case Shape::Imm::Sh5: f.imm = g.shamt(5); break;
            case Shape::Imm::U20: f.imm = static_cast<int64_t>(g.u64() & 0xfffff000u); break;
            case Shape::Imm::None: break;
        }
    }
    // Register values the instruction sees (x0 stays 0).
    if (s.cls == Cls::Mem) {
        const unsigned k = static_cast<unsigned>(g.below(100));
        uint64_t addr;
        if (k < 85) {
            addr = kData + g.below(kDataBytes - s.size + 1);
            if (g.chance(0.5)) addr &= ~uint64_t{s.size - 1};
        } else if (k < 90) {
            addr = s.size > 1 ? kUnmapped - 1 - g.below(s.size - 1) : kUnmapped;  // straddles
        } else if (k < 95) {
            addr = kUnmapped + g.below(0x1000);
        } else {
            addr = kReadOnly + g.below(0x1000 - s.size);
        }
        f.imm = g.imm12();
        if (f.rs1 == 0 && !g.chance(0.05)) f.rs1 = 1 + static_cast<unsigned>(g.below(31));
        if (f.rs1 != 0) img.cpu.x[f.rs1] = addr - static_cast<uint64_t>(f.imm);
    }
    if (s.cls == Cls::Branch) {
        const unsigned k = static_cast<unsigned>(g.below(10));
        if (k < 3)
            img.cpu.x[f.rs2] = img.cpu.x[f.rs1];
        else if (k < 5)
            img.cpu.x[f.rs2] = img.cpu.x[f.rs1] + g.below(3) - 1;
        img.cpu.x[0] = 0;
    }

    // Layout: 16 ecall landing pads, then the entry: [frm setup] [constants] the
    // instruction, ecall, ecall. Branches and jumps go back to a pad or forward
    // over one ecall; jalr lands on a pad (so its target does not depend on the
    // length of the constant block).
    constexpr uint64_t kPads = 16;
    const uint64_t pads = kCode + 0x100;
    const uint64_t entry = pads + 4 * kPads;
    if (s.cls == Cls::Jalr) {
        f.imm = g.imm12();
        const uint64_t target = pads + 4 * g.below(kPads);
        if (f.rs1 == 0 && !g.chance(0.03)) f.rs1 = 1 + static_cast<unsigned>(g.below(31));
        if (f.rs1 != 0)
            img.cpu.x[f.rs1] = target - static_cast<uint64_t>(f.imm) + (g.chance(0.5) ? 1 : 0);
    }
    Asm pre;
    const bool fp_op = s.cls == Cls::Fp || s.rd_f || s.rs2_f;
    if (fp_op) {
        // frm through the CSR, then a jump so the instruction starts a fresh block
        // (the interpreter's blocks run through csrrw).
        const unsigned frm = ordinary         ? 0
                             : g.chance(0.05) ? 5 + static_cast<unsigned>(g.below(3))
                                              : static_cast<unsigned>(g.below(5));
        pre.csrrwi(0, riscv::kCsrFrm, frm).jal(0, 4);
        if (frm > 4) c.expect_jit = false;  // the engine keeps compiled code out then
    }
    if (constants) {
        std::vector<unsigned> xs, fs;
        if (s.rs1_x) xs.push_back(f.rs1);
        if (s.rs2_x) xs.push_back(f.rs2);
        if (s.rs1_f) fs.push_back(f.rs1);
        if (s.rs2_f) fs.push_back(f.rs2);
        if (s.rs3_f) fs.push_back(f.rs3);
        unsigned scratch = 31;
        while (std::find(xs.begin(), xs.end(), scratch) != xs.end()) --scratch;
        for (unsigned r : fs) {
            materialize_x(pre, scratch, img.cpu.f[r]);
            pre.fmv_d_x(r, scratch);
        }
        for (unsigned r : xs) materialize_x(pre, r, img.cpu.x[r]);
    }
    Code code;
    for (uint64_t k = 0; k < kPads; ++k) code.w32(kEcall);
    for (uint32_t w : pre.words) code.w32(w);
    const uint64_t op_pc = kCode + 0x100 + code.size();
    if (s.cls == Cls::Branch || s.cls == Cls::Jal)
        f.imm = g.chance(0.5)
                    ? 8
                    : static_cast<int64_t>(pads + 4 * g.below(kPads)) - static_cast<int64_t>(op_pc);
    code.w32(enc(s.op, f));
    code.w32(kEcall);
    code.w32(kEcall);
    img.code = code.bytes;
    img.code_at = pads;
    img.cpu.pc = entry;
    c.what = fmt::format("{} rd={} rs1={} rs2={} rs3={} rm={} imm={} ({})\n", s.name(), f.rd, f.rs1,
                         f.rs2, f.rs3, f.rm, f.imm, constants ? "constants" : "registers");
    for (unsigned r : {f.rs1, f.rs2, f.rs3}) {
        c.what += fmt::format("    x{} = {:#x}   f{} = {:#x}\n", r, img.cpu.x[r], r, img.cpu.f[r]);
    }
    c.what += listing(img.code, img.code_at);
    return c;
}

// Runs `img` under every configuration and reports differences from the
// interpreter; returns the number of failing configurations.
int check(const Case& c, const std::vector<Config>& configs, int& reported) {
    const Outcome ref = run_image(c.img, interp_config());
    int bad = 0;
    for (const Config& cfg : configs) {
        const Outcome o = run_image(c.img, cfg);
        std::string d = compare(ref, o);
        if (d.empty() && c.expect_jit && cfg.kind == engine::EngineKind::Jit &&
            (o.jit.blocks_compiled == 0 || o.jit_entries == 0))
            d = "  compiled code never ran\n";
        if (d.empty()) continue;
        ++bad;
        if (reported++ < 12) ADD_FAILURE() << "interp vs " << cfg.name << ": " << c.what << d;
    }
    return bad;
}

std::vector<Config> jit_configs() {
    return {jit_config(), jit_nopass_config()};
}

// The JIT with two host registers for values: most values spill, to a slot or
// to their guest register's field, and come back.
Config jit_two_regs_config() {
    Config c = jit_config();
    c.name = "jit-2-regs";
    c.alloc_regs = 2;
    return c;
}

// Every instruction the JIT compiles inline (and FP through its helpers), each
// with a few hundred random cases, half with register and half with constant
// operands.
TEST(JitDiff, SingleInstructions) {
    const auto configs = jit_configs();
    std::map<std::string, int> failures;
    int reported = 0, cases = 0;
    uint64_t seed = 1;
    for (const Shape& s : all_shapes()) {
        const int n = s.cls == Cls::Fp ? 120 : 200;
        for (int k = 0; k < n; ++k) {
            Gen g(seed++ * 0x9e3779b97f4a7c15ull);
            const Case c = single_case(s, g, k % 2 == 1);
            if (check(c, configs, reported)) ++failures[s.name()];
            ++cases;
        }
    }
    std::string summary;
    for (auto& [name, n] : failures) summary += fmt::format(" {}:{}", name, n);
    EXPECT_TRUE(failures.empty()) << "failing cases per instruction:" << summary;
    fmt::print("JitDiff.SingleInstructions: {} instructions, {} cases x {} JIT configurations\n",
               all_shapes().size(), cases, configs.size());
}

// The FP instructions again, on the operands and state the inline fast paths
// take (fused multiply-add, conversions, arithmetic, compares).
TEST(JitDiff, FpFastPaths) {
    const auto configs = jit_configs();
    std::map<std::string, int> failures;
    int reported = 0, cases = 0;
    uint64_t seed = 77;
    for (const Shape& s : all_shapes()) {
        if (s.cls != Cls::Fp) continue;
        for (int k = 0; k < 150; ++k) {
            Gen g(seed++ * 0x9e3779b97f4a7c15ull);
            const Case c = single_case(s, g, k % 2 == 1, true);
            if (check(c, configs, reported)) ++failures[s.name()];
            ++cases;
        }
    }
    std::string summary;
    for (auto& [name, n] : failures) summary += fmt::format(" {}:{}", name, n);
    EXPECT_TRUE(failures.empty()) << "failing cases per instruction:" << summary;
    fmt::print("JitDiff.FpFastPaths: {} cases x {} JIT configurations\n", cases, configs.size());
}

// Random 16-bit encodings (every compressed instruction the decoder accepts,
// loads, stores and control transfers included) in code pages full of ecalls,
// so any jump target lands on an ecall or on half of one.
TEST(JitDiff, CompressedInstructions) {
    const auto configs = jit_configs();
    int reported = 0, cases = 0, bad = 0;
    std::map<std::string, int> seen;
    Gen g(0xc0ffee);
    while (cases < 8000) {
        const auto h = static_cast<uint16_t>(g.u64());
        if ((h & 3) == 3) continue;
        const riscv::Decoded d = riscv::decode(h);
        if (d.op == Op::illegal) continue;
        // A jump to itself never ends, in any engine.
        if ((d.op == Op::jal || d.op == Op::beq || d.op == Op::bne) && d.imm == 0) continue;
        Case c;
        Image& img = c.img;
        random_state(g, img);
        const Shape s = shape_of(d.op);
        const uint64_t at = kCode + 0x1000 + (g.chance(0.5) ? 2 : 0);
        if (s.cls == Cls::Mem) {
            uint64_t addr = kData + g.below(kDataBytes - s.size + 1);
            if (g.chance(0.7)) addr &= ~uint64_t{s.size - 1};
            img.cpu.x[d.rs1] = addr - static_cast<uint64_t>(d.imm);
        } else if (s.cls == Cls::Jalr) {
            do img.cpu.x[d.rs1] = at + 2 * g.below(0x800) - 0x800;
            while ((img.cpu.x[d.rs1] & ~1ull) == at);
        } else if (s.cls == Cls::Branch && g.chance(0.5)) {
            img.cpu.x[d.rs1] = 0;
        }
        img.cpu.x[0] = 0;
        Code code;
        for (uint64_t k = 0; k < kCodeBytes / 4; ++k) code.w32(kEcall);
        const uint64_t off = at - kCode;
        code.bytes[off] = static_cast<uint8_t>(h);
        code.bytes[off + 1] = static_cast<uint8_t>(h >> 8);
        for (int k = 0; k < 4; ++k)
            code.bytes[off + 2 + k] = static_cast<uint8_t>(kEcall >> (8 * k));
        img.code = code.bytes;
        img.code_at = kCode;
        img.cpu.pc = at;
        c.expect_jit = d.op != Op::ebreak;
        c.what = fmt::format("{:#06x} {} (x{}={:#x} x{}={:#x})\n", h, riscv::disassemble(d, at),
                             d.rs1, img.cpu.x[d.rs1], d.rs2, img.cpu.x[d.rs2]);
        ++seen[riscv::compressed_mnemonic(d) ? riscv::compressed_mnemonic(d) : "?"];
        if (check(c, configs, reported)) ++bad;
        ++cases;
    }
    EXPECT_EQ(bad, 0);
    fmt::print("JitDiff.CompressedInstructions: {} cases over {} compressed forms\n", cases,
               seen.size());
}

// li must put exactly the value in the register (the constant tests rely on it).
TEST(JitDiff, LiSequencesAreExact) {
    Gen g(7);
    for (int k = 0; k < 400; ++k) {
        const uint64_t v = k < 200 ? g.xval() : g.u64();
        Asm a;
        a.li(5, static_cast<int64_t>(v)).ecall();
        Image img;
        Code code;
        code.asm_(a);
        img.code = code.bytes;
        img.cpu.pc = kCode;
        const Outcome o = run_image(img, interp_config());
        ASSERT_EQ(o.cpu.x[5], v) << std::hex << v;
        ASSERT_LE(a.words.size(), 9u);
    }
}

// ---- random sequences ------------------------------------------------------------

// XVM_JIT_DIFF_SCALE=n runs n times as many sequences (soak runs; other seeds).
int scaled(int count) {
    const char* e = std::getenv("XVM_JIT_DIFF_SCALE");
    const int n = e ? std::atoi(e) : 1;
    return count * (n > 0 ? n : 1);
}

// Registers the sequences never write: loop counter and the two data bases.
constexpr unsigned kCounter = 25, kBaseLo = 26, kBaseHi = 27;

struct Item {
    enum Kind { Word, Half, Branch, Jal, Indirect } kind = Word;
    uint32_t word = 0;  // Word/Half: the encoding; Branch: op in `op`
    Op op = Op::illegal;
    unsigned rd = 0, rs1 = 0, rs2 = 0;
    size_t target = 0;  // item index (== items.size(): the tail)
    unsigned bytes() const { return kind == Half ? 2 : kind == Indirect ? 8 : 4; }
};

struct Sequence {
    std::vector<Item> items;
    unsigned loops = 0;   // 0: straight through
    uint64_t offset = 0;  // code start within the code pages
    Image init;           // registers and data (code filled by build())
};

Image build(const Sequence& q) {
    Image img = q.init;
    Code c;
    if (q.loops) {
        Asm a;
        a.li(kCounter, q.loops);
        c.asm_(a);
    }
    const uint64_t body = c.size();
    std::vector<uint64_t> off(q.items.size() + 1);
    uint64_t at = body;
    for (size_t k = 0; k < q.items.size(); ++k) {
        off[k] = at;
        at += q.items[k].bytes();
    }
    off[q.items.size()] = at;
    for (size_t k = 0; k < q.items.size(); ++k) {
        const Item& it = q.items[k];
        const auto rel = static_cast<int64_t>(off[it.target]) - static_cast<int64_t>(off[k]);
        switch (it.kind) {
            case Item::Word: c.w32(it.word); break;
            case Item::Half: c.w16(static_cast<uint16_t>(it.word)); break;
            case Item::Branch: c.w32(encode(it.op, {0, it.rs1, it.rs2, 0, 0, rel})); break;
            case Item::Jal: c.w32(encode(Op::jal, {it.rd, 0, 0, 0, 0, rel})); break;
            case Item::Indirect:
                c.w32(encode(Op::auipc, {it.rs1, 0, 0, 0, 0, 0}));
                c.w32(encode(Op::jalr, {it.rd, it.rs1, 0, 0, 0, rel}));
                break;
        }
    }
    if (q.loops) {
        Asm a;
        a.addi(kCounter, kCounter, -1);
        c.asm_(a);
        c.w32(encode(Op::bne, {0, kCounter, 0, 0, 0,
                               static_cast<int64_t>(body) - static_cast<int64_t>(c.size())}));
    }
    c.w32(kEcall);
    img.code = c.bytes;
    img.code_at = kCode + q.offset;
    img.cpu.pc = img.code_at;
    return img;
}

class SequenceGen {
  public:
    // `wide`: many registers and no control flow, so blocks are long and keep more
    // values live than the backend has registers (spills, helper calls between).
    SequenceGen(uint64_t seed, bool wide) : g_(seed), wide_(wide) {
        alu_ = shapes_of(Cls::Alu);
        mem_ = shapes_of(Cls::Mem);
        fp_ = shapes_of(Cls::Fp);
        br_ = shapes_of(Cls::Branch);
    }

    Sequence make(bool loops) {
        Sequence q;
        random_state(g_, q.init);
        q.init.cpu.x[kBaseLo] = kData + 0x800;
        q.init.cpu.x[kBaseHi] = kData + 0x1800;
        // A few registers, x0 among them, so values flow between instructions and
        // rd == rs1 == rs2 happens often.
        pool_.assign({0});
        const unsigned nx = wide_ ? 12 + static_cast<unsigned>(g_.below(13))
                                  : 2 + static_cast<unsigned>(g_.below(7));
        while (pool_.size() < nx + 1) {
            const unsigned r = 1 + static_cast<unsigned>(g_.below(31));
            if (r != kCounter && r != kBaseLo && r != kBaseHi &&
                std::find(pool_.begin(), pool_.end(), r) == pool_.end())
                pool_.push_back(r);
        }
        fpool_.clear();
        const unsigned nf = wide_ ? 6 + static_cast<unsigned>(g_.below(20))
                                  : 2 + static_cast<unsigned>(g_.below(4));
        while (fpool_.size() < nf) fpool_.push_back(static_cast<unsigned>(g_.below(32)));
        const size_t n = wide_ ? 30 + g_.below(31) : 10 + g_.below(31);
        for (size_t k = 0; k < n; ++k) q.items.push_back(item(k, n));
        if (wide_) {
            // End the long block with a compare-and-branch on values read early, so
            // the fused compare's operands live across the whole block.
            Item& last = q.items.back();
            last = Item{};
            last.kind = Item::Branch;
            last.op = br_[g_.below(br_.size())]->op;
            last.rs1 = x();
            last.rs2 = x();
            last.target = n;
        }
        q.loops = loops ? 1 + static_cast<unsigned>(g_.below(6)) : 0;
        q.offset = g_.chance(0.3) ? 0x1000 - 2 * g_.below(100) : 2 * g_.below(0x400);
        return q;
    }

  private:
    unsigned x() { return pool_[g_.below(pool_.size())]; }
    unsigned xd() { return g_.chance(0.06) ? 0 : x(); }
    unsigned fr() { return fpool_[g_.below(fpool_.size())]; }

    Item item(size_t k, size_t n) {
        const unsigned r = static_cast<unsigned>(g_.below(wide_ ? 90 : 100));
        Item it;
        if (r < 55) {
            const Shape& s = *alu_[g_.below(alu_.size())];
            Fields f;
            f.rd = xd();
            f.rs1 = x();
            f.rs2 = g_.chance(0.3) ? f.rs1 : x();
            if (s.imm == Shape::Imm::I12) f.imm = g_.imm12();
            if (s.imm == Shape::Imm::Sh6) f.imm = g_.shamt(6);
            if (s.imm == Shape::Imm::Sh5) f.imm = g_.shamt(5);
            if (s.imm == Shape::Imm::U20) f.imm = static_cast<int64_t>(g_.u64() & 0xfffff000u);
            it.word = enc(s.op, f);
        } else if (r < 63) {
            it = compressed();
        } else if (r < 80) {
            const Shape& s = *mem_[g_.below(mem_.size())];
            Fields f;
            f.rs1 = g_.chance(0.5) ? kBaseLo : kBaseHi;
            f.imm = g_.chance(0.5)
                        ? static_cast<int64_t>(g_.below(4096)) - 2048
                        : (static_cast<int64_t>(g_.below(64)) - 32) * static_cast<int64_t>(s.size);
            if (g_.chance(0.005)) f.rs1 = 0;  // address below 2 KiB: unmapped, faults
            f.rd = s.rd_f ? fr() : xd();
            f.rs2 = s.rs2_f ? fr() : x();
            it.word = enc(s.op, f);
        } else if (r < 86) {
            const Shape& s = *fp_[g_.below(fp_.size())];
            Fields f;
            f.rd = s.rd_f ? fr() : xd();
            f.rs1 = s.rs1_f ? fr() : x();
            f.rs2 = s.rs2_f ? fr() : x();
            f.rs3 = fr();
            f.rm = s.rm ? g_.rm() : 0;
            it.word = enc(s.op, f);
        } else if (r < 90) {
            it.word = system();
        } else {
            const unsigned c = static_cast<unsigned>(g_.below(10));
            it.target = k + 1 + g_.below(n - k);
            if (c < 6) {
                it.kind = Item::Branch;
                it.op = br_[g_.below(br_.size())]->op;
                it.rs1 = x();
                it.rs2 = g_.chance(0.3) ? it.rs1 : x();
            } else if (c < 8) {
                it.kind = Item::Jal;
                it.rd = xd();
            } else {
                it.kind = Item::Indirect;
                it.rs1 = x();
                if (it.rs1 == 0) it.rs1 = pool_.size() > 1 ? pool_[1] : 1;
                it.rd = g_.chance(0.3) ? it.rs1 : xd();
            }
        }
        return it;
    }

    // What the JIT leaves to the interpreter, so control passes between the
    // engines in the middle of a sequence: FP CSRs (frm changes what compiled FP
    // code rounds with; an invalid frm makes it illegal), atomics on the data
    // pages, fence, and fence.i (every code cache flushed in mid-run).
    uint32_t system() {
        using riscv::kCsrFcsr;
        using riscv::kCsrFflags;
        using riscv::kCsrFrm;
        const auto csr = [](Op op, unsigned rd, unsigned rs1, unsigned c) {
            return enc(op, {rd, rs1, 0, 0, 0, static_cast<int64_t>(c)});
        };
        switch (g_.below(9)) {
            case 0: return csr(Op::csrrs, xd(), 0, kCsrFflags);
            case 1: return csr(Op::csrrw, xd(), x(), kCsrFflags);
            case 2: return csr(Op::csrrci, xd(), static_cast<unsigned>(g_.below(32)), kCsrFflags);
            case 3: {
                const unsigned rm = g_.chance(0.1) ? 5 + static_cast<unsigned>(g_.below(3))
                                                   : static_cast<unsigned>(g_.below(5));
                return csr(Op::csrrwi, xd(), rm, kCsrFrm);
            }
            case 4: return csr(Op::csrrs, xd(), 0, g_.chance(0.5) ? kCsrFrm : kCsrFcsr);
            case 5: return g_.chance(0.3) ? 0x0000100f : 0x0ff0000f;  // fence.i (flushes), fence
            default: {
                static const std::vector<Op> amos = [] {
                    std::vector<Op> v;
                    for (unsigned k = 0; k < riscv::kOpCount; ++k)
                        if (riscv::info(static_cast<Op>(k)).ext == riscv::Ext::A)
                            v.push_back(static_cast<Op>(k));
                    return v;
                }();
                const Op op = amos[g_.below(amos.size())];
                const bool lr = riscv::info(op).format == riscv::Format::Lr;
                return enc(op, {xd(), g_.chance(0.5) ? kBaseLo : kBaseHi, lr ? 0 : x(), 0, 0, 0}) |
                       static_cast<uint32_t>(g_.below(4)) << 25;
            }
        }
    }

    // A random compressed instruction that decodes to an integer operation (no
    // memory, no control transfer) and leaves the reserved registers alone.
    Item compressed() {
        for (;;) {
            const auto h = static_cast<uint16_t>(g_.u64());
            if ((h & 3) == 3) continue;
            const riscv::Decoded d = riscv::decode(h);
            if (d.op == Op::illegal) continue;
            const Shape& s = all_shapes_by_op(d.op);
            if (s.cls != Cls::Alu) continue;
            if (s.rd_x && (d.rd == kCounter || d.rd == kBaseLo || d.rd == kBaseHi)) continue;
            Item it;
            it.kind = Item::Half;
            it.word = h;
            return it;
        }
    }
    static const Shape& all_shapes_by_op(Op op) {
        static const std::vector<Shape> by = [] {
            std::vector<Shape> v(riscv::kOpCount);
            for (unsigned k = 0; k < riscv::kOpCount; ++k) v[k] = shape_of(static_cast<Op>(k));
            return v;
        }();
        return by[static_cast<unsigned>(op)];
    }

    Gen g_;
    bool wide_;
    std::vector<const Shape*> alu_, mem_, fp_, br_;
    std::vector<unsigned> pool_, fpool_;
};

struct SequenceStats {
    std::map<std::string, int> stops;  // the interpreter's stop reasons
    uint64_t instret = 0, compiled = 0, entries = 0;
};

// Whether some configuration disagrees with the interpreter on `q`.
std::string sequence_mismatch(const Sequence& q, const std::vector<Config>& configs,
                              std::string* which = nullptr, SequenceStats* st = nullptr) {
    const Image img = build(q);
    constexpr unsigned kStops = 100;  // fence.i stops the run; go on after each
    const Outcome ref = run_image(img, interp_config(), kStops);
    if (st) {
        ++st->stops[reason_name(ref.stop.reason)];
        st->instret += ref.cpu.instret;
    }
    for (const Config& cfg : configs) {
        const Outcome o = run_image(img, cfg, kStops);
        if (st && &cfg == &configs.front()) {
            st->compiled += o.jit.guest_insns_compiled;
            st->entries += o.jit_entries;
        }
        std::string d = compare(ref, o);
        if (!d.empty()) {
            if (which) *which = cfg.name;
            return d;
        }
    }
    return {};
}

// Greedy reduction: drop items while the mismatch stays.
Sequence minimize(Sequence q, const std::vector<Config>& configs) {
    for (bool progress = true; progress;) {
        progress = false;
        for (size_t k = 0; k < q.items.size(); ++k) {
            Sequence t = q;
            t.items.erase(t.items.begin() + static_cast<long>(k));
            for (Item& it : t.items)
                if (it.target > k) --it.target;
            if (!sequence_mismatch(t, configs).empty()) {
                q = t;
                progress = true;
                --k;
            }
        }
        if (q.loops > 1) {
            Sequence t = q;
            t.loops = 1;
            if (!sequence_mismatch(t, configs).empty()) {
                q = t;
                progress = true;
            }
        }
    }
    return q;
}

std::string describe(const Sequence& q) {
    const Image img = build(q);
    std::string s = fmt::format("  loops={} code at {:#x}\n", q.loops, img.code_at);
    for (unsigned r = 1; r < 32; ++r)
        s += fmt::format("    x{:<2} = {:#018x}   f{:<2} = {:#018x}\n", r, img.cpu.x[r], r,
                         img.cpu.f[r]);
    s += fmt::format("    f0  = {:#018x}  fflags={:#x} frm={}\n", img.cpu.f[0], img.cpu.fflags,
                     img.cpu.frm);
    return s + listing(img.code, img.code_at);
}

void run_sequences(const char* name, uint64_t seed0, int count, bool loops, bool wide,
                   const std::vector<Config>& configs) {
    count = scaled(count);
    int bad = 0;
    SequenceStats st;
    for (int k = 0; k < count; ++k) {
        const uint64_t seed = seed0 + static_cast<uint64_t>(k);
        SequenceGen sg(seed * 0x2545f4914f6cdd1dull, wide);
        const Sequence q = sg.make(loops);
        std::string which;
        std::string d = sequence_mismatch(q, configs, &which, &st);
        if (d.empty()) continue;
        if (++bad > 3) continue;
        const Sequence m = minimize(q, configs);
        d = sequence_mismatch(m, configs, &which);
        ADD_FAILURE() << "sequence seed " << seed << ": interp vs " << which << " (minimised from "
                      << q.items.size() << " items)\n"
                      << d << describe(m);
    }
    EXPECT_EQ(bad, 0) << bad << " of " << count << " sequences differ";
    std::string stops;
    for (auto& [r, n] : st.stops) stops += fmt::format(" {}:{}", r, n);
    fmt::print(
        "JitDiff.{}: {} sequences x {} configurations; interpreter stops{}; {} guest "
        "instructions retired (interp), {} compiled and {} JIT entries ({})\n",
        name, count, configs.size(), stops, st.instret, st.compiled, st.entries,
        configs.front().name);
}

TEST(JitDiff, RandomSequences) {
    auto configs = jit_configs();
    Config small = jit_config();
    small.name = "jit-3-insn-blocks";
    small.max_block_insns = 3;
    configs.push_back(small);
    run_sequences("RandomSequences", 1000, 3000, false, false, configs);
}

// The same inside counted loops: blocks are entered again through patched links,
// and tiering hands over between the engines in the middle of the run.
TEST(JitDiff, RandomLoops) {
    auto configs = jit_configs();
    Config tiered = jit_config();
    tiered.name = "tiered-threshold-2";
    tiered.kind = engine::EngineKind::Tiered;
    tiered.threshold = 2;
    configs.push_back(tiered);
    configs.push_back(jit_two_regs_config());
    run_sequences("RandomLoops", 500000, 1500, true, false, configs);
}

// Long straight-line blocks over many registers: more live values than host
// registers, FP helper calls in between.
TEST(JitDiff, RandomWideBlocks) {
    auto configs = jit_configs();
    configs.push_back(jit_two_regs_config());
    Config none = jit_nopass_config();
    none.name = "jit-nopasses-2-regs";
    none.alloc_regs = 2;
    configs.push_back(none);
    run_sequences("RandomWideBlocks", 900000, 1500, false, true, configs);
}

}  // namespace
}  // namespace xvm::test
