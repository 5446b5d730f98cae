#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"

namespace xvm::ir::test {
namespace {

TEST(RemoveDeadStores, OverwrittenStoreGoes) {
    Block b;
    Builder ir(b);
    const Value a = ir.constant(1), c = ir.constant(2);
    ir.set_reg(10, a);
    ir.emit(Opcode::Call0, kNoValue, kNoValue, kNoValue, 0);  // cannot fault
    ir.set_reg(10, c);
    remove_dead_stores(b);
    EXPECT_EQ(listing(b),
              "v0 = Const 0x1\n"
              "v1 = Const 0x2\n"
              "v3 = Call0 [helper 0]\n"
              "SetReg v1, x10\n"
              "exit to engine at 0x0\n");
}

// A load or store can fault; the trap needs the guest registers current.
TEST(RemoveDeadStores, StoreBeforeAFaultingAccessStays) {
    for (Opcode access : {Opcode::Load8U, Opcode::Store64}) {
        Block b;
        Builder ir(b);
        const Value a = ir.constant(1), c = ir.constant(2), addr = ir.get_reg(2);
        ir.set_reg(10, a);
        ir.emit(access, addr, access == Opcode::Load8U ? kNoValue : a, kNoValue, 0x40);
        ir.set_reg(10, c);
        const std::string before = listing(b);
        remove_dead_stores(b);
        EXPECT_EQ(listing(b), before);
    }
}

// Without forwarding a GetReg can sit between the two writes.
TEST(RemoveDeadStores, StoreThatIsReadStays) {
    Block b;
    Builder ir(b);
    ir.set_reg(10, ir.constant(1));
    ir.set_reg(11, ir.get_reg(10));
    ir.set_reg(10, ir.constant(2));
    const std::string before = listing(b);
    remove_dead_stores(b);
    EXPECT_EQ(listing(b), before);
}

TEST(RemoveDeadStores, OtherRegistersAndTheLastStoreStay) {
    Block b;
    Builder ir(b);
    const Value a = ir.constant(1);
    ir.set_reg(10, a);
    ir.set_reg(11, a);
    ir.emit(Opcode::SetReg, a, kNoValue, kNoValue, 32 + 10);  // fa0, not a0
    const std::string before = listing(b);
    remove_dead_stores(b);
    EXPECT_EQ(listing(b), before);
}

// mv a0, a0 and "a0 = a0 + 0" after folding: the register already holds the value.
TEST(RemoveDeadStores, WritingBackTheSameValueGoes) {
    Block b;
    Builder ir(b);
    const Value a0 = ir.get_reg(10);
    ir.emit(Opcode::Load64, a0, kNoValue, kNoValue, 0x40);
    ir.set_reg(10, a0);
    const Value one = ir.constant(1);
    ir.set_reg(11, one);
    ir.emit(Opcode::Store8, a0, one, kNoValue, 0x44);
    ir.set_reg(11, one);
    remove_dead_stores(b);
    EXPECT_EQ(listing(b),
              "v0 = GetReg x10\n"
              "v1 = Load64 v0 ; pc 0x40\n"
              "v3 = Const 0x1\n"
              "SetReg v3, x11\n"
              "Store8 v0, v3 ; pc 0x44\n"
              "exit to engine at 0x0\n");
}

// x = a; load; x = b; x = a: dropping the middle write makes the last one a no-op.
TEST(RemoveDeadStores, OverwriteThenRewrite) {
    Block b;
    Builder ir(b);
    const Value a = ir.constant(1), c = ir.constant(2);
    ir.set_reg(10, a);
    ir.emit(Opcode::Load64, a, kNoValue, kNoValue, 0x40);
    ir.set_reg(10, c);
    ir.set_reg(10, a);
    remove_dead_stores(b);
    EXPECT_EQ(listing(b),
              "v0 = Const 0x1\n"
              "v1 = Const 0x2\n"
              "SetReg v0, x10\n"
              "v3 = Load64 v0 ; pc 0x40\n"
              "exit to engine at 0x0\n");
}

}  // namespace
}  // namespace xvm::ir::test
