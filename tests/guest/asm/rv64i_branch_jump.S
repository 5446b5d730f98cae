/* RV64I control flow: every branch taken and not taken (signed vs unsigned
 * compares), a backward loop, jal link values, jalr with an odd target
 * (bit 0 is cleared), negative offsets, and rd == rs1. */
#include "test.h"

/* Taken: must land on the target. Not taken: must fall through. */
#define TEST_BR_TAKEN(id, br, a, b) \
    li TESTNUM, id; li a0, a; li a1, b; br a0, a1, 20001f; j fail; 20001:
#define TEST_BR_NOT_TAKEN(id, br, a, b) \
    li TESTNUM, id; li a0, a; li a1, b; br a0, a1, 20002f; j 20003f; 20002: j fail; 20003:

TEST_BEGIN("rv64i_branch_jump")
    TEST_BR_TAKEN(1, beq, 5, 5)
    TEST_BR_NOT_TAKEN(2, beq, 5, 6)
    TEST_BR_NOT_TAKEN(3, beq, 0, 0x100000000)
    TEST_BR_TAKEN(4, bne, 0, 0x100000000)
    TEST_BR_NOT_TAKEN(5, bne, -1, -1)
    TEST_BR_TAKEN(6, blt, -1, 0)
    TEST_BR_NOT_TAKEN(7, blt, 0, -1)
    TEST_BR_NOT_TAKEN(8, blt, 5, 5)
    TEST_BR_TAKEN(9, blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR_TAKEN(10, bge, 5, 5)
    TEST_BR_NOT_TAKEN(11, bge, -1, 0)
    TEST_BR_TAKEN(12, bge, 0, -1)
    TEST_BR_TAKEN(13, bltu, 0, -1)
    TEST_BR_NOT_TAKEN(14, bltu, -1, 0)
    TEST_BR_NOT_TAKEN(15, bltu, 7, 7)
    TEST_BR_TAKEN(16, bgeu, -1, 0)
    TEST_BR_NOT_TAKEN(17, bgeu, 0, -1)
    TEST_BR_TAKEN(18, bgeu, 7, 7)
    TEST_BR_NOT_TAKEN(19, bgeu, 0x7fffffffffffffff, 0x8000000000000000)

    /* backward taken branch: count down from 10 */
    li a0, 10
    li a2, 0
1:  addi a2, a2, 3
    addi a0, a0, -1
    bnez a0, 1b
    CHECK(20, a2, 30)

    /* jal: rd gets the address of the next instruction */
    jal a2, 2f
2:  lla a3, 2b
    CHECK_REG(21, a2, a3)
    li a3, 0
    jal x0, 3f                  /* plain jump, no link */
    li a3, 1
3:  CHECK(22, a3, 0)
    j 5f
4:  li a4, 44                   /* reached by a backward jal */
    jr ra
5:  li a4, 0
    jal ra, 4b
6:  CHECK(23, a4, 44)
    lla a3, 6b
    CHECK_REG(24, ra, a3)

    /* jalr with an odd target: the low bit is cleared */
    lla a0, 20f
    addi a0, a0, 1
    li a3, 0
    jalr a2, 0(a0)
7:  CHECK(25, a3, 77)
    lla a4, 7b
    CHECK_REG(26, a2, a4)
    /* odd sum made from the offset: base + 5 where base = target - 4 */
    lla a0, 20f
    addi a0, a0, -4
    li a3, 0
    jalr a2, 5(a0)
    CHECK(27, a3, 77)
    /* negative offset */
    lla a0, 20f
    addi a0, a0, 16
    li a3, 0
    jalr a2, -16(a0)
    CHECK(28, a3, 77)
    /* rd == rs1: the target uses the old value, the link the new */
    lla a0, 21f
    jalr a0, 0(a0)
8:  lla a4, 8b
    CHECK_REG(29, a0, a4)
    CHECK(30, a3, 88)
    j 30f

20: li a3, 77
    jr a2
21: li a3, 88
    jr a0
30:
TEST_END
