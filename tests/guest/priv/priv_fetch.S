#include "priv.h"
/* Instruction fetches that cross a page boundary (Sv39). A 4-byte instruction
 * whose second half lies in an unmapped (or non-executable) page raises an
 * instruction page fault with epc = the start of the instruction and tval =
 * the address of the part that faulted: the next page (privileged spec,
 * "Machine Trap Value Register": "mtval will contain the virtual address of
 * the portion of the instruction that caused the fault, while mepc will point
 * to the beginning of the instruction").
 *
 * page_a: c.nop ... c.nop; at 0xffe the low half of `addi a1, a1, 1`
 * page_b: its high half at 0x000, then c.jr ra at 0x002
 * page_c: c.nop ... ; at 0xffe `c.addi a1, 1` (a whole 2-byte instruction)
 *
 *   0x10000 -> page_a (X)   0x11000 unmapped
 *   0x20000 -> page_a (X)   0x21000 -> page_b (R only)
 *   0x30000 -> page_a (X)   0x31000 -> page_b (X)
 *   0x40000 -> page_c (X)   0x41000 unmapped
 */
#define AD (PTE_A | PTE_D)
#define XPAGE (PTE_V | PTE_X | AD)

    .data
    .align 12
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
page_a: .fill 2047, 2, 0x0001          /* c.nop up to 0xffe */
    .2byte 0x8593                       /* addi a1, a1, 1 = 0x00158593: low half */
page_b: .2byte 0x0015                   /* high half */
    .2byte 0x8082                       /* c.jr ra */
    .align 12
page_c: .fill 2047, 2, 0x0001
    .2byte 0x0585                       /* c.addi a1, 1 */
    .align 12

    .text
main:
    TEST_BEGIN
    SET_PTE_PA(root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | AD | PTE_G)
    SET_PTE(root, 0, l1, PTE_V)
    SET_PTE(l1, 0, l0, PTE_V)
    SET_PTE(l0, 0x10, page_a, XPAGE)
    SET_PTE(l0, 0x20, page_a, XPAGE)
    SET_PTE(l0, 0x21, page_b, PTE_V | PTE_R | AD)
    SET_PTE(l0, 0x30, page_a, XPAGE)
    SET_PTE(l0, 0x31, page_b, XPAGE)
    SET_PTE(l0, 0x40, page_c, XPAGE)
    SET_SATP(SATP_SV39, root)

    /* both pages executable: the straddling instruction runs */
    EXPECT_NO_TRAP(1)
    GOTO_MODE(MODE_S, 1f)
1:  li a1, 0
    li t1, 0x30ffe
    jalr t1
    CHECK_EQ(2, a1, 1)
    /* entered a few instructions earlier, in the same page */
    li a1, 0
    li t1, 0x30ff0
    jalr t1
    CHECK_EQ(3, a1, 1)
    ECALL_TO_M(4, 9)

    /* second half unmapped: epc = 0x10ffe, tval = 0x11000 */
    li s1, 0x10ffe
    MUST_TRAP_IN(MODE_S, 5, 12, jalr s1)
    CHECK_EQ(6, s11, 0x10ffe)
    CHECK_EQ(7, t6, 0x11000)
    /* entered earlier in the same page: the c.nops run, then the same fault */
    li s1, 0x10ff0
    MUST_TRAP_IN(MODE_S, 22, 12, jalr s1)
    CHECK_EQ(23, s11, 0x10ffe)
    CHECK_EQ(24, t6, 0x11000)
    /* second half not executable */
    li s1, 0x20ffe
    MUST_TRAP_IN(MODE_S, 8, 12, jalr s1)
    CHECK_EQ(9, s11, 0x20ffe)
    CHECK_EQ(10, t6, 0x21000)
    /* a 2-byte instruction at the end of the page runs; the fetch after it
     * faults at the next page: epc = tval = 0x41000 */
    li a1, 0
    li s1, 0x40ffe
    MUST_TRAP_IN(MODE_S, 11, 12, jalr s1)
    CHECK_EQ(12, s11, 0x41000)
    CHECK_EQ(13, t6, 0x41000)
    CHECK_EQ(14, a1, 1)
    /* a jump straight into an unmapped page: epc = tval = target */
    li s1, 0x11002
    MUST_TRAP_IN(MODE_S, 15, 12, jalr s1)
    CHECK_EQ(16, s11, 0x11002)
    CHECK_EQ(17, t6, 0x11002)
    /* the same straddling fault delegated to S: sepc and stval */
    li t0, 1 << 12
    csrw medeleg, t0
    li s1, 0x10ffe
    MUST_TRAP_IN(MODE_S, 18, 12, jalr s1)  /* s_trap checks 12, then ecalls to M */
    csrr t1, scause
    CHECK_EQ(19, t1, 12)
    csrr t1, sepc
    CHECK_EQ(20, t1, 0x10ffe)
    csrr t1, stval
    CHECK_EQ(21, t1, 0x11000)
    csrw medeleg, zero
    j pass
