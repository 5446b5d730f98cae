#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"

namespace xvm::ir::test {
namespace {

TEST(RemoveDeadCode, UnusedChainsGoToTheFixpoint) {
    Block b;
    Builder ir(b);
    const Value x = ir.get_reg(5);
    const Value shifted = ir.emit(Opcode::Shl, x, ir.constant(3));
    ir.emit(Opcode::Sext32, ir.emit(Opcode::Add, shifted, x));
    ir.set_reg(6, x);
    remove_dead_code(b);
    EXPECT_EQ(verify(b), "");
    EXPECT_EQ(listing(b), "v0 = GetReg x5\nSetReg v0, x6\nexit to engine at 0x0\n");
    for (const Inst& in : b.insts) {
        if (in.op == Opcode::Nop) {
            EXPECT_EQ(in.args[0], kNoValue);
        }
    }
}

// Loads can fault and calls set fflags: they stay, and so do their arguments.
TEST(RemoveDeadCode, EffectsStay) {
    Block b;
    Builder ir(b);
    const Value addr = ir.get_reg(2);
    ir.emit(Opcode::Load32S, addr, kNoValue, kNoValue, 0x10);
    ir.emit(Opcode::Call2, addr, addr, kNoValue, 1);
    ir.emit(Opcode::Store16, addr, addr, kNoValue, 0x14);
    ir.set_reg(1, addr);
    const std::string before = listing(b);
    remove_dead_code(b);
    EXPECT_EQ(listing(b), before);
}

TEST(RemoveDeadCode, TheTerminalIsAUse) {
    Block b;
    Builder ir(b);
    const Value a = ir.get_reg(10), c = ir.get_reg(11);
    b.term = {Terminal::Kind::Branch, ir.emit(Opcode::CmpLt, a, c), 0x100, 0x104};
    remove_dead_code(b);
    EXPECT_EQ(live(b), 3u);
}

}  // namespace
}  // namespace xvm::ir::test
