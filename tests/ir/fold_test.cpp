#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"

namespace xvm::ir::test {
namespace {

constexpr uint64_t kMin = 1ull << 63;  // INT64_MIN's bits
constexpr uint64_t kOnes = ~0ull;

struct Row {
    Opcode op;
    uint64_t a, b, want;
};

// The backend's semantics, row by row (opcodes.inc).
const Row kRows[] = {
    {Opcode::Shl, 1, 65, 2},  // counts mod 64
    {Opcode::Shl, 1, 64, 1},
    {Opcode::Shr, kMin, 63, 1},
    {Opcode::Shr, kOnes, 128, kOnes},
    {Opcode::Sar, kMin, 127, kOnes},
    {Opcode::Rotl, kMin | 1, 1, 3},
    {Opcode::Rotl, 0x1234, 64, 0x1234},
    {Opcode::Rotr, 1, 1, kMin},
    {Opcode::Rotr, 3, 65, kMin | 1},
    {Opcode::Mul, 1ull << 32, 1ull << 32, 0},
    {Opcode::MulH, kOnes, kOnes, 0},
    {Opcode::MulH, kMin, kMin, 1ull << 62},
    {Opcode::MulHU, kOnes, kOnes, kOnes - 1},
    {Opcode::MulHSU, kOnes, kOnes, kOnes},  // -1 * (2^64 - 1)
    {Opcode::MulHSU, 2, kOnes, 1},
    {Opcode::Div, 7, 0, kOnes},        // RISC-V: /0 = -1
    {Opcode::Div, kMin, kOnes, kMin},  // overflow = dividend
    {Opcode::Div, uint64_t(-7), 2, uint64_t(-3)},
    {Opcode::DivU, 7, 0, kOnes},
    {Opcode::DivU, kOnes, 2, kOnes >> 1},
    {Opcode::Rem, 7, 0, 7},         // %0 = dividend
    {Opcode::Rem, kMin, kOnes, 0},  // overflow = 0
    {Opcode::Rem, uint64_t(-7), 2, kOnes},
    {Opcode::RemU, 7, 0, 7},
    {Opcode::RemU, kOnes, 10, 5},
    {Opcode::CmpLt, kOnes, 0, 1},
    {Opcode::CmpLtU, kOnes, 0, 0},
    {Opcode::CmpGe, 0, kOnes, 1},
    {Opcode::CmpGeU, 0, kOnes, 0},
    {Opcode::CmpEq, 3, 3, 1},
    {Opcode::CmpNe, 3, 3, 0},
    {Opcode::Not, 0, 0, kOnes},
    {Opcode::Neg, kMin, 0, kMin},
    {Opcode::Clz, 0, 0, 64},
    {Opcode::Clz, 1, 0, 63},
    {Opcode::Ctz, 0, 0, 64},
    {Opcode::Ctz, kMin, 0, 63},
    {Opcode::Popcnt, kOnes, 0, 64},
    {Opcode::Bswap, 0x0102030405060708, 0, 0x0807060504030201},
    {Opcode::Sext8, 0x80, 0, uint64_t(-128)},
    {Opcode::Sext16, 0x18000, 0, 0xffffffffffff8000},
    {Opcode::Sext32, 0x80000000, 0, 0xffffffff80000000},
    {Opcode::Sext32, 0x17fffffff, 0, 0x7fffffff},
    {Opcode::Zext8, kOnes, 0, 0xff},
    {Opcode::Zext16, kOnes, 0, 0xffff},
    {Opcode::Zext32, kOnes, 0, 0xffffffff},
};

TEST(FoldConstants, EvaluatesEveryOpLikeTheBackend) {
    for (const Row& r : kRows) {
        Block b;
        Builder ir(b);
        const Value a = ir.constant(int64_t(r.a)), c = ir.constant(int64_t(r.b));
        const Value v = info(r.op).nargs == 1 ? ir.emit(r.op, a) : ir.emit(r.op, a, c);
        ir.set_reg(1, v);
        fold_constants(b);
        EXPECT_EQ(b.insts[v].op, Opcode::Const) << info(r.op).name;
        EXPECT_EQ(uint64_t(b.insts[v].imm), r.want) << info(r.op).name << " " << r.a << ", " << r.b;
        EXPECT_EQ(verify(b), "");
    }
}

TEST(FoldConstants, PropagatesThroughChains) {
    Block b;
    Builder ir(b);
    const Value six = ir.constant(6), seven = ir.constant(7);
    const Value product = ir.emit(Opcode::Mul, six, seven);
    const Value sum = ir.emit(Opcode::Add, product, ir.constant(-2));
    ir.set_reg(10, ir.emit(Opcode::Sext32, sum));
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v5 = Const 0x28\n"
              "SetReg v5, x10\n"
              "exit to engine at 0x0\n");
}

// Each identity leaves the SetReg using v0 (the register read) or a constant.
TEST(FoldConstants, AlgebraicIdentities) {
    struct Case {
        Opcode op;
        int64_t c;         // second operand, or x itself when kSelf
        const char* want;  // what SetReg stores
    };
    constexpr int64_t kSelf = 0x5e1f;
    const Case cases[] = {
        {Opcode::Add, 0, "v0"},        {Opcode::Sub, 0, "v0"},
        {Opcode::Or, 0, "v0"},         {Opcode::Xor, 0, "v0"},
        {Opcode::And, -1, "v0"},       {Opcode::Shl, 0, "v0"},
        {Opcode::Shr, 64, "v0"},       {Opcode::Sar, 128, "v0"},
        {Opcode::Rotr, 0, "v0"},       {Opcode::Mul, 1, "v0"},
        {Opcode::Div, 1, "v0"},        {Opcode::DivU, 1, "v0"},
        {Opcode::And, kSelf, "v0"},    {Opcode::Or, kSelf, "v0"},
        {Opcode::And, 0, "0x0"},       {Opcode::Mul, 0, "0x0"},
        {Opcode::Or, -1, "-0x1"},      {Opcode::Rem, 1, "0x0"},
        {Opcode::RemU, 1, "0x0"},      {Opcode::Sub, kSelf, "0x0"},
        {Opcode::Xor, kSelf, "0x0"},   {Opcode::CmpEq, kSelf, "0x1"},
        {Opcode::CmpLt, kSelf, "0x0"}, {Opcode::CmpGeU, kSelf, "0x1"},
        {Opcode::CmpLtU, 0, "0x0"},    {Opcode::MulHU, 0, "0x0"},
    };
    for (const Case& c : cases) {
        Block b;
        Builder ir(b);
        const Value x = ir.get_reg(5);
        const Value y = c.c == kSelf ? x : ir.constant(c.c);
        ir.set_reg(6, ir.emit(c.op, x, y));
        fold_constants(b);
        remove_dead_code(b);
        const std::string l = listing(b);
        SCOPED_TRACE(std::string(info(c.op).name) + "\n" + l);
        EXPECT_EQ(verify(b), "");
        if (std::string(c.want) == "v0") {
            EXPECT_NE(l.find("SetReg v0, x6"), std::string::npos);
            EXPECT_EQ(live(b), 2u);
        } else {
            EXPECT_NE(l.find(std::string("= Const ") + c.want + "\nSetReg"), std::string::npos);
        }
    }
}

TEST(FoldConstants, ConstantOnTheLeftOfACommutativeOp) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5);
    ir.set_reg(6, ir.emit(Opcode::Add, ir.constant(0), x));
    ir.set_reg(7, ir.emit(Opcode::Mul, ir.constant(3), x));
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x5\n"
              "SetReg v0, x6\n"
              "v4 = Const 0x3\n"
              "v5 = Mul v0, v4\n"
              "SetReg v5, x7\n"
              "exit to engine at 0x0\n");
}

TEST(FoldConstants, RedundantExtensionsAndLoadWidths) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5);
    const Value w = ir.emit(Opcode::Sext32, x);
    ir.set_reg(6, ir.emit(Opcode::Sext32, w));  // Sext32 of Sext32
    const Value lw = ir.emit(Opcode::Load32S, x, kNoValue, kNoValue, 0x100);
    ir.set_reg(7, ir.emit(Opcode::Sext32, lw));  // lw is already sign-extended
    const Value lwu = ir.emit(Opcode::Load32U, x, kNoValue, kNoValue, 0x104);
    ir.set_reg(8, ir.emit(Opcode::Zext32, lwu));                         // lwu zero-extended
    ir.set_reg(9, ir.emit(Opcode::Sext32, ir.emit(Opcode::Zext16, x)));  // 16 bits fit in 32 signed
    ir.set_reg(11, ir.emit(Opcode::Zext32, w));                          // reads x's low half only
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x5\n"
              "v1 = Sext32 v0\n"
              "SetReg v1, x6\n"
              "v4 = Load32S v0 ; pc 0x100\n"
              "SetReg v4, x7\n"
              "v7 = Load32U v0 ; pc 0x104\n"
              "SetReg v7, x8\n"
              "v10 = Zext16 v0\n"
              "SetReg v10, x9\n"
              "v13 = Zext32 v0\n"
              "SetReg v13, x11\n"
              "exit to engine at 0x0\n");
}

// Shifts move the known width: srliw's result (a zero-extended word shifted right
// by at least one) is its own sign extension, as is a sign-extended word shifted
// right arithmetically or a byte shifted left by 8; a word shifted left is not.
TEST(FoldConstants, ShiftsNarrowOrWidenKnownExtensions) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5);
    const Value srl = ir.emit(Opcode::Shr, ir.emit(Opcode::Zext32, x), ir.constant(6));
    ir.set_reg(6, ir.emit(Opcode::Sext32, srl));
    const Value w = ir.emit(Opcode::Sext32, x);
    ir.set_reg(7, ir.emit(Opcode::Sext32, ir.emit(Opcode::Sar, w, ir.constant(3))));
    const Value byte = ir.emit(Opcode::Zext8, x);
    ir.set_reg(8, ir.emit(Opcode::Sext32, ir.emit(Opcode::Shl, byte, ir.constant(8))));
    ir.set_reg(9, ir.emit(Opcode::Sext32, ir.emit(Opcode::Shl, w, ir.constant(1))));
    ir.set_reg(11, ir.emit(Opcode::Sext32, ir.emit(Opcode::Shr, x, ir.constant(0))));
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x5\n"
              "v1 = Const 0x6\n"
              "v2 = Zext32 v0\n"
              "v3 = Shr v2, v1\n"
              "SetReg v3, x6\n"
              "v6 = Sext32 v0\n"
              "v7 = Const 0x3\n"
              "v8 = Sar v6, v7\n"
              "SetReg v8, x7\n"
              "v11 = Zext8 v0\n"
              "v12 = Const 0x8\n"
              "v13 = Shl v11, v12\n"
              "SetReg v13, x8\n"
              "v16 = Const 0x1\n"
              "v17 = Shl v6, v16\n"
              "v18 = Sext32 v17\n"
              "SetReg v18, x9\n"
              "v22 = Sext32 v0\n"
              "SetReg v22, x11\n"
              "exit to engine at 0x0\n");
}

// zext.w / zext.h / zext.b written as a shift pair (slli + srli) become one
// extension; other shift amounts stay shifts.
TEST(FoldConstants, ShiftPairsThatZeroExtend) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5);
    for (const int64_t c : {32, 48, 56, 40}) {
        const Value cv = ir.constant(c);
        ir.set_reg(6, ir.emit(Opcode::Shr, ir.emit(Opcode::Shl, x, cv), cv));
    }
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x5\n"
              "v3 = Zext32 v0\n"
              "SetReg v3, x6\n"
              "v7 = Zext16 v0\n"
              "SetReg v7, x6\n"
              "v11 = Zext8 v0\n"
              "SetReg v11, x6\n"
              "v13 = Const 0x28\n"
              "v14 = Shl v0, v13\n"
              "v15 = Shr v14, v13\n"
              "SetReg v15, x6\n"
              "exit to engine at 0x0\n");
}

// addi a0, a0, 1; addi a0, a0, 2 (after forwarding): the second add starts from a0.
TEST(FoldConstants, ReassociatesAddOfConstants) {
    Block b;
    Builder ir(b);
    const Value a0 = ir.get_reg(10);
    const Value first = ir.emit(Opcode::Add, a0, ir.constant(1));
    ir.set_reg(10, first);
    ir.set_reg(10, ir.emit(Opcode::Add, first, ir.constant(2)));
    fold_constants(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x10\n"
              "v1 = Const 0x1\n"
              "v2 = Add v0, v1\n"
              "SetReg v2, x10\n"
              "v4 = Const 0x3\n"
              "v5 = Add v0, v4\n"
              "SetReg v5, x10\n"
              "exit to engine at 0x0\n");
}

// The second constant has another user, the first add has no other: the first
// add's constant becomes the sum and the second add goes.
TEST(FoldConstants, ReassociatesIntoTheInnerConstantWhenTheOuterIsShared) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(10);
    const Value inner = ir.emit(Opcode::Add, x, ir.constant(16));
    const Value eight = ir.constant(8);
    ir.set_reg(11, ir.emit(Opcode::Add, inner, eight));
    ir.set_reg(12, eight);
    fold_constants(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x10\n"
              "v1 = Const 0x18\n"
              "v2 = Add v0, v1\n"
              "v3 = Const 0x8\n"
              "SetReg v2, x11\n"
              "SetReg v3, x12\n"
              "exit to engine at 0x0\n");
}

TEST(FoldConstants, AddsThatCancelOut) {
    Block b;
    Builder ir(b);
    const Value sp = ir.get_reg(2);
    const Value down = ir.emit(Opcode::Add, sp, ir.constant(-16));
    ir.set_reg(2, ir.emit(Opcode::Add, down, ir.constant(16)));
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b), "v0 = GetReg x2\nSetReg v0, x2\nexit to engine at 0x0\n");
}

TEST(FoldConstants, SelectOnAConstantPicksAnArgument) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5), y = ir.get_reg(6);
    const Value minus1 = ir.constant(-1), zero = ir.constant(0);
    ir.set_reg(7, ir.emit(Opcode::Select, ir.emit(Opcode::CmpLt, minus1, zero), x, y));
    ir.set_reg(8, ir.emit(Opcode::Select, ir.constant(0), x, y));
    ir.set_reg(9, ir.emit(Opcode::Select, ir.get_reg(9), x, x));
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x5\n"
              "v1 = GetReg x6\n"
              "SetReg v0, x7\n"
              "SetReg v1, x8\n"
              "SetReg v0, x9\n"
              "exit to engine at 0x0\n");
}

// sltu t0, a, b; bnez t0: the branch tests the comparison itself.
TEST(FoldConstants, BranchOnNotEqualZeroTestsTheValue) {
    Block b;
    Builder ir(b);
    const Value a = ir.get_reg(10), c = ir.get_reg(11);
    const Value lt = ir.emit(Opcode::CmpLtU, a, c);
    b.term = {Terminal::Kind::Branch, ir.emit(Opcode::CmpNe, lt, ir.get_reg(0)), 0x80, 0x84};
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x10\n"
              "v1 = GetReg x11\n"
              "v2 = CmpLtU v0, v1\n"
              "branch v2 ? 0x80 : 0x84\n");
}

// beqz a0 and min(a, b) == 0 ? ... : ...: the branch and the select test a0 with
// their outcomes swapped.
TEST(FoldConstants, TestForZeroSwapsTheOutcomes) {
    Block b;
    Builder ir(b);
    const Value a0 = ir.get_reg(10), a1 = ir.get_reg(11), zero = ir.get_reg(0);
    ir.set_reg(12, ir.emit(Opcode::Select, ir.emit(Opcode::CmpEq, zero, a0), a0, a1));
    b.term = {Terminal::Kind::Branch, ir.emit(Opcode::CmpEq, a0, ir.get_reg(0)), 0x80, 0x84};
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x10\n"
              "v1 = GetReg x11\n"
              "v4 = Select v0, v1, v0\n"
              "SetReg v4, x12\n"
              "branch v0 ? 0x84 : 0x80\n");
}

TEST(FoldConstants, BranchOnAConstantBecomesAJump) {
    for (const auto& [x, target] : {std::pair{1, 0x80}, std::pair{0, 0x84}}) {
        Block b;
        Builder ir(b);
        b.term = {Terminal::Kind::Branch, ir.emit(Opcode::CmpEq, ir.constant(x), ir.get_reg(0)),
                  0x84, 0x80};
        fold_constants(b);
        EXPECT_EQ(b.term.kind, Terminal::Kind::Jump);
        EXPECT_EQ(b.term.taken, uint64_t(target));
        EXPECT_EQ(b.term.value, kNoValue);
        EXPECT_EQ(verify(b), "");
    }
}

// auipc t0, 0; jalr ra, 16(t0)
TEST(FoldConstants, IndirectJumpToAConstantBecomesAJump) {
    Block b;
    Builder ir(b);
    const Value t0 = ir.constant(0x1000);
    ir.set_reg(5, t0);
    const Value sum = ir.emit(Opcode::Add, t0, ir.constant(17));
    const Value target = ir.emit(Opcode::And, sum, ir.constant(-2));
    ir.set_reg(1, ir.constant(0x1008));
    b.term = {Terminal::Kind::Indirect, target, 0, 0};
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = Const 0x1000\n"
              "SetReg v0, x5\n"
              "v6 = Const 0x1008\n"
              "SetReg v6, x1\n"
              "jump 0x1010\n");
}

TEST(FoldConstants, NeverRemovesEffects) {
    Block b;
    Builder ir(b);
    const Value base = ir.constant(0x2000), offset = ir.constant(8);
    const Value addr = ir.emit(Opcode::Add, base, offset);
    ir.emit(Opcode::Load64, addr, kNoValue, kNoValue, 0x10);
    ir.emit(Opcode::Store32, addr, ir.constant(0), kNoValue, 0x14);
    ir.emit(Opcode::Call1, addr, kNoValue, kNoValue, 3);
    ir.set_reg(3, addr);
    fold_constants(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v2 = Const 0x2008\n"
              "v3 = Load64 v2 ; pc 0x10\n"
              "v4 = Const 0x0\n"
              "Store32 v2, v4 ; pc 0x14\n"
              "v6 = Call1 v2 [helper 3]\n"
              "SetReg v2, x3\n"
              "exit to engine at 0x0\n");
}

}  // namespace
}  // namespace xvm::ir::test
