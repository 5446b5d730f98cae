#include "priv.h"
/* Interrupts (privileged spec, "Machine Interrupt Registers"): the priority
 * of pending interrupts (M-level before S-level, then MEI, MSI, MTI, SEI,
 * SSI, STI), mideleg'd interrupts never taken in M, M-level interrupts always
 * enabled below M, software interrupts raised through mip / sip, Sstc's
 * stimecmp (menvcfg.STCE, mcounteren.TM gating S), and WFI resuming after
 * itself when an interrupt is pending in mip & mie but globally disabled.
 * Only the software-writable bits (SSIP, STIP, SEIP) and Sstc are used: xvm's
 * bare-metal machine has no CLINT. QEMU's spike board has no time CSR (and so
 * no Sstc): the checks that need it are skipped there, and were checked on
 * QEMU's virt board instead (build with -DPRIV_EXIT_SIFIVE_TEST). */
#define MIE (1 << 3)
#define SIE (1 << 1)
#define SSIP (1 << 1)
#define STIP (1 << 5)
#define SEIP (1 << 9)
#define STCE (1 << 63)

    .data
    .align 3
has_time: .dword 0

    .text
main:
    TEST_BEGIN
    la s10, 1f                      /* time CSR there? (see above) */
    li s9, 90
    li s8, 2
    li t2, 0
    rdtime t1
    li t2, 1
1:  la t0, has_time
    sd t2, 0(t0)
    li s8, -1

    /* ---- priority among interrupts taken in M (none delegated) ----
     * The spec's order is MEI, MSI, MTI, SEI, SSI, STI. QEMU 7.2 without AIA
     * takes the lowest-numbered pending interrupt instead (SSI, STI, SEI):
     * where the two orders agree (SSI before STI) the check is strict, where
     * they do not (SEI before SSI) either is accepted so that the oracle
     * passes. xvm follows the spec's order. */
    li t0, SSIP | STIP | SEIP
    csrw mie, t0
    li t0, SSIP | STIP
    csrs mip, t0
    csrr t1, mip
    and t1, t1, t0
    CHECK_EQ(1, t1, SSIP | STIP)
    li t0, MIE
    MUST_TRAP(2, IRQ(1), csrs mstatus, t0)
    li t0, SSIP
    csrc mip, t0
    li t0, MIE
    MUST_TRAP(3, IRQ(5), csrs mstatus, t0)
    li t0, STIP
    csrc mip, t0
    /* SEI and SSI: the spec takes SEI first */
    li t0, SEIP | SSIP
    csrs mip, t0
    EXPECT_ANY_TRAP(4, 1f)
    li t0, MIE
    csrs mstatus, t0
    li a0, 61
    j fail
1:  li t1, IRQ(9)
    beq t5, t1, 2f
    CHECK_EQ(62, t5, IRQ(1))          /* QEMU 7.2 */
2:  li t0, SEIP | SSIP
    csrc mip, t0
    /* nothing pending now: setting MIE is quiet */
    EXPECT_NO_TRAP(5)
    li t0, MIE
    csrs mstatus, t0
    csrc mstatus, t0

    /* ---- M-level before S-level: SEI delegated, STI not; in S with SIE set,
     * the (lower-priority) STI goes to M first ---- */
    li t0, SEIP
    csrw mideleg, t0
    li t0, SEIP | STIP
    csrw mie, t0
    csrs mip, t0
    li t0, SIE
    csrs mstatus, t0
    MUST_TRAP_IN(MODE_S, 6, IRQ(5), nop)
    la t1, 97b                        /* taken before S's first instruction */
    li a0, 7
    bne s11, t1, fail
    li t0, STIP
    csrc mip, t0
    /* now the delegated SEI is taken in S */
    li t0, SIE
    csrs mstatus, t0
    MUST_TRAP_IN(MODE_S, 8, IRQ(9), nop)
    csrr t1, scause
    CHECK_EQ(9, t1, IRQ(9))
    /* ... and from U whatever SIE says */
    li t0, SIE
    csrc mstatus, t0
    MUST_TRAP_IN(MODE_U, 10, IRQ(9), nop)
    csrr t1, sstatus
    li t0, 1 << 8
    and t1, t1, t0
    CHECK_EQ(11, t1, 0)               /* SPP: came from U */
    /* ... but not in S with SIE clear */
    la s10, 1f
    li s9, 12
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  nop
    ecall
1:  li t0, SEIP
    csrc mip, t0
    /* an M-level interrupt is taken in S with SIE and MIE both clear */
    li t0, STIP
    csrs mip, t0
    li t0, SIE | MIE
    csrc mstatus, t0
    li t0, STIP
    csrw mie, t0
    MUST_TRAP_IN(MODE_S, 13, IRQ(5), nop)
    li t0, STIP
    csrc mip, t0
    csrw mideleg, zero

    /* mideleg: the S-level bits are writable, the M-level ones are not
     * (QEMU 7.2 has the H extension: its VS bits are not looked at) */
    li t0, -1
    csrw mideleg, t0
    csrr t1, mideleg
    li t0, 0xbbb
    and t1, t1, t0
    CHECK_EQ(63, t1, SSIP | STIP | SEIP)
    csrw mideleg, zero
    /* a delegated STI raised through mip.STIP (menvcfg.STCE clear) is taken
     * in S */
    li t0, STIP
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    li t0, SIE
    csrs mstatus, t0
    MUST_TRAP_IN(MODE_S, 64, IRQ(5), nop)
    csrr t1, scause
    CHECK_EQ(65, t1, IRQ(5))
    li t0, STIP
    csrc mip, t0
    csrw mideleg, zero

    /* ---- mideleg'd interrupts are never taken in M ---- */
    li t0, SSIP
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    EXPECT_NO_TRAP(14)
    li t0, MIE | SIE
    csrs mstatus, t0
    nop
    nop
    li t0, MIE
    csrc mstatus, t0
    /* but as soon as S runs (SIE set), before its first instruction */
    MUST_TRAP_IN(MODE_S, 15, IRQ(1), nop)
    csrr t1, sepc
    la t2, 97b
    li a0, 16
    bne t1, t2, fail
    li t0, SSIP
    csrc mip, t0

    /* ---- software interrupts through mip / sip ---- */
    /* mip.SSIP is seen in sip when delegated, raised by S through sip */
    li t0, SSIP
    csrs mip, t0
    csrr t1, sip
    CHECK_EQ(17, t1, SSIP)
    csrc mip, t0
    li t0, SIE
    csrc mstatus, t0
    EXPECT_NO_TRAP(18)
    GOTO_MODE(MODE_S, 1f)
1:  csrr t1, sip
    CHECK_EQ(19, t1, 0)
    csrsi sip, SSIP                   /* pending, SIE clear: not taken */
    csrr t1, sip
    CHECK_EQ(20, t1, SSIP)
    la s10, 1f
    li s9, 21
    li s8, IRQ(1)
    csrsi sstatus, SIE                /* now it is */
    li a0, 22
    j fail
1:  csrr t1, mip
    andi t1, t1, SSIP
    CHECK_EQ(23, t1, SSIP)            /* the handler does not clear it */
    li t0, SSIP
    csrc mip, t0
    /* not delegated: sip and sie show nothing and S cannot set them */
    csrw mideleg, zero
    li t0, SIE
    csrc mstatus, t0
    csrw mie, zero
    EXPECT_NO_TRAP(24)
    GOTO_MODE(MODE_S, 1f)
1:  csrsi sip, SSIP
    csrsi sie, SSIP
    csrr t1, sie
    CHECK_EQ(25, t1, 0)
    ECALL_TO_M(26, 9)
    csrr t1, mip
    andi t1, t1, SSIP
    CHECK_EQ(27, t1, 0)
    csrr t1, mie
    CHECK_EQ(28, t1, 0)
    li t0, SSIP
    csrs mip, t0
    csrr t1, sip
    CHECK_EQ(29, t1, 0)
    csrc mip, t0
    /* MSIP, MTIP, MEIP are read-only in mip */
    csrr t2, mip
    li t0, (1 << 3) | (1 << 7) | (1 << 11)
    csrs mip, t0
    csrr t1, mip
    li a0, 30
    bne t1, t2, fail

    /* ---- WFI with interrupts globally disabled ---- */
    /* M, MIE clear, SSIP pending and enabled in mie: wfi returns, no trap */
    li t0, SSIP
    csrw mie, t0
    csrs mip, t0
    EXPECT_NO_TRAP(31)
    wfi
    csrc mip, t0
    /* S, SIE clear, a delegated SSIP pending: the same */
    li t0, SSIP
    csrw mideleg, t0
    csrs mip, t0
    la s10, 1f
    li s9, 32
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  wfi
    ecall
1:  li t0, SSIP
    csrc mip, t0
    csrw mideleg, zero
    csrw mie, zero

    /* ---- Sstc (needs the time CSR) ---- */
    ld t1, has_time
    beqz t1, no_time
    li t0, -1
    csrw stimecmp, t0
    li t0, STCE
    csrw menvcfg, t0
    csrr t1, menvcfg
    li a0, 40
    bgez t1, fail                     /* STCE reads back */
    /* gating of S accesses: STCE and mcounteren.TM both needed */
    li t0, 2
    csrw mcounteren, t0
    csrw menvcfg, zero
    MUST_TRAP_IN(MODE_S, 41, 2, csrr t1, stimecmp)
    li t0, STCE
    csrw menvcfg, t0
    csrw mcounteren, zero
    MUST_TRAP_IN(MODE_S, 42, 2, csrw stimecmp, zero)
    li t0, 2
    csrw mcounteren, t0
    li t0, -1
    csrw scounteren, t0
    MUST_TRAP_IN(MODE_U, 43, 2, csrr t1, stimecmp)
    EXPECT_NO_TRAP(44)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, -1
    csrw stimecmp, t1
    csrr t2, stimecmp
    CHECK_EQ(45, t2, -1)
    ECALL_TO_M(46, 9)
    /* STIP follows stimecmp and mip.STIP is not writable */
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(47, t1, 0)
    li t0, STIP
    csrs mip, t0
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(48, t1, 0)
    csrw stimecmp, zero
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(49, t1, STIP)
    csrc mip, t0
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(50, t1, STIP)
    li t0, -1
    csrw stimecmp, t0
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(51, t1, 0)
    /* a delegated S timer set by S, taken in S when due, while S spins in a
     * loop (bounded: 200 M rounds, far more than the 50 us it needs) */
    li t0, STIP
    csrw mideleg, t0
    csrw mie, t0
    la s10, 1f
    li s9, 52
    li s8, IRQ(5)
    GOTO_MODE(MODE_S, 2f)
2:  rdtime t1
    addi t1, t1, 500                  /* 50 us */
    csrw stimecmp, t1
    li t3, 200000000
    csrsi sstatus, SIE
3:  addi t3, t3, -1
    bnez t3, 3b
    li a0, 53
    j fail
1:  li t0, -1
    csrw stimecmp, t0
    /* WFI in S with SIE clear and the delegated timer due later: it resumes
     * after the wfi, and nothing is taken */
    li t0, SIE
    csrc mstatus, t0
    la s10, 1f
    li s9, 54
    li s8, 9
    GOTO_MODE(MODE_S, 2f)
2:  rdtime t1
    addi t1, t1, 500
    csrw stimecmp, t1
    wfi
    csrr t1, sip
    CHECK_EQ(55, t1, STIP)            /* it woke because the timer fired */
    ecall
1:  li t0, -1
    csrw stimecmp, t0
    /* WFI in M with MIE clear, the (not delegated) timer due later */
    csrw mideleg, zero
    EXPECT_NO_TRAP(56)
    rdtime t1
    addi t1, t1, 500
    csrw stimecmp, t1
    wfi
    csrr t1, mip
    andi t1, t1, STIP
    CHECK_EQ(57, t1, STIP)
    li t0, -1
    csrw stimecmp, t0
    /* WFI in S, the timer not delegated: an M-level interrupt, enabled in S
     * whatever MIE; taken after the wfi (mepc = the next instruction) */
    la s10, 1f
    li s9, 58
    li s8, IRQ(5)
    GOTO_MODE(MODE_S, 2f)
2:  rdtime t1
    addi t1, t1, 500
    csrw stimecmp, t1
    wfi
3:  li a0, 59
    j fail
1:  la t1, 3b
    li a0, 60
    bne s11, t1, fail
    li t0, -1
    csrw stimecmp, t0
    csrw mie, zero
    csrw menvcfg, zero
    csrw mcounteren, zero
no_time:
    j pass
