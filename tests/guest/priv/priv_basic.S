#include "priv.h"
main:
    /* misa: RV64 with I M A F D C S U */
    csrr t1, misa
    srli t2, t1, 62
    CHECK_EQ(1, t2, 2)
    csrr t1, mhartid
    CHECK_EQ(2, t1, 0)
    li t1, 0x1234
    csrw mscratch, t1
    csrr t2, mscratch
    CHECK_EQ(3, t2, 0x1234)

    /* illegal instruction: cause 2, tval = the instruction bits */
    EXPECT_TRAP(4, 2, 1f)
    .word 0xffffffff
1:  li t0, 0xffffffff
    li a0, 5
    bne t6, t0, fail

    /* ecall from M: cause 11; ebreak: cause 3 with tval = pc or 0 (both allowed) */
    EXPECT_TRAP(6, 11, 1f)
    ecall
1:  EXPECT_TRAP(7, 3, 1f)
2:  ebreak
1:  la t0, 2b
    beq t6, t0, 1f
    li a0, 8
    bnez t6, fail
1:

    /* mret to S mode, ecall there: cause 9 */
    EXPECT_TRAP(9, 9, 1f)
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  ecall
1:
    /* mret to U mode: ecall is cause 8; reading mstatus there is illegal */
    EXPECT_TRAP(10, 8, 1f)
    li t0, 3 << 11
    csrc mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  ecall
1:  EXPECT_TRAP(11, 2, 1f)
    li t0, 3 << 11
    csrc mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  csrr t1, mstatus
1:
    /* delegation: ecall from U goes to S (scause 8), whose handler comes back */
    li t0, 1 << 8
    csrw medeleg, t0
    EXPECT_TRAP(12, 8, 1f)
    li t0, 3 << 11
    csrc mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  ecall
1:  csrw medeleg, zero
    /* the S handler left scause 8 in t5 before its own ecall (cause 9) */
    csrr t1, scause
    CHECK_EQ(13, t1, 8)

    /* sret and wfi are illegal in U mode; satp ignores unsupported modes */
    EXPECT_TRAP(14, 2, 1f)
    li t0, 3 << 11
    csrc mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  wfi
1:  li t1, 11 << 60
    csrw satp, t1
    csrr t2, satp
    CHECK_EQ(15, t2, 0)
    li t1, 8 << 60
    csrw satp, t1
    csrr t2, satp
    CHECK_EQ(16, t2, 8 << 60)
    csrw satp, zero

    /* FP is illegal with mstatus.FS off, and using it sets FS dirty */
    li t0, 3 << 13
    csrc mstatus, t0
    EXPECT_TRAP(17, 2, 1f)
    fadd.d f0, f0, f0
1:  li t0, 1 << 13
    csrs mstatus, t0
    fadd.d f0, f0, f0
    csrr t1, mstatus
    srli t1, t1, 13
    andi t1, t1, 3
    CHECK_EQ(18, t1, 3)
    j pass
