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
    li a0, 2
    li t0, 1
    bne s6, t0, fail          /* scause was the S software interrupt (1) */

    j pass

    .align 2
s_irq:
    csrr s6, scause
    slli s6, s6, 1            /* drop the interrupt bit */
    srli s6, s6, 1
    li s7, 1
    csrci sip, 2              /* clear SSIP */
    sret
