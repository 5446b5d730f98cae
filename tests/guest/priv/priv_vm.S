#include "priv.h"
/* Sv39: a 1 GiB identity megapage over RAM for S, one 4 KiB user page at
 * 0x1000 (-> user_page), one read-only page at 0x2000, nothing else. */
    .data
    .align 12
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
    .align 12
user_page: .zero 4096
ro_page:   .zero 4096

    .text
main:
    /* root[2] = identity gigapage 0x80000000, RWX, A and D preset, global */
    la t0, root
    li t1, (0x80000000 >> 12) << 10 | 0xef
    sd t1, 16(t0)
    /* root[0] -> l1 -> l0 */
    la t1, l1
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, 1
    sd t1, 0(t0)
    la t0, l1
    la t1, l0
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, 1
    sd t1, 0(t0)
    /* l0[1] = user_page, U R W, no A/D: the MMU must set them */
    la t0, l0
    la t1, user_page
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, 0x17
    sd t1, 8(t0)
    /* l0[2] = ro_page, supervisor read-only */
    la t1, ro_page
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, 0x43
    sd t1, 16(t0)
    /* satp = Sv39 | root */
    la t0, root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma

    /* into S mode */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, s_main
    csrw mepc, t0
    mret

s_main:
    /* S touching a U page without SUM: load page fault (13), tval = address */
    EXPECT_TRAP(1, 13, 1f)
    li t1, 0x1000
    ld t2, 0(t1)
1:  li t0, 0x1000
    li a0, 2
    bne t6, t0, fail
    /* the M-mode handler returned in M mode: go back to S with SUM set */
    li t0, 1 << 18
    csrs mstatus, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  li t1, 0x1008
    li t2, 0x5a5a
    sd t2, 0(t1)        /* store through the user mapping */
    ld t3, 0(t1)
    CHECK_EQ(3, t3, 0x5a5a)
    la t1, user_page    /* same data through the identity gigapage */
    ld t3, 8(t1)
    CHECK_EQ(4, t3, 0x5a5a)
    /* the MMU set A and D in l0[1] */
    la t0, l0
    ld t1, 8(t0)
    andi t1, t1, 0xc0
    CHECK_EQ(5, t1, 0xc0)
    /* store to the read-only page: store page fault (15) */
    EXPECT_TRAP(6, 15, 1f)
    li t1, 0x2000
    sd zero, 0(t1)
1:  /* unmapped and non-canonical addresses fault too */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  EXPECT_TRAP(7, 13, 1f)
    li t1, 0x5000
    ld t2, 0(t1)
1:  li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  EXPECT_TRAP(8, 13, 1f)
    li t1, 1 << 45
    ld t2, 0(t1)
1:  /* MPRV in M mode: loads use MPP's translation (S sees 0x1008) */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, (1 << 11) | (1 << 17)
    csrs mstatus, t0
    li t1, 0x1008
    ld t3, 0(t1)
    li t0, 1 << 17
    csrc mstatus, t0
    CHECK_EQ(9, t3, 0x5a5a)
    /* fetch from a non-executable mapping: instruction page fault (12) */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    li t0, 0x1000
    csrw mepc, t0
    EXPECT_TRAP(10, 12, 1f)
    mret
1:  j pass
