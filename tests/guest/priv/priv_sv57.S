#include "priv.h"
/* Sv57 (satp mode 10, five levels): leaves at every level (256 TiB, 512 GiB,
 * 1 GiB, 2 MiB, 4 KiB), misaligned 256 TiB and 512 GiB leaves, and
 * non-canonical addresses (bits 63:57 must equal bit 56).
 *
 *   root[0]   256 TiB leaf -> PA 0 (identity: S runs its code through it)
 *   root[1] -> l3                                   (VA 1 << 48)
 *     l3[0]   512 GiB leaf -> PA 0
 *     l3[1] -> l2                                   (+ 1 << 39)
 *       l2[0]   1 GiB leaf -> PA 0x8000_0000
 *       l2[1] -> l1                                 (+ 1 << 30)
 *         l1[0] 2 MiB leaf -> PA 0x8000_0000
 *         l1[1] -> l0                               (+ 1 << 21)
 *           l0[0] 4 KiB leaf -> data_page
 *     l3[2]   512 GiB leaf -> PA 0x8000_0000 (misaligned)
 *   root[2]   256 TiB leaf -> PA 0x8000_0000 (misaligned)
 *   root[511] 256 TiB leaf -> PA 0 (the top of the address space)
 */
#define T256 (1 << 48)
#define G512 (1 << 39)
#define G1 (1 << 30)
#define M2 (1 << 21)
#define VA_512G T256
#define VA_1G (T256 + G512)
#define VA_2M (T256 + G512 + G1)
#define VA_4K (T256 + G512 + G1 + M2)
#define VA_MIS_512G (T256 + 2 * G512)
#define VA_MIS_256T (2 * T256)
#define VA_HIGH 0xffff000000000000
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* reg = base + (marker's physical address - RAM base) */
#define ALIAS(reg, base)      \
    la reg, marker;           \
    li t2, 0x80000000;        \
    sub reg, reg, t2;         \
    li t2, base;              \
    add reg, reg, t2
/* reg = base + marker's physical address (leaves that map PA 0) */
#define ALIAS0(reg, base)     \
    la reg, marker;           \
    li t2, base;              \
    add reg, reg, t2

    .data
    .align 12
root:   .zero 4096
l3:     .zero 4096
l2:     .zero 4096
l1:     .zero 4096
l0:     .zero 4096
data_page:
    .zero 0x5a8
marker: .dword 0x1122334455667788
    .align 12

    .text
main:
    TEST_BEGIN
    SET_PTE_PA(root, 0, 0, RWXAD | PTE_G)
    SET_PTE(root, 1, l3, PTE_V)
    SET_PTE_PA(l3, 0, 0, RWXAD)
    SET_PTE(l3, 1, l2, PTE_V)
    SET_PTE_PA(l2, 0, 0x80000000, RWXAD)
    SET_PTE(l2, 1, l1, PTE_V)
    SET_PTE_PA(l1, 0, 0x80000000, RWXAD)
    SET_PTE(l1, 1, l0, PTE_V)
    SET_PTE(l0, 0, data_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
    SET_PTE_PA(l3, 2, 0x80000000, RWXAD)
    SET_PTE_PA(root, 2, 0x80000000, RWXAD)
    SET_PTE_PA(root, 511, 0, RWXAD)

    /* satp keeps mode 10 and the root */
    SET_SATP(SATP_SV57, root)
    la t2, root
    srli t2, t2, 12
    li t1, SATP_SV57 << 60
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
    ALIAS0(t1, VA_512G)
    ld t3, 0(t1)
    CHECK_EQ(4, t3, 0x1122334455667788)
    ALIAS(t1, VA_1G)
    ld t3, 0(t1)
    CHECK_EQ(5, t3, 0x1122334455667788)
    ALIAS(t1, VA_2M)
    ld t3, 0(t1)
    CHECK_EQ(6, t3, 0x1122334455667788)
    li t1, VA_4K + 0x5a8
    ld t3, 0(t1)
    CHECK_EQ(7, t3, 0x1122334455667788)
    ALIAS0(t1, VA_HIGH)
    ld t3, 0(t1)
    CHECK_EQ(8, t3, 0x1122334455667788)
    /* a store through the 4 KiB leaf shows through the 512 GiB one */
    li t1, VA_4K + 0x5a8
    li t3, 0x0badc0de
    sd t3, 0(t1)
    ALIAS0(t1, VA_512G)
    ld t3, 0(t1)
    CHECK_EQ(9, t3, 0x0badc0de)
    /* fetches through the 512 GiB, 1 GiB and 2 MiB leaves */
    la t1, alias_fn
    li t2, VA_512G
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(10, a1, 0x57)
    la t1, alias_fn
    li t2, 0x80000000
    sub t1, t1, t2
    li t2, VA_1G
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(11, a1, 0x57)
    la t1, alias_fn
    li t2, 0x80000000
    sub t1, t1, t2
    li t2, VA_2M
    add t1, t1, t2
    li a1, 0
    jalr t1
    CHECK_EQ(12, a1, 0x57)
    ECALL_TO_M(13, 9)

    /* non-canonical: bit 56 set without 63:57; bit 57 set alone (its low 57
     * bits would hit root[0]); bit 63 alone. Page faults, tval = VA. */
    li s1, 0x01ff000080000000
    MUST_TRAP_IN(MODE_S, 14, 13, ld t3, 0(s1))
    CHECK_EQ(15, t6, 0x01ff000080000000)
    li s1, 0x0200000080000010
    MUST_TRAP_IN(MODE_S, 16, 13, ld t3, 0(s1))
    CHECK_EQ(17, t6, 0x0200000080000010)
    li s1, 0x8000000080000000
    MUST_TRAP_IN(MODE_S, 18, 15, sd zero, 0(s1))
    CHECK_EQ(19, t6, 0x8000000080000000)
    li s1, 0x0200000080000000
    MUST_TRAP_IN(MODE_S, 20, 12, jr s1)
    CHECK_EQ(21, t6, 0x0200000080000000)

    /* misaligned 256 TiB and 512 GiB leaves */
    li s1, VA_MIS_256T + 0x100
    MUST_TRAP_IN(MODE_S, 22, 13, ld t3, 0(s1))
    CHECK_EQ(23, t6, VA_MIS_256T + 0x100)
    li s1, VA_MIS_256T + 0x108
    MUST_TRAP_IN(MODE_S, 24, 15, sd zero, 0(s1))
    CHECK_EQ(25, t6, VA_MIS_256T + 0x108)
    li s1, VA_MIS_512G + 0x200
    MUST_TRAP_IN(MODE_S, 26, 13, ld t3, 0(s1))
    CHECK_EQ(27, t6, VA_MIS_512G + 0x200)
    li s1, VA_MIS_512G + 0x400
    MUST_TRAP_IN(MODE_S, 28, 12, jr s1)
    CHECK_EQ(29, t6, VA_MIS_512G + 0x400)

    /* with Sv48 the same tables are walked from level 3: a VA with bit 48 set
     * is then non-canonical, while root[0] still maps the identity */
    SET_SATP(SATP_SV48, root)
    li s1, VA_512G + 0x80000000
    MUST_TRAP_IN(MODE_S, 30, 13, ld t3, 0(s1))
    CHECK_EQ(31, t6, VA_512G + 0x80000000)
    j pass

alias_fn:
    li a1, 0x57
    ret
