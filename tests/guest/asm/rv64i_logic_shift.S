/* RV64I logic and shifts: register and immediate forms, shift amounts 0, 1,
 * 63 and the masking of rs2 to 6 bits (5 bits for the W forms), W-form
 * shifts by 31 with their sign extension. */
#include "test.h"

TEST_BEGIN("rv64i_logic_shift")
    TEST_RR(1, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(2, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(3, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(4, and, 0x8000000000000001, 0xffffffffffffffff, 0x8000000000000001)
    TEST_RI(5, andi, 0x123456789abcdef0, 0x123456789abcdef7, -16)   /* imm sign-extends */
    TEST_RI(6, andi, 0x0f0, 0xff00ff00ff00fff0, 0x0ff)
    TEST_RI(7, ori, 0xfffffffffffff80f, 0x0f, -2048)
    TEST_RI(8, ori, 0x123, 0x120, 0x003)
    TEST_RI(9, xori, 0xff00ff00ff00ff00, 0x00ff00ff00ff00ff, -1)    /* not */
    TEST_RI(10, xori, 0x08f0, 0x0f0f, 0x7ff)

    /* 64-bit shifts */
    TEST_RR(20, sll, 0x8000000000000000, 1, 63)
    TEST_RR(21, sll, 2, 1, 65)                        /* only rs2[5:0] counts */
    TEST_RR(22, sll, 1, 1, 64)
    TEST_RR(23, srl, 1, 0x8000000000000000, 63)
    TEST_RR(24, sra, -1, 0x8000000000000000, 63)
    TEST_RR(25, sra, 0xc000000000000000, 0x8000000000000000, 1)
    TEST_RR(26, srl, 0x4000000000000000, 0x8000000000000000, 1)
    TEST_RR(27, srl, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffc0)
    TEST_RR(28, sra, 0x0123456789abcdef, 0x0123456789abcdef, 0)
    TEST_RI(29, slli, 0x8000000000000000, 1, 63)
    TEST_RI(30, srli, 1, 0x8000000000000000, 63)
    TEST_RI(31, srai, -1, 0x8000000000000000, 63)
    TEST_RI(32, srai, 0xfff0000000000000, 0x8000000000000000, 11)
    TEST_RI(33, slli, 0x23456789abcdef00, 0x0123456789abcdef, 8)
    TEST_RI(34, srli, 0x00123456789abcde, 0x123456789abcdef0, 8)
    TEST_RI(35, srai, 0x7fffffffffffffff, 0x7fffffffffffffff, 0)
    TEST_RI(36, slli, 0x100000000, 1, 32)

    /* 32-bit shifts: operate on the low word, sign-extend the result */
    TEST_RI(40, slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(41, srliw, 1, 0x80000000, 31)
    TEST_RI(42, sraiw, -1, 0x80000000, 31)
    TEST_RI(43, srliw, 0x7fffffff, 0xffffffffffffffff, 1)
    TEST_RI(44, sraiw, 0xffffffffc0000000, 0x0000000080000000, 1)
    TEST_RI(45, srliw, 0xffffffff80000000, 0x1234567880000000, 0)   /* shift by 0 still sign-extends */
    TEST_RI(46, slliw, 0x23456780, 0xabcdef0012345678, 4)
    TEST_RI(47, sraiw, 0x7fffffff, 0xfffffffe7fffffff, 0)
    TEST_RI(48, srliw, 0, 0xffffffff00000000, 31)
    TEST_RR(50, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(51, sllw, 2, 1, 33)                       /* only rs2[4:0] counts */
    TEST_RR(52, srlw, 1, 0x80000000, 31)
    TEST_RR(53, sraw, -1, 0x80000000, 31)
    TEST_RR(54, sraw, 0xffffffff80000000, 0x80000000, 32)
    TEST_RR(55, srlw, 0x0fffffff, 0xffffffffffffffff, 4)
    TEST_RR(56, srlw, 0xffffffff80000000, 0x80000000, 0xffffffffffffffe0)
    TEST_RR(57, sllw, 0, 0x80000000, 1)
TEST_END
