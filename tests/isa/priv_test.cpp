#include "isa/riscv/priv.h"

#include <gtest/gtest.h>

namespace xvm::riscv {
namespace {

using namespace mstatus;

struct PrivTest : ::testing::Test {
    Cpu cpu;
    PrivState ps{0};
    uint64_t read(uint32_t csr) {
        uint64_t v = 0;
        EXPECT_TRUE(ps.csr_read(cpu, csr, 0, v)) << std::hex << csr;
        return v;
    }
    void write(uint32_t csr, uint64_t v) {
        EXPECT_TRUE(ps.csr_write(cpu, csr, v)) << std::hex << csr;
    }
};

TEST_F(PrivTest, ResetsToMachineModeWithRv64Misa) {
    EXPECT_EQ(ps.priv, Priv::M);
    const uint64_t misa = read(0x301);
    EXPECT_EQ(misa >> 62, 2u);
    for (char c : {'I', 'M', 'A', 'F', 'D', 'C', 'S', 'U'})
        EXPECT_TRUE((misa >> (c - 'A')) & 1) << c;
    EXPECT_EQ((read(0x300) >> 32) & 3, 2u);  // UXL = 64
}

TEST_F(PrivTest, TrapsGoToMachineModeUnlessDelegated) {
    write(0x305, 0x80000000);  // mtvec
    write(0x105, 0x80001000);  // stvec
    ps.priv = Priv::U;
    cpu.pc = 0x1234;
    EXPECT_EQ(ps.take_trap(cpu, kExcEcallU, 0), 0x80000000u);
    EXPECT_EQ(ps.priv, Priv::M);
    EXPECT_EQ(read(0x341), 0x1234u);  // mepc
    EXPECT_EQ(read(0x342), kExcEcallU);
    EXPECT_EQ((read(0x300) >> 11) & 3, 0u);  // MPP = U

    write(0x302, 1u << kExcEcallU);  // medeleg
    ps.priv = Priv::U;
    EXPECT_EQ(ps.take_trap(cpu, kExcEcallU, 0), 0x80001000u);
    EXPECT_EQ(ps.priv, Priv::S);
    EXPECT_EQ(read(0x142), kExcEcallU);  // scause
    EXPECT_FALSE(read(0x100) & SPP);
}

TEST_F(PrivTest, VectoredInterruptsOffsetByCause) {
    write(0x305, 0x80000001);
    ps.priv = Priv::U;
    EXPECT_EQ(ps.take_trap(cpu, kInterruptBit | kIrqMTimer, 0), 0x80000000u + 4 * kIrqMTimer);
    ps.priv = Priv::U;
    EXPECT_EQ(ps.take_trap(cpu, kExcIllegal, 0), 0x80000000u);  // exceptions are not vectored
}

TEST_F(PrivTest, MretRestoresPrivilegeAndInterruptEnable) {
    write(0x300, MPIE | (1ull << 11) | MPRV);  // MPP = S
    write(0x341, 0x4000);
    uint64_t pc = 0;
    ASSERT_TRUE(ps.mret(cpu, pc));
    EXPECT_EQ(pc, 0x4000u);
    EXPECT_EQ(ps.priv, Priv::S);
    const uint64_t s = ps.mstatus();
    EXPECT_TRUE(s & MIE);
    EXPECT_TRUE(s & MPIE);
    EXPECT_FALSE(s & MPRV);  // returning below M clears MPRV
    EXPECT_EQ((s >> 11) & 3, 0u);
    EXPECT_FALSE(ps.mret(cpu, pc));  // illegal in S
}

TEST_F(PrivTest, SretHonoursTsr) {
    write(0x300, TSR);
    ps.priv = Priv::S;
    uint64_t pc = 0;
    EXPECT_FALSE(ps.sret(cpu, pc));
    ps.priv = Priv::M;
    write(0x300, SPP | SPIE);
    write(0x141, 0x8000);
    ASSERT_TRUE(ps.sret(cpu, pc));
    EXPECT_EQ(ps.priv, Priv::S);
    EXPECT_EQ(pc, 0x8000u);
}

TEST_F(PrivTest, SatpIgnoresUnsupportedModes) {
    write(0x180, 10ull << 60 | 0x1234);  // Sv57
    EXPECT_EQ(read(0x180) >> 60, 10u);
    write(0x180, 11ull << 60);  // Sv64: reserved, satp unchanged
    EXPECT_EQ(read(0x180), 10ull << 60 | 0x1234);
    write(0x180, 8ull << 60 | 5);
    EXPECT_EQ(read(0x180), 8ull << 60 | 5);
}

TEST_F(PrivTest, CsrPrivilegeAndReadOnlyRules) {
    uint64_t v;
    ps.priv = Priv::S;
    EXPECT_FALSE(ps.csr_read(cpu, 0x300, 0, v));  // mstatus from S
    EXPECT_TRUE(ps.csr_read(cpu, 0x100, 0, v));   // sstatus
    EXPECT_FALSE(ps.csr_write(cpu, 0xc01, 1));    // time is read-only
    EXPECT_FALSE(ps.csr_read(cpu, 0xc01, 0, v));  // mcounteren.TM clear
    ps.priv = Priv::M;
    write(0x306, 2);
    ps.priv = Priv::S;
    EXPECT_TRUE(ps.csr_read(cpu, 0xc01, 77, v));
    EXPECT_EQ(v, 77u);
    ps.priv = Priv::M;
    write(0x300, TVM);
    ps.priv = Priv::S;
    EXPECT_FALSE(ps.csr_write(cpu, 0x180, 0));    // satp trapped by TVM
    EXPECT_FALSE(ps.csr_read(cpu, 0x7b0, 0, v));  // dcsr: not implemented
}

TEST_F(PrivTest, FpCsrsNeedFsOnAndMarkItDirty) {
    uint64_t v;
    EXPECT_FALSE(ps.csr_read(cpu, 0x001, 0, v));
    write(0x300, 1ull << 13);  // FS = Initial
    write(0x001, 0x1f);
    EXPECT_EQ((read(0x300) >> 13) & 3, 3u);
    EXPECT_TRUE(read(0x300) >> 63);  // SD
}

TEST_F(PrivTest, InterruptPriorityAndEnables) {
    write(0x304, ~0ull);  // mie: everything
    ps.set_irq_line(kIrqMTimer, true);
    ps.set_irq_line(kIrqMExt, true);
    ps.priv = Priv::M;
    EXPECT_EQ(ps.pending_interrupt(0), 0u);  // MIE clear in M mode
    write(0x300, MIE);
    EXPECT_EQ(ps.pending_interrupt(0), kInterruptBit | kIrqMExt);
    ps.set_irq_line(kIrqMExt, false);
    EXPECT_EQ(ps.pending_interrupt(0), kInterruptBit | kIrqMTimer);
    ps.set_irq_line(kIrqMTimer, false);

    // A delegated S interrupt is not taken in M mode, and waits for SIE in S mode.
    write(0x303, 1u << kIrqSExt);
    ps.set_irq_line(kIrqSExt, true);
    EXPECT_EQ(ps.pending_interrupt(0), 0u);
    ps.priv = Priv::S;
    EXPECT_EQ(ps.pending_interrupt(0), 0u);
    ps.priv = Priv::U;
    EXPECT_EQ(ps.pending_interrupt(0), kInterruptBit | kIrqSExt);
    // An M-level interrupt beats a delegated one even if its bit ranks lower.
    ps.priv = Priv::M;
    write(0x344, 1u << kIrqSTimer);  // STIP by software, not delegated
    ps.priv = Priv::U;
    EXPECT_EQ(ps.pending_interrupt(0), kInterruptBit | kIrqSTimer);
}

TEST_F(PrivTest, SstcDrivesStip) {
    write(0x30a, 1ull << 63);  // menvcfg.STCE
    write(0x306, 2);           // mcounteren.TM
    write(0x14d, 1000);        // stimecmp
    EXPECT_FALSE(ps.mip(999) & (1u << kIrqSTimer));
    EXPECT_TRUE(ps.mip(1000) & (1u << kIrqSTimer));
}

// The engine reads the clock only for the CSRs csr_reads_time names and only
// when interrupts_need_time says the interrupt check looks at it.
TEST_F(PrivTest, TimeIsReadOnlyWhereItMatters) {
    write(0x30a, 1ull << 63);  // menvcfg.STCE
    write(0x306, 2);           // mcounteren.TM
    write(0x14d, 1000);        // stimecmp
    for (uint32_t csr = 0; csr < 0x1000; ++csr) {
        uint64_t early = 0, late = 0;
        const bool ok = ps.csr_read(cpu, csr, 1, early);
        ASSERT_EQ(ps.csr_read(cpu, csr, 5000, late), ok) << std::hex << csr;
        if (ok && early != late) {
            EXPECT_TRUE(PrivState::csr_reads_time(csr)) << std::hex << csr;
        }
    }
    EXPECT_TRUE(PrivState::csr_reads_time(0xc01));  // time

    for (const uint64_t mie : {uint64_t{0}, uint64_t{1} << kIrqSTimer, ~uint64_t{0}}) {
        ps.priv = Priv::M;
        write(0x304, mie);
        for (const uint64_t stce : {uint64_t{0}, uint64_t{1} << 63}) {
            write(0x30a, stce);
            ps.priv = Priv::U;
            if (ps.pending_interrupt(1) != ps.pending_interrupt(5000)) {
                EXPECT_TRUE(ps.interrupts_need_time()) << mie << " " << stce;
            }
            ps.priv = Priv::M;
        }
    }
    write(0x30a, 1ull << 63);
    write(0x304, 1u << kIrqSTimer);
    EXPECT_TRUE(ps.interrupts_need_time());
}

TEST_F(PrivTest, PmpLockedEntriesIgnoreWrites) {
    write(0x3b0, 0x1000);
    write(0x3a0, 0x80 | 0x18 | 0x7);  // locked NAPOT RWX
    write(0x3b0, 0x2000);
    EXPECT_EQ(read(0x3b0), 0x1000u);
    write(0x3a0, 0);
    EXPECT_EQ(read(0x3a0) & 0xff, 0x9fu);
    uint64_t v;
    EXPECT_FALSE(ps.csr_read(cpu, 0x3a1, 0, v));  // pmpcfg1 does not exist on RV64
}

}  // namespace
}  // namespace xvm::riscv
