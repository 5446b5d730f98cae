#include "priv.h"
/* Trap entry and return: ecall from each mode, the mstatus stacks on mret,
 * sret and trap entry, MPRV cleared by a return below M, vectored mtvec and
 * stvec (interrupts at base + 4 * cause, exceptions at base), and medeleg
 * delegation of every delegable exception that can be raised (privileged
 * spec, "Machine Trap Delegation Registers"). Cause 0 (instruction address
 * misaligned) cannot happen with the C extension: only its medeleg bit is
 * checked. */
#define MIE (1 << 3)
#define MPIE (1 << 7)
#define MPP (3 << 11)
#define SIE (1 << 1)
#define SPIE (1 << 5)
#define SPP (1 << 8)
#define MPRV (1 << 17)
#define MSTACK (MIE | MPIE | MPP)
#define SSTACK (SIE | SPIE | SPP)

/* A trap that S must take through s_deleg: it records scause, stval, sepc in
 * s2, s3, s4, then goes to M. Any trap taken by M directly fails with `id`. */
#define DELEG_TRAP(id, mode, ...) \
    li s2, -1;                    \
    la s10, 98f;                  \
    li s9, id;                    \
    li s8, -1;                    \
    GOTO_MODE(mode, 97f);         \
97: __VA_ARGS__;                  \
    li a0, id;                    \
    j fail;                       \
98: li s8, -1

    .data
    .align 12
deny_page: .dword 0
    .align 12
root:   .zero 4096
scratch: .dword 0, 0
    .align 12

    .text
main:
    TEST_BEGIN
    /* PMP: entry 0 denies deny_page to S and U, entry 1 allows the rest */
    la t1, deny_page
    srli t1, t1, 2
    ori t1, t1, (4096 >> 3) - 1
    csrw pmpaddr0, t1
    li t1, -1
    csrw pmpaddr1, t1
    li t1, (3 << 3) | (((3 << 3) | 7) << 8)
    csrw pmpcfg0, t1

    /* ---- ecall from U, S, M: causes 8, 9, 11; mepc = the ecall, mtval 0 ---- */
    la s10, 1f
    li s9, 1
    li s8, 11
2:  ecall
    li a0, 2
    j fail
1:  la t1, 2b
    li a0, 3
    bne s11, t1, fail
    CHECK_EQ(4, t6, 0)
    la s10, 1f
    li s9, 5
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  ecall
1:  la t1, 2b
    li a0, 6
    bne s11, t1, fail
    CHECK_EQ(7, t6, 0)
    la s10, 1f
    li s9, 8
    li s8, 8
    GOTO_MODE(MODE_U, 2f)
2:  ecall
1:  la t1, 2b
    li a0, 9
    bne s11, t1, fail
    CHECK_EQ(10, t6, 0)

    /* ---- mret: MIE = MPIE, MPIE = 1, MPP = U ---- */
    EXPECT_NO_TRAP(11)
    li t0, MSTACK
    csrc mstatus, t0
    li t0, MPIE | (MODE_M << 11)
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr t1, mstatus
    andi t1, t1, MIE | MPIE
    li t0, MPP
    csrr t2, mstatus
    and t2, t2, t0
    or t1, t1, t2
    CHECK_EQ(12, t1, MIE | MPIE)
    li t0, MSTACK
    csrc mstatus, t0
    li t0, MIE | (MODE_M << 11)
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr t1, mstatus
    li t0, MSTACK
    and t1, t1, t0
    CHECK_EQ(13, t1, MPIE)
    /* mret to S with MPIE = 1; the ecall's trap entry then stacks
     * MPIE = MIE (1), MIE = 0, MPP = S (mscratch has mstatus at entry) */
    li t0, MSTACK
    csrc mstatus, t0
    li t0, MPIE
    csrs mstatus, t0
    la s10, 1f
    li s9, 14
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  csrr t1, sstatus               /* S mode: sstatus is there */
    ecall
1:  csrr t1, mscratch
    li t0, MSTACK
    and t1, t1, t0
    CHECK_EQ(15, t1, MPIE | (MODE_S << 11))
    /* mret to U with MPIE = 0: entry stacks MPIE = 0, MPP = U */
    li t0, MSTACK
    csrc mstatus, t0
    la s10, 1f
    li s9, 16
    li s8, 8
    GOTO_MODE(MODE_U, 2f)
2:  ecall
1:  csrr t1, mscratch
    li t0, MSTACK
    and t1, t1, t0
    CHECK_EQ(17, t1, 0)

    /* ---- sret: SIE = SPIE, SPIE = 1, SPP = U; M may execute it ---- */
    EXPECT_NO_TRAP(18)
    li t0, SSTACK
    csrc mstatus, t0
    li t0, SPIE | SPP
    csrs mstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret                            /* from M to S */
1:  csrr t1, sstatus
    andi t1, t1, SSTACK
    CHECK_EQ(19, t1, SIE | SPIE)
    /* from S to U with SPIE = 0 and SIE = 1 */
    li t0, SPP | SPIE
    csrc sstatus, t0
    la t0, 2f
    csrw sepc, t0
    la s10, 1f
    li s9, 20
    li s8, 8
    sret
2:  ecall
1:  csrr t1, mstatus
    andi t1, t1, SSTACK
    CHECK_EQ(21, t1, SPIE)
    /* S trap entry: SPIE = SIE, SIE = 0, SPP = the mode trapped from */
    li t0, 1 << 2
    csrw medeleg, t0
    la s10, 1f
    li s9, 22
    li s8, 2
    GOTO_MODE(MODE_S, 2f)
2:  csrsi sstatus, SIE
    csrr t1, mstatus               /* illegal in S: to s_trap */
1:  csrr t1, sscratch
    andi t1, t1, SSTACK
    CHECK_EQ(23, t1, SPIE | SPP)
    csrr t1, mcause
    CHECK_EQ(24, t1, 9)            /* s_trap went on to M with an ecall */
    li t0, SIE
    csrc mstatus, t0
    la s10, 1f
    li s9, 25
    li s8, 2
    GOTO_MODE(MODE_U, 2f)
2:  csrr t1, sstatus               /* illegal in U */
1:  csrr t1, sscratch
    andi t1, t1, SSTACK
    CHECK_EQ(26, t1, 0)
    csrw medeleg, zero

    /* ---- MPRV on mret / sret to a mode below M. Privileged spec 1.12:
     * "An MRET or SRET instruction that changes the privilege mode to a mode
     * less privileged than M also sets MPRV=0." QEMU 7.2 (the oracle) keeps
     * the 1.11 rule and leaves MPRV alone, so either is accepted, but the
     * three returns must agree (s6 collects what each left). xvm clears it. ---- */
    li s6, 0
    li t0, MPRV
    csrs mstatus, t0
    la s10, 1f
    li s9, 27
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  ecall
1:  csrr t1, mscratch               /* mstatus on entry: MPRV as mret left it */
    li t0, MPRV
    and t1, t1, t0
    or s6, s6, t1
    srli s6, s6, 1
    li t0, MPRV
    csrs mstatus, t0
    la s10, 1f
    li s9, 28
    li s8, 8
    GOTO_MODE(MODE_U, 2f)
2:  ecall
1:  csrr t1, mscratch
    li t0, MPRV
    and t1, t1, t0
    or s6, s6, t1
    srli s6, s6, 1
    /* mret to M keeps it */
    EXPECT_NO_TRAP(29)
    li t0, MPRV
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    li t0, MODE_M << 11
    csrs mstatus, t0
    mret
1:  csrr t1, mstatus
    li t0, MPRV
    and t1, t1, t0
    CHECK_EQ(30, t1, MPRV)
    /* sret from M to S */
    li t0, SPP
    csrs mstatus, t0
    la t0, 2f
    csrw sepc, t0
    la s10, 1f
    li s9, 31
    li s8, 9
    sret
2:  ecall
1:  csrr t1, mscratch
    li t0, MPRV
    and t1, t1, t0
    or s6, s6, t1
    li t0, MPRV
    csrc mstatus, t0
    /* s6: all clear (0) or all kept (MPRV | MPRV >> 1 | MPRV >> 2) */
    beqz s6, 1f
    CHECK_EQ(32, s6, MPRV | (MPRV >> 1) | (MPRV >> 2))
1:
    /* ---- vectored mtvec: interrupts at base + 4 * cause ---- */
    la t1, mvec
    ori t1, t1, 1
    csrw mtvec, t1
    csrr t2, mtvec
    li a0, 35
    bne t1, t2, fail
    /* exceptions at base */
    li s5, -1
    MUST_TRAP(36, 11, ecall)
    CHECK_EQ(37, s5, -1)
    /* SSIP through mip, not delegated: to M at base + 4 */
    li t0, 1 << 1
    csrs mie, t0
    csrs mip, t0
    li t0, MIE
    MUST_TRAP(38, IRQ(1), csrs mstatus, t0)
    CHECK_EQ(39, s5, 1)
    li t0, 1 << 1
    csrc mip, t0
    /* STIP at base + 20, SEIP at base + 36 */
    li t0, 1 << 5
    csrw mie, t0
    csrs mip, t0
    li t0, MIE
    MUST_TRAP(40, IRQ(5), csrs mstatus, t0)
    CHECK_EQ(41, s5, 5)
    li t0, 1 << 5
    csrc mip, t0
    li t0, 1 << 9
    csrw mie, t0
    csrs mip, t0
    li t0, MIE
    MUST_TRAP(42, IRQ(9), csrs mstatus, t0)
    CHECK_EQ(43, s5, 9)
    li t0, 1 << 9
    csrc mip, t0
    csrw mie, zero
    /* ---- vectored stvec: a delegated SSIP at base + 4, a delegated
     * exception at base ---- */
    la t1, svec
    ori t1, t1, 1
    csrw stvec, t1
    li t0, 1 << 1
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    li s5, -1
    la s10, 1f
    li s9, 48
    li s8, IRQ(1)
    GOTO_MODE(MODE_S, 2f)
2:  csrsi sstatus, SIE
    li a0, 49
    j fail
1:  CHECK_EQ(50, s5, 1)
    li t0, 1 << 1
    csrc mip, t0
    csrw mie, zero
    csrw mideleg, zero
    li t0, 1 << 8
    csrw medeleg, t0
    li s5, -1
    la s10, 1f
    li s9, 51
    li s8, 8
    GOTO_MODE(MODE_U, 2f)
2:  ecall
1:  CHECK_EQ(52, s5, -1)
    csrr t1, scause
    CHECK_EQ(53, t1, 8)
    csrw medeleg, zero
    la t1, m_trap
    csrw mtvec, t1

    /* ---- medeleg: each delegable cause goes to S (s_deleg) ---- */
    la t1, s_deleg
    csrw stvec, t1
    li t1, 0xb3ff
    csrw medeleg, t1
    csrr t2, medeleg
    and t2, t2, t1
    CHECK_EQ(54, t2, 0xb3ff)
    /* ... but never a trap taken in M */
    MUST_TRAP(55, 2, csrr t1, 0x7ff)
    /* 1: instruction access fault (PMP), stval = sepc = target */
    li t1, 1 << 1
    csrw medeleg, t1
    la s1, deny_page + 8
    DELEG_TRAP(56, MODE_S, jr s1)
    CHECK_EQ(57, s2, 1)
    li a0, 58
    bne s3, s1, fail
    bne s4, s1, fail
    /* 2: illegal instruction, stval = the instruction or 0 */
    li t1, 1 << 2
    csrw medeleg, t1
    DELEG_TRAP(59, MODE_S, csrr t1, mstatus)
    CHECK_EQ(60, s2, 2)
    la t1, 97b
    li a0, 61
    bne s4, t1, fail
    beqz s3, 1f
    lwu t1, 0(t1)
    bne s3, t1, fail
1:  /* 3: breakpoint, stval = pc or 0 (QEMU writes 0; both are allowed) */
    li t1, 1 << 3
    csrw medeleg, t1
    DELEG_TRAP(62, MODE_S, ebreak)
    CHECK_EQ(63, s2, 3)
    la t1, 97b
    li a0, 64
    bne s4, t1, fail
    beqz s3, 1f
    bne s3, t1, fail
1:  /* 4: load address misaligned (lr.w at an odd address; an access fault
     * is allowed instead) */
    li t1, (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7)
    csrw medeleg, t1
    la s1, scratch + 2
    DELEG_TRAP(65, MODE_S, lr.w t1, (s1))
    li a0, 66
    bne s3, s1, fail
    li t1, 4
    beq s2, t1, 1f
    li t1, 5
    beq s2, t1, 1f
    li a0, 67
    j fail
1:  /* a misaligned ld may be done by the hart or trap with 4 */
    la s1, scratch + 1
    li t1, 0x1122334455667788
    sd t1, -1(s1)
    li t1, 1 << 4
    csrw medeleg, t1
    li s2, -1
    la s10, 1f
    li s9, 68
    li s8, -1
    GOTO_MODE(MODE_S, 2f)
2:  ld s3, 0(s1)
    li s2, 0
    li s8, 9
    ecall
1:  beqz s2, 3f
    CHECK_EQ(69, s2, 4)
    li a0, 70
    bne s3, s1, fail
    j 4f
3:  CHECK_EQ(71, s3, 0x0011223344556677)
4:  /* 5: load access fault (PMP) */
    li t1, 1 << 5
    csrw medeleg, t1
    la s1, deny_page + 16
    DELEG_TRAP(72, MODE_S, ld t1, 0(s1))
    CHECK_EQ(73, s2, 5)
    li a0, 74
    bne s3, s1, fail
    /* 6: store/AMO address misaligned (amoadd.w at an odd address; an
     * access fault, 7, is allowed instead). QEMU 7.2 reports a misaligned
     * AMO as a load address misaligned (4), which the spec does not list for
     * AMOs; it is accepted here so that the oracle passes. */
    li t1, (1 << 4) | (1 << 6) | (1 << 7)
    csrw medeleg, t1
    la s1, scratch + 2
    DELEG_TRAP(75, MODE_S, amoadd.w t1, t1, (s1))
    li a0, 76
    bne s3, s1, fail
    li t1, 6
    beq s2, t1, 1f
    li t1, 7
    beq s2, t1, 1f
    li t1, 4
    beq s2, t1, 1f
    li a0, 77
    j fail
1:  /* 7: store access fault (PMP) */
    li t1, 1 << 7
    csrw medeleg, t1
    la s1, deny_page + 24
    DELEG_TRAP(78, MODE_S, sd zero, 0(s1))
    CHECK_EQ(79, s2, 7)
    li a0, 80
    bne s3, s1, fail
    /* 8: ecall from U */
    li t1, 1 << 8
    csrw medeleg, t1
    DELEG_TRAP(81, MODE_U, ecall)
    CHECK_EQ(82, s2, 8)
    CHECK_EQ(83, s3, 0)
    la t1, 97b
    li a0, 84
    bne s4, t1, fail
    /* 9: ecall from S (s_deleg leaves through an illegal instruction) */
    li t1, 1 << 9
    csrw medeleg, t1
    DELEG_TRAP(85, MODE_S, ecall)
    CHECK_EQ(86, s2, 9)
    csrr t1, mcause
    CHECK_EQ(87, t1, 2)
    /* 12, 13, 15: page faults (Sv39, RAM mapped, 0x1000 up not) */
    la t1, root
    li t2, ((0x80000000 >> 12) << 10) | 0xef
    sd t2, 16(t1)
    SET_SATP(SATP_SV39, root)
    li t1, 1 << 12
    csrw medeleg, t1
    li s1, 0x1000
    DELEG_TRAP(88, MODE_S, jr s1)
    CHECK_EQ(89, s2, 12)
    CHECK_EQ(90, s3, 0x1000)
    CHECK_EQ(91, s4, 0x1000)
    li t1, 1 << 13
    csrw medeleg, t1
    li s1, 0x2008
    DELEG_TRAP(92, MODE_S, ld t1, 0(s1))
    CHECK_EQ(93, s2, 13)
    CHECK_EQ(94, s3, 0x2008)
    li t1, 1 << 15
    csrw medeleg, t1
    li s1, 0x3010
    DELEG_TRAP(95, MODE_S, sd zero, 0(s1))
    CHECK_EQ(96, s2, 15)
    CHECK_EQ(97, s3, 0x3010)
    /* the same page fault with its bit clear goes to M */
    csrw medeleg, zero
    li s1, 0x3018
    MUST_TRAP_IN(MODE_S, 98, 15, sd zero, 0(s1))
    CHECK_EQ(99, t6, 0x3018)
    csrw satp, zero
    j pass

    /* S handler for the delegation checks: record, then go to M with an
     * ecall (or, when the ecall from S is what is delegated, with an illegal
     * instruction) */
    .align 2
s_deleg:
    csrr s2, scause
    csrr s3, stval
    csrr s4, sepc
    li t0, 9
    beq s2, t0, 1f
    li s8, 9
    ecall
1:  li s8, 2
    .word 0

    /* vector tables: 4-byte jumps */
    .option push
    .option norvc
    .align 8
mvec:
    j m_trap
    .set k, 1
    .rept 11
    j mvec_common + 8 * k
    .set k, k + 1
    .endr
    .align 8
svec:
    j s_trap
    .set k, 1
    .rept 11
    j svec_common + 8 * k
    .set k, k + 1
    .endr
    .option pop
    /* entry k lands at *_common + 8 * k: s5 = k, then the usual handler */
    .align 3
mvec_common:
    .option push
    .option norvc
    .set k, 0
    .rept 12
    li s5, k
    j m_trap
    .set k, k + 1
    .endr
svec_common:
    .set k, 0
    .rept 12
    li s5, k
    j s_trap
    .set k, k + 1
    .endr
    .option pop
