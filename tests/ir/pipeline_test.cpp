// The whole pipeline on blocks shaped exactly like jit/lift_riscv.cpp's output.
#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"

namespace xvm::ir::test {
namespace {

// Emits what the RISC-V frontend emits for a few instructions.
class Lift {
  public:
    Block b;

    Lift& addi(unsigned rd, unsigned rs1, int64_t imm) { return set(rd, reg_plus(rs1, imm)); }
    Lift& addiw(unsigned rd, unsigned rs1, int64_t imm) {
        return set(rd, op(Opcode::Sext32, reg_plus(rs1, imm)));
    }
    Lift& add(unsigned rd, unsigned rs1, unsigned rs2) {
        const Value a = x(rs1), d = x(rs2);
        return set(rd, op(Opcode::Add, a, d));
    }
    Lift& ld(unsigned rd, unsigned rs1, int64_t imm) { return load(Opcode::Load64, rd, rs1, imm); }
    Lift& lw(unsigned rd, unsigned rs1, int64_t imm) { return load(Opcode::Load32S, rd, rs1, imm); }
    Lift& lbu(unsigned rd, unsigned rs1, int64_t imm) { return load(Opcode::Load8U, rd, rs1, imm); }
    Lift& sd(unsigned rs2, unsigned rs1, int64_t imm) {
        const Value a = reg_plus(rs1, imm);
        ir_.emit(Opcode::Store64, a, x(rs2), kNoValue, int64_t(pc_));
        return next();
    }
    void bne(unsigned rs1, unsigned rs2, int64_t off) {
        const Value a = x(rs1), d = x(rs2);
        b.term = {Terminal::Kind::Branch, op(Opcode::CmpNe, a, d), pc_ + off, pc_ + 4};
        next();
    }
    void ret() {
        const Value sum = reg_plus(1, 0);
        const Value t = op(Opcode::And, sum, c(~int64_t{1}));
        b.term = {Terminal::Kind::Indirect, t, 0, 0};
        next();
    }

  private:
    Value x(unsigned r) { return ir_.get_reg(r); }
    Value c(int64_t v) { return ir_.constant(v); }
    Value op(Opcode o, Value a, Value d = kNoValue) { return ir_.emit(o, a, d); }
    Value reg_plus(unsigned r, int64_t imm) {
        const Value v = x(r);
        return op(Opcode::Add, v, c(imm));
    }
    Lift& set(unsigned rd, Value v) {
        ir_.set_reg(rd, v);
        return next();
    }
    Lift& load(Opcode o, unsigned rd, unsigned rs1, int64_t imm) {
        const Value a = reg_plus(rs1, imm);
        return set(rd, ir_.emit(o, a, kNoValue, kNoValue, int64_t(pc_)));
    }
    Lift& next() {
        pc_ += 4;
        ++b.guest_insns;
        return *this;
    }
    Builder ir_{b};
    uint64_t pc_ = 0x1000;
};

constexpr unsigned ra = 1, sp = 2, s0 = 8, a0 = 10, a1 = 11, a4 = 14, a5 = 15;

// A byte loop: lbu a5, 0(a0); addi a0, a0, 1; addi a4, a4, 1; bne a5, zero, loop
TEST(Pipeline, ByteLoop) {
    Lift l;
    l.lbu(a5, a0, 0).addi(a0, a0, 1).addi(a4, a4, 1).bne(a5, 0, -12);
    EXPECT_EQ(live(l.b), 16u);
    run_passes(l.b);
    EXPECT_EQ(verify(l.b), "");
    EXPECT_EQ(listing(l.b),
              "v0 = GetReg x10\n"
              "v3 = Load8U v0 ; pc 0x1000\n"
              "SetReg v3, x15\n"
              "v6 = Const 0x1\n"
              "v7 = Add v0, v6\n"
              "SetReg v7, x10\n"
              "v9 = GetReg x14\n"
              "v11 = Add v9, v6\n"
              "SetReg v11, x14\n"
              "branch v3 ? 0x1000 : 0x1010\n");
}

// Prologue and epilogue around a counter. sp is read once and every address is
// sp + constant; s0 = (sp - 16) + 16 and the final sp are the original sp; a0's
// first write goes (nothing can fault before the second), sext.w a1, a0 is a0;
// ret's + 0 goes. sp's first write stays: the stores after it can fault.
TEST(Pipeline, PrologueEpilogue) {
    Lift l;
    l.addi(sp, sp, -16).sd(ra, sp, 8).sd(s0, sp, 0).addi(s0, sp, 16);
    l.addiw(a0, a0, 1).addiw(a0, a0, 1).addiw(a1, a0, 0);
    l.ld(ra, sp, 8).ld(s0, sp, 0).addi(sp, sp, 16).ret();
    const size_t before = live(l.b);
    run_passes(l.b);
    EXPECT_EQ(verify(l.b), "");
    EXPECT_EQ(before, 52u);
    EXPECT_EQ(live(l.b), 26u) << listing(l.b);  // CSE shares the constants and sp-8
    EXPECT_EQ(listing(l.b),
              "v0 = GetReg x2\n"
              "v1 = Const -0x10\n"
              "v2 = Add v0, v1\n"
              "SetReg v2, x2\n"
              "v5 = Const -0x8\n"
              "v6 = Add v0, v5\n"
              "v7 = GetReg x1\n"
              "Store64 v6, v7 ; pc 0x1004\n"
              "v12 = GetReg x8\n"
              "Store64 v2, v12 ; pc 0x1008\n"
              "SetReg v0, x8\n"
              "v18 = GetReg x10\n"
              "v19 = Const 0x1\n"
              "v20 = Add v18, v19\n"
              "v21 = Sext32 v20\n"
              "v25 = Add v21, v19\n"
              "v26 = Sext32 v25\n"
              "SetReg v26, x10\n"
              "SetReg v26, x11\n"
              "v36 = Load64 v6 ; pc 0x101c\n"
              "SetReg v36, x1\n"
              "v41 = Load64 v2 ; pc 0x1020\n"
              "SetReg v41, x8\n"
              "SetReg v0, x2\n"
              "v50 = Const -0x2\n"
              "v51 = And v36, v50\n"
              "jump indirect v51\n");
}

TEST(Pipeline, EveryPassCanBeSwitchedOff) {
    Lift l;
    l.addi(sp, sp, -16).sd(ra, sp, 8).addiw(a0, a0, 1).addiw(a0, a0, 1).addi(sp, sp, 16).ret();
    const std::string original = listing(l.b);
    Block b = l.b;
    run_passes(
        b,
        {.fold = false, .forward_regs = false, .dead_stores = false, .dce = false, .cse = false});
    EXPECT_EQ(listing(b), original);

    size_t previous = live(l.b);
    for (PassOptions o : {PassOptions{.fold = false, .dead_stores = false, .dce = false},
                          PassOptions{.dead_stores = false, .dce = false},
                          PassOptions{.dce = false}, PassOptions{}}) {
        b = l.b;
        run_passes(b, o);
        EXPECT_EQ(verify(b), "");
        EXPECT_LE(live(b), previous);
        previous = live(b);
    }
    EXPECT_LT(previous, live(l.b));
}

}  // namespace
}  // namespace xvm::ir::test
