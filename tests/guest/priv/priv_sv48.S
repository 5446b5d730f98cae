#include "priv.h"
/* Sv48 (satp mode 9, four levels): leaves at every level (512 GiB, 1 GiB,
 * 2 MiB, 4 KiB), misaligned superpages, a non-leaf PTE at level 0, and
 * non-canonical addresses (bits 63:48 must equal bit 47).
 *
 *   root[0]   512 GiB leaf -> PA 0 (identity: S runs its code through it)
 *   root[1] -> l2
 *     l2[0]   1 GiB leaf   -> PA 0x8000_0000
 *     l2[1] -> l1
 *       l1[0] 2 MiB leaf   -> PA 0x8000_0000
 *       l1[1] -> l0
 *         l0[0] 4 KiB leaf -> data_page
 *         l0[1] V only (a pointer at level 0: page fault)
 *       l1[2] 2 MiB leaf   -> PA 0x8000_1000 (misaligned)
 *     l2[2]   1 GiB leaf   -> PA 0x8020_0000 (misaligned)
 *   root[2]   512 GiB leaf -> PA 0x8000_0000 (misaligned)
 *   root[511] 512 GiB leaf -> PA 0 (the top of the address space)
 */
#define G512 (1 << 39)
#define G1 (1 << 30)
#define M2 (1 << 21)
#define VA_1G G512
#define VA_2M (G512 + G1)
#define VA_4K (G512 + G1 + M2)
#define VA_L0_PTR (VA_4K + 0x1000)
#define VA_MIS_2M (G512 + G1 + 2 * M2)
#define VA_MIS_1G (G512 + 2 * G1)
#define VA_MIS_512G (2 * G512)
#define VA_HIGH 0xffffff8000000000
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* reg = base + (marker's physical address - RAM base) */
#define ALIAS(reg, base)      \
    la reg, marker;           \
    li t2, 0x80000000;        \
    sub reg, reg, t2;         \
    li t2, base;              \
    add reg, reg, t2

    .data
    .align 12
root:   .zero 4096
l2:     .zero 4096
l1:     .zero 4096
l0:     .zero 4096
data_page:
    .zero 0x238
marker: .dword 0x1122334455667788
    .align 12

    .text
main:
    TEST_BEGIN
    SET_PTE_PA(root, 0, 0, RWXAD | PTE_G)
    SET_PTE(root, 1, l2, PTE_V)
    SET_PTE_PA(l2, 0, 0x80000000, RWXAD)
    SET_PTE(l2, 1, l1, PTE_V)
    SET_PTE_PA(l1, 0, 0x80000000, RWXAD)
    SET_PTE(l1, 1, l0, PTE_V)
    SET_PTE(l0, 0, data_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
    SET_PTE(l0, 1, data_page, PTE_V)
    SET_PTE_PA(l1, 2, 0x80001000, RWXAD)
    SET_PTE_PA(l2, 2, 0x80200000, RWXAD)
    SET_PTE_PA(root, 2, 0x80000000, RWXAD)
    SET_PTE_PA(root, 511, 0, RWXAD)

    /* satp keeps mode 9 and the root */
    SET_SATP(SATP_SV48, root)
    la t2, root
    srli t2, t2, 12
    li t1, SATP_SV48 << 60
    or t2, t2, t1
    csrr t1, satp
    li a0, 1
    bne t1, t2, fail

    EXPECT_NO_TRAP(2)
    GOTO_MODE(MODE_S, s_reads)
s_reads:
    /* the same dword through each level's leaf */
    la t1, marker
    ld t3, 0(t1)
    CHECK_EQ(3, t3, 0x1122334455667788)
    ALIAS(t1, VA_1G)
    ld t3, 0(t1)
    CHECK_EQ(4, t3, 0x1122334455667788)
    ALIAS(t1, VA_2M)
    ld t3, 0(t1)
    CHECK_EQ(5, t3, 0x1122334455667788)
    li t1, VA_4K + 0x238
    ld t3, 0(t1)
    CHECK_EQ(6, t3, 0x1122334455667788)
    la t1, marker       /* root[511] maps PA 0 at the top: VA_HIGH + PA */
    li t2, VA_HIGH
    add t1, t1, t2
    ld t3, 0(t1)
    CHECK_EQ(7, t3, 0x1122334455667788)
    /* a store through the 4 KiB leaf shows through the 1 GiB one */
    li t1, VA_4K + 0x238
    li t3, 0x0badc0de
    sd t3, 0(t1)
    ALIAS(t1, VA_1G)
    ld t3, 0(t1)
    CHECK_EQ(8, t3, 0x0badc0de)
    /* fetches through the 2 MiB and 1 GiB leaves */
    la t1, alias_fn
    li t2, 0x80000000
    sub t1, t1, t2
    li t2, VA_2M
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(9, a1, 0x77)
    la t1, alias_fn
    li t2, 0x80000000
    sub t1, t1, t2
    li t2, VA_1G
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(10, a1, 0x77)
    ECALL_TO_M(11, 9)

    /* non-canonical: bit 47 set without 63:48; bit 48 set alone (its low 48
     * bits would hit root[0]); the top bit alone. Load page faults, tval = VA. */
    li s1, 0x0000ff8080000000
    MUST_TRAP_IN(MODE_S, 12, 13, ld t3, 0(s1))
    CHECK_EQ(13, t6, 0x0000ff8080000000)
    li s1, 0x0001000080000010
    MUST_TRAP_IN(MODE_S, 14, 13, ld t3, 0(s1))
    CHECK_EQ(15, t6, 0x0001000080000010)
    li s1, 0x8000000080000000
    MUST_TRAP_IN(MODE_S, 16, 15, sd zero, 0(s1))
    CHECK_EQ(17, t6, 0x8000000080000000)
    li s1, 0x0001000080000000
    MUST_TRAP_IN(MODE_S, 18, 12, jr s1)
    CHECK_EQ(19, t6, 0x0001000080000000)

    /* misaligned superpages: 512 GiB, 1 GiB, 2 MiB (load, store, fetch) */
    li s1, VA_MIS_512G + 0x100
    MUST_TRAP_IN(MODE_S, 20, 13, ld t3, 0(s1))
    CHECK_EQ(21, t6, VA_MIS_512G + 0x100)
    li s1, VA_MIS_1G + 0x200
    MUST_TRAP_IN(MODE_S, 22, 13, ld t3, 0(s1))
    CHECK_EQ(23, t6, VA_MIS_1G + 0x200)
    li s1, VA_MIS_1G + 0x208
    MUST_TRAP_IN(MODE_S, 24, 15, sd zero, 0(s1))
    CHECK_EQ(25, t6, VA_MIS_1G + 0x208)
    li s1, VA_MIS_2M + 0x300
    MUST_TRAP_IN(MODE_S, 26, 13, ld t3, 0(s1))
    CHECK_EQ(27, t6, VA_MIS_2M + 0x300)
    li s1, VA_MIS_2M + 0x400
    MUST_TRAP_IN(MODE_S, 28, 12, jr s1)
    CHECK_EQ(29, t6, VA_MIS_2M + 0x400)

    /* a pointer PTE at level 0 is a page fault */
    li s1, VA_L0_PTR + 8
    MUST_TRAP_IN(MODE_S, 30, 13, ld t3, 0(s1))
    CHECK_EQ(31, t6, VA_L0_PTR + 8)
    li s1, VA_L0_PTR + 16
    MUST_TRAP_IN(MODE_S, 32, 15, sd zero, 0(s1))
    CHECK_EQ(33, t6, VA_L0_PTR + 16)
    j pass

alias_fn:
    li a1, 0x77
    ret
