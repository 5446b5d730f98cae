// Random IR blocks for the differential pass tests. Values, registers and
// constants are drawn from small pools so that the passes find something to do:
// repeated registers, x - x, shifts by 64, division by zero and -1, branches on
// constants.
#include <iterator>

#include "reference.h"

namespace xvm::ir::test {

namespace {

constexpr uint64_t kSpecial[] = {0,          1,          2,          7,          31,
                                 32,         63,         64,         ~0ull,      ~0ull - 6,
                                 0xffffffff, 0x80000000, 0x7fffffff, 1ull << 63, (1ull << 63) - 1,
                                 0x1007,     0xff80};
constexpr Opcode kUnary[] = {Opcode::Not,    Opcode::Neg,   Opcode::Clz,    Opcode::Ctz,
                             Opcode::Popcnt, Opcode::Bswap, Opcode::Sext8,  Opcode::Sext16,
                             Opcode::Sext32, Opcode::Zext8, Opcode::Zext16, Opcode::Zext32};
constexpr Opcode kBinary[] = {
    Opcode::Add,   Opcode::Sub,    Opcode::And,   Opcode::Or,     Opcode::Xor,   Opcode::Shl,
    Opcode::Shr,   Opcode::Sar,    Opcode::Rotl,  Opcode::Rotr,   Opcode::Mul,   Opcode::MulH,
    Opcode::MulHU, Opcode::MulHSU, Opcode::Div,   Opcode::DivU,   Opcode::Rem,   Opcode::RemU,
    Opcode::CmpEq, Opcode::CmpNe,  Opcode::CmpLt, Opcode::CmpLtU, Opcode::CmpGe, Opcode::CmpGeU};
constexpr Opcode kLoads[] = {Opcode::Load8S,  Opcode::Load8U,  Opcode::Load16S, Opcode::Load16U,
                             Opcode::Load32S, Opcode::Load32U, Opcode::Load64};
constexpr Opcode kStores[] = {Opcode::Store8, Opcode::Store16, Opcode::Store32, Opcode::Store64};
constexpr unsigned kRegs[] = {1, 2, 3, 4, 5, 32, 33};

template <typename T, size_t N>
T pick(std::mt19937_64& rng, const T (&pool)[N]) {
    return pool[rng() % N];
}

uint64_t random_constant(std::mt19937_64& rng) {
    switch (rng() % 4) {
        case 0: return rng();
        case 1: return rng() % 4096 - 2048;
        default: return pick(rng, kSpecial);
    }
}

class Generator {
  public:
    Generator(std::mt19937_64& rng, Block& b) : rng_(rng), ir_(b) {}

    // A value defined earlier, mostly a recent one (as in real code).
    Value value() {
        if (values_.empty() || rng_() % 4 == 0) return keep(ir_.constant(random_constant(rng_)));
        if (rng_() % 2)
            return values_[values_.size() - 1 - rng_() % std::min<size_t>(4, values_.size())];
        return values_[rng_() % values_.size()];
    }
    Value keep(Value v) {
        values_.push_back(v);
        return v;
    }
    void any_instruction(uint64_t pc);
    void lifted_instruction(uint64_t pc);
    void terminal(bool lifted_like, uint64_t pc);

  private:
    // RISC-V shapes: x0 reads as a constant, writes to x0 vanish.
    unsigned xreg() { return rng_() % 6; }
    Value x(unsigned r) { return ir_.get_reg(r); }
    Value imm12() { return ir_.constant(rng_() % 8 ? int64_t(rng_() % 4096) - 2048 : 0); }
    Value op(Opcode o, Value a, Value b = kNoValue, Value c = kNoValue) {
        return ir_.emit(o, a, b, c);
    }

    std::mt19937_64& rng_;
    Builder ir_;
    std::vector<Value> values_;
};

void Generator::any_instruction(uint64_t pc) {
    const unsigned r = rng_() % 100;
    if (r < 12) {
        keep(ir_.constant(random_constant(rng_)));
    } else if (r < 27) {
        keep(ir_.emit(Opcode::GetReg, kNoValue, kNoValue, kNoValue, pick(rng_, kRegs)));
    } else if (r < 40) {
        ir_.emit(Opcode::SetReg, value(), kNoValue, kNoValue, pick(rng_, kRegs));
    } else if (r < 45) {
        keep(ir_.emit(pick(rng_, kLoads), value(), kNoValue, kNoValue, int64_t(pc)));
    } else if (r < 50) {
        ir_.emit(pick(rng_, kStores), value(), value(), kNoValue, int64_t(pc));
    } else if (r < 53) {
        const unsigned n = rng_() % 4;
        const Opcode call = Opcode(unsigned(Opcode::Call0) + n);
        const Value a = n > 0 ? value() : kNoValue, b = n > 1 ? value() : kNoValue;
        keep(ir_.emit(call, a, b, n > 2 ? value() : kNoValue, int64_t(rng_() % 8)));
    } else if (r < 63) {
        keep(op(pick(rng_, kUnary), value()));
    } else if (r < 92) {
        const Value a = value();
        keep(op(pick(rng_, kBinary), a, rng_() % 6 ? value() : a));
    } else {
        const Value c = value(), a = value();
        keep(op(Opcode::Select, c, a, rng_() % 6 ? value() : a));
    }
}

void Generator::lifted_instruction(uint64_t pc) {
    const unsigned rd = xreg(), rs1 = xreg(), rs2 = xreg();
    auto set = [&](Value v) { ir_.set_reg(rd, v); };
    auto sx = [&](Value v) { return op(Opcode::Sext32, v); };
    auto addr = [&] { return op(Opcode::Add, x(rs1), imm12()); };
    switch (rng_() % 20) {
        case 0: set(op(Opcode::Add, x(rs1), imm12())); break;         // addi
        case 1: set(op(pick(rng_, kBinary), x(rs1), x(rs2))); break;  // add...
        case 2: set(op(Opcode::Add, x(rs1), x(rs2))); break;          // add
        case 3: set(sx(op(Opcode::Add, x(rs1), imm12()))); break;     // addiw
        case 4: set(sx(op(rng_() % 2 ? Opcode::Add : Opcode::Sub, x(rs1), x(rs2)))); break;
        case 5: set(ir_.constant(int64_t(rng_() % 8 ? (rng_() % 0x100000) << 12 : 0))); break;
        case 6:
            set(op(rng_() % 2 ? Opcode::Shl : Opcode::Sar, x(rs1), ir_.constant(rng_() % 64)));
            break;
        case 7:
            set(sx(op(Opcode::Shr, op(Opcode::Zext32, x(rs1)), ir_.constant(rng_() % 32))));
            break;
        case 8: set(sx(op(Opcode::Shl, x(rs1), op(Opcode::And, x(rs2), ir_.constant(31))))); break;
        case 9: set(ir_.emit(pick(rng_, kLoads), addr(), kNoValue, kNoValue, int64_t(pc))); break;
        case 10: {
            const Value v = x(rs2);
            ir_.emit(pick(rng_, kStores), addr(), v, kNoValue, int64_t(pc));
            break;
        }
        case 11: set(op(Opcode::CmpLtU, x(rs1), imm12())); break;          // sltiu
        case 12: set(sx(op(Opcode::Div, sx(x(rs1)), sx(x(rs2))))); break;  // divw
        case 13:
            set(sx(op(Opcode::RemU, op(Opcode::Zext32, x(rs1)), op(Opcode::Zext32, x(rs2)))));
            break;
        case 14: {  // max
            const Value a = x(rs1), b = x(rs2);
            set(op(Opcode::Select, op(Opcode::CmpLt, a, b), b, a));
            break;
        }
        case 15: set(op(Opcode::Add, op(Opcode::Zext32, x(rs1)), x(rs2))); break;  // add.uw
        case 16:
            set(op(Opcode::Sext32,
                   ir_.emit(Opcode::Load32S, addr(), kNoValue, kNoValue, int64_t(pc))));
            break;
        case 17:
            set(op(Opcode::And, op(Opcode::Shr, x(rs1), ir_.constant(rng_() % 64)),
                   ir_.constant(1)));
            break;
        case 18: set(ir_.emit(Opcode::Call2, x(rs1), x(rs2), kNoValue, int64_t(rng_() % 8))); break;
        default: set(op(Opcode::Xor, x(rs1), imm12())); break;  // xori
    }
}

void Generator::terminal(bool lifted_like, uint64_t pc) {
    Terminal& t = ir_.block().term;
    const uint64_t target = pc + 4 * (rng_() % 64) - 128;
    switch (rng_() % 4) {
        case 0: t = {Terminal::Kind::Jump, kNoValue, target, 0}; break;
        case 1: {
            const auto cmp = Opcode(unsigned(Opcode::CmpEq) + rng_() % 6);  // beq..bgeu
            const Value cond = lifted_like ? op(cmp, x(xreg()), x(xreg())) : value();
            t = {Terminal::Kind::Branch, cond, target, rng_() % 8 ? pc + 4 : target};
            break;
        }
        case 2: {
            const Value to =
                lifted_like ? op(Opcode::And, op(Opcode::Add, x(xreg()), imm12()), ir_.constant(-2))
                            : value();
            t = {Terminal::Kind::Indirect, to, 0, 0};
            break;
        }
        default: t = {Terminal::Kind::Exit, kNoValue, pc, 0}; break;
    }
}

}  // namespace

Block random_block(std::mt19937_64& rng, bool lifted_like) {
    Block b;
    b.pc = 0x10000;
    Generator g(rng, b);
    const unsigned n = 1 + rng() % (lifted_like ? 16 : 40);
    uint64_t pc = b.pc;
    for (unsigned i = 0; i < n; ++i, pc += 4) {
        if (lifted_like)
            g.lifted_instruction(pc);
        else
            g.any_instruction(pc);
    }
    b.guest_insns = lifted_like ? n : 0;
    g.terminal(lifted_like, pc);
    return b;
}

std::vector<uint64_t> special_values() {
    return {std::begin(kSpecial), std::end(kSpecial)};
}

void random_regs(std::mt19937_64& rng, uint64_t (&regs)[64]) {
    for (uint64_t& r : regs) r = rng() % 2 ? rng() : random_constant(rng);
    regs[0] = 0;
}

}  // namespace xvm::ir::test
