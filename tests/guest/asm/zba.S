/* Zba: add.uw, sh1add/sh2add/sh3add, their .uw forms (rs1's low word
 * zero-extended before the shift) and slli.uw, incl. shift amounts 0 and 63. */
#include "test.h"

TEST_BEGIN("zba")
    TEST_RR(1, add.uw, 0x80000001, 0xffffffff80000000, 1)      /* rd = rs2 + zext32(rs1) */
    TEST_RR(2, add.uw, 0x1000000000000000 + 0xffffffff, 0x12345678ffffffff, 0x1000000000000000)
    TEST_RR(3, add.uw, 0x00000000ffffffff, -1, 0)                /* zext.w */
    TEST_RR(4, sh1add, 16, 3, 10)                                /* rd = rs2 + (rs1 << 1) */
    TEST_RR(5, sh2add, 22, 3, 10)
    TEST_RR(6, sh3add, 34, 3, 10)
    TEST_RR(7, sh1add, 0, 0x8000000000000000, 0)                 /* the shifted-out bit is lost */
    TEST_RR(8, sh3add, 0xfffffffffffffff8 + 5, -1, 5)
    TEST_RR(9, sh1add.uw, 0x1fffffffe + 2, -1, 2)
    TEST_RR(10, sh2add.uw, 0x3fffffffc + 4, -1, 4)
    TEST_RR(11, sh3add.uw, 0x800000000, -1, 8)
    TEST_RR(12, sh3add.uw, 0x400000000 + 1, 0xabcdef0080000000, 1)
    TEST_RI(13, slli.uw, 0x800000010, 0xffffffff80000001, 4)
    TEST_RI(14, slli.uw, 0x8000000000000000, 0xffffffff00000001, 63)
    TEST_RI(15, slli.uw, 0x1234567800000000, 0xffffffff12345678, 32)
    TEST_RI(16, slli.uw, 0x00000000ffffffff, -1, 0)
    TEST_RR_ZERO_DEST(17, sh2add, 1, 2)
TEST_END
