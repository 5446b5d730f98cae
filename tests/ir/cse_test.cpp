#include <gtest/gtest.h>

#include "ir/passes.h"

namespace xvm::ir {
namespace {

TEST(Cse, RepeatedPureValuesAreShared) {
    Block b;
    Builder ir(b);
    const Value r = ir.get_reg(12);
    const Value z1 = ir.emit(Opcode::Zext32, r);
    const Value s1 = ir.emit(Opcode::Shr, z1, ir.constant(19));
    const Value z2 = ir.emit(Opcode::Zext32, r);                 // same as z1
    const Value s2 = ir.emit(Opcode::Shr, z2, ir.constant(19));  // same as s1 once z2 = z1
    const Value sum = ir.emit(Opcode::Add, s1, s2);
    const Value sum2 = ir.emit(Opcode::Add, s2, s1);  // commutative match
    ir.set_reg(10, sum);
    ir.set_reg(11, sum2);
    b.term = {Terminal::Kind::Jump, kNoValue, 0x1000, 0};
    eliminate_common_subexpressions(b);
    EXPECT_EQ(verify(b), "");
    EXPECT_EQ(b.insts[z2].op, Opcode::Nop);
    EXPECT_EQ(b.insts[s2].op, Opcode::Nop);
    EXPECT_EQ(b.insts[sum2].op, Opcode::Nop);
    EXPECT_EQ(b.insts[sum].args[0], s1);
    EXPECT_EQ(b.insts[sum].args[1], s1);
    // The second SetReg now stores the shared sum.
    EXPECT_EQ(b.insts.back().args[0], sum);
}

TEST(Cse, MemoryAndCallsAreNeverMerged) {
    Block b;
    Builder ir(b);
    const Value a = ir.get_reg(10);
    const Value l1 = ir.emit(Opcode::Load64, a, kNoValue, kNoValue, 0x1000);
    const Value l2 = ir.emit(Opcode::Load64, a, kNoValue, kNoValue, 0x1000);
    const Value c1 = ir.emit(Opcode::Call1, a, kNoValue, kNoValue, 1);
    const Value c2 = ir.emit(Opcode::Call1, a, kNoValue, kNoValue, 1);
    ir.set_reg(11, ir.emit(Opcode::Add, l1, l2));
    ir.set_reg(12, ir.emit(Opcode::Add, c1, c2));
    b.term = {Terminal::Kind::Jump, kNoValue, 0x1000, 0};
    eliminate_common_subexpressions(b);
    EXPECT_EQ(b.insts[l2].op, Opcode::Load64);
    EXPECT_EQ(b.insts[c2].op, Opcode::Call1);
}

}  // namespace
}  // namespace xvm::ir
