/* Zbb: andn/orn/xnor, clz/ctz/cpop and their W forms (incl. zero inputs),
 * min/max/minu/maxu, sext.b/sext.h/zext.h, rol/ror/rori and the W forms
 * (shift amounts masked, results sign-extended), orc.b, rev8. */
#include "test.h"

TEST_BEGIN("zbb")
    TEST_RR(1, andn, 0xf000f000f000f000, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
    TEST_RR(2, orn, 0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
    TEST_RR(3, xnor, 0x0f0f0f0f0f0f0f0f, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)

    TEST_R(10, clz, 64, 0)
    TEST_R(11, clz, 63, 1)
    TEST_R(12, clz, 0, -1)
    TEST_R(13, clz, 31, 0x00000001ffffffff)
    TEST_R(14, clzw, 32, 0)
    TEST_R(15, clzw, 31, 0xffffffff00000001)                   /* upper word ignored */
    TEST_R(16, clzw, 0, 0x80000000)
    TEST_R(17, ctz, 64, 0)
    TEST_R(18, ctz, 63, 0x8000000000000000)
    TEST_R(19, ctz, 0, -1)
    TEST_R(20, ctzw, 32, 0)
    TEST_R(21, ctzw, 32, 0x100000000)
    TEST_R(22, ctzw, 31, 0x80000000)
    TEST_R(23, cpop, 64, -1)
    TEST_R(24, cpop, 0, 0)
    TEST_R(25, cpop, 32, 0x5555555555555555)
    TEST_R(26, cpopw, 3, 0xffffffff00000007)
    TEST_R(27, cpopw, 32, -1)

    TEST_RR(30, max, 1, -1, 1)
    TEST_RR(31, maxu, -1, -1, 1)
    TEST_RR(32, min, -1, -1, 1)
    TEST_RR(33, minu, 1, -1, 1)
    TEST_RR(34, min, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(35, max, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(36, minu, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(37, maxu, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(38, min, 5, 5, 5)

    TEST_R(40, sext.b, 0xffffffffffffff80, 0x80)
    TEST_R(41, sext.b, 0x7f, 0x17f)
    TEST_R(42, sext.h, 0xffffffffffff8000, 0x8000)
    TEST_R(43, sext.h, 0x7fff, 0xffffffffffff7fff)
    TEST_R(44, zext.h, 0x8001, 0xffffffffffff8001)

    TEST_RR(50, rol, 3, 0x8000000000000001, 1)
    TEST_RR(51, rol, 3, 0x8000000000000001, 65)                /* rs2 & 63 */
    TEST_RR(52, ror, 0x8000000000000000, 1, 1)
    TEST_RR(53, ror, 0x0123456789abcdef, 0x0123456789abcdef, 64)
    TEST_RI(54, rori, 0xf0123456789abcde, 0x0123456789abcdef, 4)
    TEST_RI(55, rori, 3, 0x8000000000000001, 63)
    TEST_RR(56, rolw, 3, 0x80000001, 1)
    TEST_RR(57, rolw, 0xffffffff80000000, 0x40000000, 1)       /* sign-extended */
    TEST_RR(58, rorw, 0xffffffff80000000, 1, 1)
    TEST_RR(59, rorw, 0xffffffff80000000, 1, 33)               /* rs2 & 31 */
    TEST_RI(60, roriw, 0xffffffff81234567, 0x12345678, 4)
    TEST_RI(61, roriw, 2, 0xffffffff00000001, 31)
    TEST_RR(62, rolw, 0x12345678, 0xabcdef0012345678, 0)

    TEST_R(70, orc.b, 0xff00ff00000000ff, 0x0100ff0000000010)
    TEST_R(71, orc.b, 0, 0)
    TEST_R(72, orc.b, -1, 0x0101010101010101)
    TEST_R(73, rev8, 0xefcdab8967452301, 0x0123456789abcdef)
    TEST_R(74, rev8, 0xff, 0xff00000000000000)
TEST_END
