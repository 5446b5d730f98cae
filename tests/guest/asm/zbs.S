/* Zbs: bclr/bext/binv/bset with register index (taken mod 64) and their
 * immediate forms, at bits 0, 31, 32 and 63. */
#include "test.h"

TEST_BEGIN("zbs")
    TEST_RR(1, bclr, 0x7fffffffffffffff, -1, 63)
    TEST_RR(2, bclr, 0xfffffffffffffffe, -1, 64)               /* index & 63 */
    TEST_RR(3, bclr, 0x10, 0x10, 5)
    TEST_RI(4, bclri, 0xffffffff7fffffff, -1, 31)
    TEST_RI(5, bclri, 0xfffffffeffffffff, -1, 32)
    TEST_RR(10, bext, 1, 0x8000000000000000, 63)
    TEST_RR(11, bext, 0, 0x7fffffffffffffff, 63)
    TEST_RR(12, bext, 1, 0x100000000, 96)                      /* 96 & 63 = 32 */
    TEST_RI(13, bexti, 1, 0x80000000, 31)
    TEST_RI(14, bexti, 0, 0x80000000, 32)
    TEST_RR(20, binv, 1, 0, 0)
    TEST_RR(21, binv, 0, 1, 0)
    TEST_RR(22, binv, 0x8000000000000000, 0, 127)
    TEST_RI(23, binvi, 0xffffffff7fffffff, -1, 31)
    TEST_RI(24, binvi, 0x100000000, 0, 32)
    TEST_RR(30, bset, 8, 0, 3)
    TEST_RR(31, bset, 8, 0, 67)
    TEST_RR(32, bset, -1, -1, 5)
    TEST_RI(33, bseti, 0x8000000000000000, 0, 63)
    TEST_RI(34, bseti, 0x80000000, 0, 31)
    TEST_RI(35, bseti, 0x100000000, 0, 32)
TEST_END
