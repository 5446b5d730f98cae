#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"

namespace xvm::ir::test {
namespace {

// add a0, a1, a2; add a3, a0, a0: the second instruction's reads of a0 use v2.
TEST(ForwardRegisters, ReadAfterWriteUsesTheStoredValue) {
    Block b;
    Builder ir(b);
    const Value a1 = ir.get_reg(11), a2 = ir.get_reg(12);
    ir.set_reg(10, ir.emit(Opcode::Add, a1, a2));
    const Value x = ir.get_reg(10), y = ir.get_reg(10);
    ir.set_reg(13, ir.emit(Opcode::Add, x, y));
    forward_registers(b);
    EXPECT_EQ(verify(b), "");
    EXPECT_EQ(listing(b),
              "v0 = GetReg x11\n"
              "v1 = GetReg x12\n"
              "v2 = Add v0, v1\n"
              "SetReg v2, x10\n"
              "v6 = Add v2, v2\n"
              "SetReg v6, x13\n"
              "exit to engine at 0x0\n");
}

TEST(ForwardRegisters, RepeatedReadsUseTheFirst) {
    Block b;
    Builder ir(b);
    const Value first = ir.get_reg(2);
    ir.set_reg(5, first);
    const Value second = ir.get_reg(2);
    b.term = {Terminal::Kind::Indirect, second, 0, 0};
    forward_registers(b);
    EXPECT_EQ(listing(b), "v0 = GetReg x2\nSetReg v0, x5\njump indirect v0\n");
}

// Guest memory and the FP helpers never write x or f registers.
TEST(ForwardRegisters, LoadsStoresAndCallsDoNotInvalidate) {
    Block b;
    Builder ir(b);
    const Value sp = ir.get_reg(2);
    const Value fa0 = ir.emit(Opcode::GetReg, kNoValue, kNoValue, kNoValue, 32 + 10);
    ir.emit(Opcode::Store64, sp, fa0, kNoValue, 0x100);
    ir.emit(Opcode::Load64, sp, kNoValue, kNoValue, 0x104);
    const Value again = ir.emit(Opcode::GetReg, kNoValue, kNoValue, kNoValue, 32 + 10);
    ir.emit(Opcode::Call1, again, kNoValue, kNoValue, 0);
    ir.set_reg(3, ir.get_reg(2));
    forward_registers(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x2\n"
              "v1 = GetReg f10\n"
              "Store64 v0, v1 ; pc 0x100\n"
              "v3 = Load64 v0 ; pc 0x104\n"
              "v5 = Call1 v1 [helper 0]\n"
              "SetReg v0, x3\n"
              "exit to engine at 0x0\n");
}

TEST(ForwardRegisters, RegistersAreIndependent) {
    Block b;
    Builder ir(b);
    const Value one = ir.constant(1);
    ir.set_reg(5, one);
    const Value t1 = ir.get_reg(6);  // not x5
    ir.set_reg(6, ir.get_reg(5));    // x5 is known: v0
    const Value t1_new = ir.get_reg(6);
    ir.set_reg(7, ir.emit(Opcode::Sub, t1_new, t1));
    forward_registers(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b),
              "v0 = Const 0x1\n"
              "SetReg v0, x5\n"
              "v2 = GetReg x6\n"
              "SetReg v0, x6\n"
              "v6 = Sub v0, v2\n"
              "SetReg v6, x7\n"
              "exit to engine at 0x0\n");
}

}  // namespace
}  // namespace xvm::ir::test
