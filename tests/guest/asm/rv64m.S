/* RV64M: low and high products for every signedness, division and remainder
 * with the spec's defined results for division by zero (quotient all ones,
 * remainder the dividend) and signed overflow (quotient the dividend,
 * remainder 0), and the W forms with their 32-bit sign extension. */
#include "test.h"

TEST_BEGIN("rv64m")
    TEST_RR(1, mul, 6, 2, 3)
    TEST_RR(2, mul, -6, -2, 3)
    TEST_RR(3, mul, 1, -1, -1)
    TEST_RR(4, mul, 0x8000000000000000, 0x8000000000000000, -1)
    TEST_RR(5, mul, 0xfffffffe00000001, 0xffffffff, 0xffffffff)
    TEST_RR(10, mulh, 0, 2, 3)
    TEST_RR(11, mulh, -1, -2, 3)
    TEST_RR(12, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(13, mulh, 0, -1, -1)
    TEST_RR(14, mulh, -1, 0x8000000000000000, 1)
    TEST_RR(15, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(20, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(21, mulhu, 0, 2, 3)
    TEST_RR(22, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(23, mulhu, 1, 0x8000000000000000, 2)
    TEST_RR(30, mulhsu, -1, -1, 1)                    /* rs1 signed, rs2 unsigned */
    TEST_RR(31, mulhsu, -1, -1, -1)
    TEST_RR(32, mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, -1)
    TEST_RR(33, mulhsu, -1, 0x8000000000000000, 1)
    TEST_RR(34, mulhsu, 0x8000000000000000, 0x8000000000000000, -1)
    TEST_RR(35, mulhsu, 0, 1, -1)
    TEST_RR(40, mulw, 0xffffffff80000000, 0x10000, 0x8000)
    TEST_RR(41, mulw, 6, 0x100000002, 3)
    TEST_RR(42, mulw, 1, -1, -1)
    TEST_RR(43, mulw, 0, 0x10000, 0x10000)

    TEST_RR(50, div, 3, 20, 6)
    TEST_RR(51, div, -3, -20, 6)                      /* rounds toward zero */
    TEST_RR(52, div, -3, 20, -6)
    TEST_RR(53, div, 3, -20, -6)
    TEST_RR(54, div, -1, 5, 0)                        /* by zero: all ones */
    TEST_RR(55, div, 0x8000000000000000, 0x8000000000000000, -1)  /* overflow: dividend */
    TEST_RR(56, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
    TEST_RR(57, divu, -1, 5, 0)
    TEST_RR(58, divu, 0, 0x8000000000000000, -1)
    TEST_RR(60, rem, 2, 20, 6)
    TEST_RR(61, rem, -2, -20, 6)                      /* sign of the dividend */
    TEST_RR(62, rem, 2, 20, -6)
    TEST_RR(63, rem, 5, 5, 0)                         /* by zero: dividend */
    TEST_RR(64, rem, 0, 0x8000000000000000, -1)       /* overflow: 0 */
    TEST_RR(65, remu, 5, 5, 0)
    TEST_RR(66, remu, 2, -20, 6)
    TEST_RR(67, remu, -20, -20, 0)

    TEST_RR(70, divw, -1, 5, 0)
    TEST_RR(71, divw, 0xffffffff80000000, 0x80000000, -1)
    TEST_RR(72, divw, 3, 0xffffffff00000014, 6)      /* upper bits ignored */
    TEST_RR(73, divw, -3, -20, 6)
    TEST_RR(74, divuw, -1, 5, 0)
    TEST_RR(75, divuw, 0x7fffffff, 0xfffffffe, 2)
    TEST_RR(76, divuw, 0xffffffff80000000, 0x80000000, 1)
    TEST_RR(77, divuw, 1, 0x1ffffffff, 0xffffffff)
    TEST_RR(80, remw, 5, 5, 0)
    TEST_RR(81, remw, 0, 0x80000000, -1)
    TEST_RR(82, remw, -2, -20, 6)
    TEST_RR(83, remw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RR(84, remuw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RR(85, remuw, 1, 0xffffffff, 2)
    TEST_RR(86, remuw, 0xffffffff80000001, 0x80000001, 0x100000000) /* divisor's low word is 0 */
TEST_END
