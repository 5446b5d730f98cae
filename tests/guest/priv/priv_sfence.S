#include "priv.h"
/* sfence.vma after changing a PTE: the new mapping takes effect, for the
 * whole address space (rs1 = x0) and for one address (rs1 = VA). For a
 * superpage, sfence.vma with any address inside it must drop the cached
 * translations of the whole superpage: they all come from that one leaf PTE
 * (privileged spec, "Supervisor Memory-Management Fence Instruction").
 *
 *   root[2]  identity 1 GiB leaf over RAM (S code and data)
 *   root[0] -> l1
 *     l1[1]  2 MiB leaf at VA 0x20_0000 -> PA 0x8020_0000, then 0x8040_0000
 *     l1[0] -> l0
 *       l0[1]  VA 0x1000 -> page_a, then page_b, then invalid, ...
 *       l0[3]  VA 0x3000 -> code_a (X), then code_b
 */
#define AD (PTE_A | PTE_D)
#define RWAD (PTE_V | PTE_R | PTE_W | AD)
#define BIG1 0x80200000
#define BIG2 0x80400000

    .data
    .align 12
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
page_a: .dword 0xaaaa
    .align 12
page_b: .dword 0xbbbb
    .align 12
code_a: li a1, 0xa
    ret
    .align 12
code_b: li a1, 0xb
    ret
    .align 12

    .text
main:
    TEST_BEGIN
    /* markers at the start of the first two 4 KiB pages of both 2 MiB frames */
    li t1, BIG1
    li t2, 0x1001
    sd t2, 0(t1)
    li t1, BIG1 + 0x1000
    li t2, 0x1002
    sd t2, 0(t1)
    li t1, BIG2
    li t2, 0x2001
    sd t2, 0(t1)
    li t1, BIG2 + 0x1000
    li t2, 0x2002
    sd t2, 0(t1)

    SET_PTE_PA(root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | AD | PTE_G)
    SET_PTE(root, 0, l1, PTE_V)
    SET_PTE(l1, 0, l0, PTE_V)
    SET_PTE_PA(l1, 1, BIG1, RWAD)
    SET_PTE(l0, 1, page_a, RWAD)
    SET_PTE(l0, 3, code_a, PTE_V | PTE_X | AD)
    SET_SATP(SATP_SV39, root)

    EXPECT_NO_TRAP(1)
    GOTO_MODE(MODE_S, 1f)
1:  li s1, 0x1000
    ld t3, 0(s1)
    CHECK_EQ(2, t3, 0xaaaa)
    /* -> page_b, sfence.vma x0, x0 */
    SET_PTE(l0, 1, page_b, RWAD)
    sfence.vma
    ld t3, 0(s1)
    CHECK_EQ(3, t3, 0xbbbb)
    /* -> page_a, sfence.vma of that address */
    SET_PTE(l0, 1, page_a, RWAD)
    sfence.vma s1, zero
    ld t3, 0(s1)
    CHECK_EQ(4, t3, 0xaaaa)
    /* read-only now: a store faults */
    SET_PTE(l0, 1, page_a, PTE_V | PTE_R | AD)
    sfence.vma s1
    li s2, 0x1008
    MUST_TRAP(5, 15, sd zero, 0(s2))
    CHECK_EQ(6, t6, 0x1008)
    /* invalid now: a load faults */
    EXPECT_NO_TRAP(7)
    GOTO_MODE(MODE_S, 1f)
1:  SET_PTE(l0, 1, page_a, 0)
    sfence.vma s1
    MUST_TRAP(8, 13, ld t3, 0(s1))
    CHECK_EQ(9, t6, 0x1000)
    /* valid again (page_b) */
    EXPECT_NO_TRAP(10)
    GOTO_MODE(MODE_S, 1f)
1:  SET_PTE(l0, 1, page_b, RWAD)
    sfence.vma s1
    ld t3, 0(s1)
    CHECK_EQ(11, t3, 0xbbbb)

    /* code: the same VA runs the new page's instructions */
    li s2, 0x3000
    li a1, 0
    jalr s2
    CHECK_EQ(12, a1, 0xa)
    SET_PTE(l0, 3, code_b, PTE_V | PTE_X | AD)
    sfence.vma s2
    li a1, 0
    jalr s2
    CHECK_EQ(13, a1, 0xb)

    /* a 2 MiB superpage: use two of its 4 KiB pages, move it, and fence the
     * first address only: the second page must see the new frame too */
    li s3, 0x200000
    li s4, 0x201000
    ld t3, 0(s3)
    CHECK_EQ(14, t3, 0x1001)
    ld t3, 0(s4)
    CHECK_EQ(15, t3, 0x1002)
    SET_PTE_PA(l1, 1, BIG2, RWAD)
    sfence.vma s3
    ld t3, 0(s4)
    CHECK_EQ(16, t3, 0x2002)
    ld t3, 0(s3)
    CHECK_EQ(17, t3, 0x2001)
    ECALL_TO_M(18, 9)
    j pass
