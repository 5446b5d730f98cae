#include "priv.h"
main:
    /* a software interrupt raised by M through mip.SSIP, delegated to S */
    li t0, 1 << 1
    csrw mideleg, t0
    csrs mie, t0
    la t0, s_irq
    csrw stvec, t0
    li s7, 0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, (1 << 11)
    csrs mstatus, t0
    la t0, s_main
    csrw mepc, t0
    mret
s_main:
    csrsi sstatus, 2          /* SIE */
    csrsi sip, 2              /* SSIP: pending now */
    nop
    nop
    li a0, 1
    beqz s7, fail             /* the handler ran */

    /* an Sstc timer: stimecmp in the past raises STIP for S mode */
    li s7, 0
    ecall_to_m:
    EXPECT_TRAP(2, 9, 1f)
    ecall
1:  li t0, 1 << 63
    csrw menvcfg, t0
    li t0, 2
    csrw mcounteren, t0
    li t0, 1 << 5
    csrs mideleg, t0
    csrs mie, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  la t0, s_irq
    csrw stvec, t0
    csrr t1, time
    addi t1, t1, 1000         /* 100 us from now */
    csrw stimecmp, t1
    csrsi sstatus, 2
3:  wfi                        /* wakes when the timer fires */
    beqz s7, 3b
    li a0, 3
    li t0, 5
    bne s6, t0, fail          /* scause was the S timer (5) */
    j pass

    .align 2
s_irq:
    csrr s6, scause
    slli s6, s6, 1            /* drop the interrupt bit */
    srli s6, s6, 1
    li s7, 1
    csrci sip, 2              /* clear SSIP */
    li t0, -1
    csrw stimecmp, t0         /* and the timer */
    sret
