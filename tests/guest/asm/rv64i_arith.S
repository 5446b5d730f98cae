/* RV64I arithmetic: add/sub and immediates, the W forms' 32-bit wrap and
 * sign extension, slt/sltu and immediates, lui/auipc, writes to x0. */
#include "test.h"

TEST_BEGIN("rv64i_arith")
    TEST_RR(1, add, 0, 0, 0)
    TEST_RR(2, add, 0x100000000, 0xffffffff, 1)
    TEST_RR(3, add, 0, -1, 1)
    TEST_RR(4, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(5, sub, -1, 0, 1)
    TEST_RR(6, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR(7, sub, 0, 0x123456789abcdef0, 0x123456789abcdef0)
    TEST_RI(8, addi, -2043, 5, -2048)
    TEST_RI(9, addi, 2052, 5, 2047)
    TEST_RI(10, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR_SRC1_EQ_DEST(11, add, 24, 13, 11)
    TEST_RR_ZERO_DEST(12, add, 5, 6)

    /* W forms: 32-bit result, sign-extended; upper input bits ignored */
    TEST_RR(20, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(21, addw, 0, 0xffffffff, 1)
    TEST_RR(22, addw, 3, 0x1234567800000001, 2)
    TEST_RR(23, subw, -1, 0, 1)
    TEST_RR(24, subw, 0x7fffffff, 0x80000000, 1)
    TEST_RR(25, subw, 0xffffffff80000000, 0, 0x80000000)
    TEST_RI(26, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(27, addiw, 0x7fffffff, 0x80000000, -1)
    TEST_RI(28, addiw, -1, 0xffffffff, 0)             /* sext.w */
    TEST_RI(29, addiw, 5, 0xabcdef0000000005, 0)
    TEST_RI(30, addiw, 0xfffffffffffff800, 0x100000000, -2048)

    /* set-less-than */
    TEST_RR(40, slt, 1, -1, 0)
    TEST_RR(41, slt, 0, 0, -1)
    TEST_RR(42, sltu, 0, -1, 0)
    TEST_RR(43, sltu, 1, 0, -1)
    TEST_RR(44, slt, 0, 5, 5)
    TEST_RR(45, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(46, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RI(47, slti, 1, -5, -4)
    TEST_RI(48, slti, 0, 2047, 2047)
    TEST_RI(49, slti, 0, 0, -2048)
    TEST_RI(50, sltiu, 1, 5, -1)                      /* imm sign-extends, then compares unsigned */
    TEST_RI(51, sltiu, 0, -1, -1)
    TEST_RI(52, sltiu, 1, 0, 1)                       /* seqz */
    TEST_RI(53, sltiu, 0, 0x8000000000000000, 2047)
    TEST_RR(54, sltu, 1, 0, 1)                        /* snez is sltu rd, x0, rs */

    /* lui: 20-bit immediate << 12, sign-extended from bit 31 */
    lui a2, 0x80000
    CHECK(60, a2, 0xffffffff80000000)
    lui a2, 0x7ffff
    CHECK(61, a2, 0x7ffff000)
    lui a2, 0xfffff
    CHECK(62, a2, 0xfffffffffffff000)
    lui x0, 1
    CHECK(63, x0, 0)

    /* auipc: pc of the auipc itself plus the shifted immediate */
1:  auipc a2, 0
    lla a3, 1b
    CHECK_REG(64, a2, a3)
2:  auipc a2, 1
    lla a3, 2b
    li a4, 0x1000
    add a3, a3, a4
    CHECK_REG(65, a2, a3)
3:  auipc a2, 0x80000
    lla a3, 3b
    li a4, 0xffffffff80000000
    add a3, a3, a4
    CHECK_REG(66, a2, a3)

    /* x0 reads as zero after every kind of write */
    addi x0, x0, 5
    CHECK(70, x0, 0)
    li a0, 7
    add a2, a0, x0
    CHECK(71, a2, 7)
TEST_END
