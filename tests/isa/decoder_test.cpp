#include <gtest/gtest.h>

#include "isa/riscv/insn.h"

namespace xvm::riscv {
namespace {

TEST(Decoder, EveryTableRowDecodesToItself) {
    // The row's own match pattern, with all free fields zero, must decode to the row
    // (rows must not shadow each other).
    for (unsigned i = 0; i < kOpCount - 1; ++i) {
        const InsnInfo& in = kInsnInfo[i];
        uint32_t w = in.match;
        if (in.format == Format::R4 || in.format == Format::Rm || in.format == Format::Rm1)
            w |= 7u << 12;  // dyn rounding mode
        Decoded d = decode(w);
        EXPECT_EQ(static_cast<unsigned>(d.op), i) << in.mnemonic;
    }
}

TEST(Decoder, ImmediatesAndRegisters) {
    Decoded d = decode(0xfff50513);  // addi a0,a0,-1
    EXPECT_EQ(d.op, Op::addi);
    EXPECT_EQ(d.rd, 10);
    EXPECT_EQ(d.rs1, 10);
    EXPECT_EQ(d.imm, -1);

    d = decode(0x00b50463);  // beq a0,a1,+8
    EXPECT_EQ(d.op, Op::beq);
    EXPECT_EQ(d.imm, 8);

    d = decode(0xffdff06f);  // jal zero,-4
    EXPECT_EQ(d.op, Op::jal);
    EXPECT_EQ(d.imm, -4);

    d = decode(0x123452b7);  // lui t0,0x12345
    EXPECT_EQ(d.op, Op::lui);
    EXPECT_EQ(d.imm, 0x12345000);
}

TEST(Decoder, CompressedExpandsToBaseForm) {
    Decoded d = decode(0x1141);  // c.addi sp,-16
    EXPECT_EQ(d.op, Op::addi);
    EXPECT_EQ(d.len, 2);
    EXPECT_EQ(d.rd, 2);
    EXPECT_EQ(d.imm, -16);

    d = decode(0x8082);  // c.jr ra  (ret)
    EXPECT_EQ(d.op, Op::jalr);
    EXPECT_EQ(d.rd, 0);
    EXPECT_EQ(d.rs1, 1);

    d = decode(0x852e);  // c.mv a0,a1
    EXPECT_EQ(d.op, Op::add);
    EXPECT_EQ(d.rd, 10);
    EXPECT_EQ(d.rs2, 11);

    d = decode(0x9002);  // c.ebreak
    EXPECT_EQ(d.op, Op::ebreak);
}

TEST(Decoder, ReservedEncodingsAreIllegal) {
    EXPECT_EQ(decode(0x0000).op, Op::illegal);      // all-zero halfword
    EXPECT_EQ(decode(0xffffffff).op, Op::illegal);  // >32-bit encoding
    EXPECT_EQ(decode(0x6101).op, Op::illegal);      // c.addi16sp with imm 0
    EXPECT_EQ(decode(0x8002).op, Op::illegal);      // c.jr x0
    EXPECT_EQ(decode(0x4002).op, Op::illegal);      // c.lwsp x0
    // fadd.d with reserved rounding mode 5
    EXPECT_EQ(decode(0x02b55553).op, Op::illegal);
}

}  // namespace
}  // namespace xvm::riscv
