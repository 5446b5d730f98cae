#include "priv.h"
/* Sv39 page-table entries: what makes a walk fault (W without R, reserved
 * bits 63:54, a pointer at level 0, misaligned superpages, non-canonical
 * addresses) and how the hardware updates A and D (privileged spec, "Virtual
 * Address Translation Process").
 *
 *   root[2]   identity 1 GiB leaf over RAM (S code, data, tohost)
 *   root[511] 1 GiB leaf -> PA 0x8000_0000 (VA 0xffff_ffff_c000_0000)
 *   root[1]   1 GiB leaf -> PA 0x8020_0000 (misaligned)
 *   root[0] -> l1
 *     l1[1]   2 MiB leaf -> PA 0x8000_1000 (misaligned)
 *     l1[2]   pointer to l0 with reserved bit 54 set
 *     l1[0] -> l0, whose entry k maps VA k * 4096: see below
 */
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

    .data
    .align 12
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
page:   .dword 0x0123456789abcdef
    .align 12

    .text
main:
    TEST_BEGIN
    SET_PTE_PA(root, 2, 0x80000000, RWXAD | PTE_G)
    SET_PTE_PA(root, 511, 0x80000000, RWXAD)
    SET_PTE_PA(root, 1, 0x80200000, RWXAD)
    SET_PTE(root, 0, l1, PTE_V)
    SET_PTE(l1, 0, l0, PTE_V)
    SET_PTE_PA(l1, 1, 0x80001000, RWXAD)
    /* l1[2]: a pointer with bit 54 set */
    la t1, l0
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V
    li t2, 1 << 54
    or t1, t1, t2
    la t0, l1
    sd t1, 16(t0)
    /* l0[1]: RW, A and D clear (the A/D test) */
    SET_PTE(l0, 1, page, PTE_V | PTE_R | PTE_W)
    /* l0[2]: a pointer at level 0 */
    SET_PTE(l0, 2, page, PTE_V)
    /* l0[3]: W without R; l0[4]: W and X without R */
    SET_PTE(l0, 3, page, PTE_V | PTE_W | PTE_A | PTE_D)
    SET_PTE(l0, 4, page, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D)
    /* l0[5..8]: RW with one reserved bit each: 54, 60, 61 (PBMT without
     * Svpbmt), 63 (N without Svnapot) */
    la s1, l0
    la t1, page
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, RWAD
    li t2, 1 << 54
    or t3, t1, t2
    sd t3, 5 * 8(s1)
    li t2, 1 << 60
    or t3, t1, t2
    sd t3, 6 * 8(s1)
    li t2, 1 << 61
    or t3, t1, t2
    sd t3, 7 * 8(s1)
    li t2, 1 << 63
    or t3, t1, t2
    sd t3, 8 * 8(s1)
    /* l0[9]: RW with A set and D clear (LR must not set D) */
    SET_PTE(l0, 9, page, PTE_V | PTE_R | PTE_W | PTE_A)
    /* l0[10]: read-only (LR is a load) */
    SET_PTE(l0, 10, page, PTE_V | PTE_R | PTE_A)
    /* l0[11]: execute-only, A clear, over the code page of x_fn (fetch sets A) */
    SET_PTE(l0, 11, x_fn, PTE_V | PTE_X)
    /* l0[12]: read-only, A clear (a faulting store must not set A) */
    SET_PTE(l0, 12, page, PTE_V | PTE_R)
    SET_SATP(SATP_SV39, root)

    /* ---- A and D: a read sets A only, a write sets D ---- */
    EXPECT_NO_TRAP(1)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, 0x1000
    ld t3, 0(t1)
    CHECK_EQ(2, t3, 0x0123456789abcdef)
    LOAD_PTE(t3, l0, 1)
    andi t3, t3, PTE_A | PTE_D
    CHECK_EQ(3, t3, PTE_A)
    li t1, 0x1008
    sd t1, 0(t1)
    LOAD_PTE(t3, l0, 1)
    andi t3, t3, PTE_A | PTE_D
    CHECK_EQ(4, t3, PTE_A | PTE_D)
    la t1, page
    ld t3, 8(t1)
    CHECK_EQ(5, t3, 0x1008)
    /* a fetch sets A (and not D) */
    la t1, x_fn
    li t2, 0xfff
    and t1, t1, t2
    li t2, 0xb000
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(6, a1, 0x66)
    LOAD_PTE(t3, l0, 11)
    andi t3, t3, PTE_A | PTE_D
    CHECK_EQ(7, t3, PTE_A)
    /* the top gigapage (root[511]) reads the RAM base */
    la t1, page
    li t2, 0xffffffffc0000000 - 0x80000000
    add t1, t1, t2
    ld t3, 0(t1)
    CHECK_EQ(8, t3, 0x0123456789abcdef)
    ECALL_TO_M(9, 9)

    /* a store to a read-only page faults and leaves A clear */
    li s1, 0xc010
    MUST_TRAP_IN(MODE_S, 10, 15, sd zero, 0(s1))
    CHECK_EQ(11, t6, 0xc010)
    LOAD_PTE(t3, l0, 12)
    andi t3, t3, PTE_A | PTE_D
    CHECK_EQ(12, t3, 0)

    /* ---- PTEs that fault whatever the access ---- */
    /* a pointer at level 0 */
    li s1, 0x2018
    MUST_TRAP_IN(MODE_S, 13, 13, ld t3, 0(s1))
    CHECK_EQ(14, t6, 0x2018)
    /* W without R: loads and stores fault; W|X without R: fetches too */
    li s1, 0x3020
    MUST_TRAP_IN(MODE_S, 15, 13, ld t3, 0(s1))
    CHECK_EQ(16, t6, 0x3020)
    li s1, 0x3028
    MUST_TRAP_IN(MODE_S, 17, 15, sd zero, 0(s1))
    CHECK_EQ(18, t6, 0x3028)
    li s1, 0x4000
    MUST_TRAP_IN(MODE_S, 19, 12, jr s1)
    CHECK_EQ(20, t6, 0x4000)
    li s1, 0x4010
    MUST_TRAP_IN(MODE_S, 21, 13, ld t3, 0(s1))
    CHECK_EQ(22, t6, 0x4010)
    /* reserved bits in a leaf: 54, 60, 61, 63 */
    li s1, 0x5000
    MUST_TRAP_IN(MODE_S, 23, 13, ld t3, 0(s1))
    CHECK_EQ(24, t6, 0x5000)
    li s1, 0x6008
    MUST_TRAP_IN(MODE_S, 25, 13, ld t3, 0(s1))
    CHECK_EQ(26, t6, 0x6008)
    li s1, 0x7010
    MUST_TRAP_IN(MODE_S, 27, 15, sd zero, 0(s1))
    CHECK_EQ(28, t6, 0x7010)
    li s1, 0x8018
    MUST_TRAP_IN(MODE_S, 29, 13, ld t3, 0(s1))
    CHECK_EQ(30, t6, 0x8018)
    /* a reserved bit in a pointer PTE */
    li s1, 0x400000 + 0x1000
    MUST_TRAP_IN(MODE_S, 31, 13, ld t3, 0(s1))
    CHECK_EQ(32, t6, 0x401000)
    /* misaligned superpages: 1 GiB, 2 MiB */
    li s1, 0x40000100
    MUST_TRAP_IN(MODE_S, 33, 13, ld t3, 0(s1))
    CHECK_EQ(34, t6, 0x40000100)
    li s1, 0x200100
    MUST_TRAP_IN(MODE_S, 35, 15, sd zero, 0(s1))
    CHECK_EQ(36, t6, 0x200100)
    /* unmapped */
    li s1, 0x1ff000
    MUST_TRAP_IN(MODE_S, 37, 13, ld t3, 0(s1))
    CHECK_EQ(38, t6, 0x1ff000)

    /* ---- Sv39 non-canonical: bits 63:39 must equal bit 38 ---- */
    li s1, 0x0000007fc0000000        /* root[511] without the sign bits */
    MUST_TRAP_IN(MODE_S, 39, 13, ld t3, 0(s1))
    CHECK_EQ(40, t6, 0x0000007fc0000000)
    li s1, 0x0000008080000000        /* bit 39: low 39 bits hit root[2] */
    MUST_TRAP_IN(MODE_S, 41, 13, ld t3, 0(s1))
    CHECK_EQ(42, t6, 0x0000008080000000)
    li s1, 0xffffffc080000000        /* sign bits without bit 38 */
    MUST_TRAP_IN(MODE_S, 43, 15, sd zero, 0(s1))
    CHECK_EQ(44, t6, 0xffffffc080000000)
    li s1, 0x0000008080000000
    MUST_TRAP_IN(MODE_S, 45, 12, jr s1)
    CHECK_EQ(46, t6, 0x0000008080000000)

    /* ---- LR is a load: it works on a read-only page and does not set D ---- */
    EXPECT_NO_TRAP(47)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, 0xa000
    lr.d t3, (t1)
    CHECK_EQ(48, t3, 0x0123456789abcdef)
    li t1, 0x9000
    lr.d t3, (t1)
    CHECK_EQ(49, t3, 0x0123456789abcdef)
    LOAD_PTE(t3, l0, 9)
    andi t3, t3, PTE_A | PTE_D
    CHECK_EQ(50, t3, PTE_A)
    ECALL_TO_M(51, 9)
    /* ... and faults as a load where nothing is mapped */
    li s1, 0x1fe000
    MUST_TRAP_IN(MODE_S, 52, 13, lr.d t3, (s1))
    CHECK_EQ(53, t6, 0x1fe000)
    j pass

    .align 12
x_fn:
    li a1, 0x66
    ret
