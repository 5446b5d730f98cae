/* Rounding: every static mode (rne rtz rdn rup rmm) on ties and near-ties
 * for add, div, sqrt, overflow, conversions in both directions and the sign
 * of an exact zero; then the dynamic mode from frm for each of the five. */
#include "test.h"

/* One input, five static modes; results listed as rne rtz rdn rup rmm. */
#define ROUND_D2(id, op, a, b, v_ne, v_tz, v_dn, v_up, v_mm, flags) \
    TEST_FD2(id, op, v_ne, flags, a, b, rne)  \
    TEST_FD2(id, op, v_tz, flags, a, b, rtz)  \
    TEST_FD2(id, op, v_dn, flags, a, b, rdn)  \
    TEST_FD2(id, op, v_up, flags, a, b, rup)  \
    TEST_FD2(id, op, v_mm, flags, a, b, rmm)
#define ROUND_S2(id, op, a, b, v_ne, v_tz, v_dn, v_up, v_mm, flags) \
    TEST_FS2(id, op, v_ne, flags, a, b, rne)  \
    TEST_FS2(id, op, v_tz, flags, a, b, rtz)  \
    TEST_FS2(id, op, v_dn, flags, a, b, rdn)  \
    TEST_FS2(id, op, v_up, flags, a, b, rup)  \
    TEST_FS2(id, op, v_mm, flags, a, b, rmm)
#define ROUND_CVT_W(id, op, a, v_ne, v_tz, v_dn, v_up, v_mm) \
    TEST_FD_INT1(id, op, v_ne, NX, a, rne)    \
    TEST_FD_INT1(id, op, v_tz, NX, a, rtz)    \
    TEST_FD_INT1(id, op, v_dn, NX, a, rdn)    \
    TEST_FD_INT1(id, op, v_up, NX, a, rup)    \
    TEST_FD_INT1(id, op, v_mm, NX, a, rmm)

TEST_BEGIN("fp_round")
    /* 1 + 2^-53: an exact tie between 1 and 1+ulp */
    ROUND_D2(1, fadd.d, 0x3ff0000000000000, 0x3ca0000000000000,
             0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ff0000000000001, NX)
    ROUND_D2(2, fadd.d, 0xbff0000000000000, 0xbca0000000000000,
             0xbff0000000000000, 0xbff0000000000000, 0xbff0000000000001, 0xbff0000000000000, 0xbff0000000000001, NX)
    /* 1 + 0.75 ulp: not a tie */
    ROUND_D2(3, fadd.d, 0x3ff0000000000000, 0x3ca8000000000000,
             0x3ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ff0000000000001, NX)
    /* (1 + ulp) + 0.5 ulp: a tie whose even neighbour is above */
    ROUND_D2(4, fadd.d, 0x3ff0000000000001, 0x3ca0000000000000,
             0x3ff0000000000002, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002, 0x3ff0000000000002, NX)
    /* x - x is +0 in every mode but rdn, where it is -0 */
    ROUND_D2(5, fsub.d, 0x3ff0000000000000, 0x3ff0000000000000,
             0x0000000000000000, 0x0000000000000000, 0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0)
    /* overflow goes to infinity or the largest finite value */
    ROUND_D2(6, fmul.d, 0x7fefffffffffffff, 0x4000000000000000,
             0x7ff0000000000000, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x7ff0000000000000, 0x7ff0000000000000, OF|NX)
    ROUND_D2(7, fmul.d, 0xffefffffffffffff, 0x4000000000000000,
             0xfff0000000000000, 0xffefffffffffffff, 0xfff0000000000000, 0xffefffffffffffff, 0xfff0000000000000, OF|NX)
    ROUND_D2(8, fdiv.d, 0x3ff0000000000000, 0x4008000000000000,
             0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555556, 0x3fd5555555555555, NX)
    ROUND_D2(9, fdiv.d, 0xc000000000000000, 0x4008000000000000,
             0xbfe5555555555555, 0xbfe5555555555555, 0xbfe5555555555556, 0xbfe5555555555555, 0xbfe5555555555555, NX)
    TEST_FD1(10, fsqrt.d, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000, rne)
    TEST_FD1(10, fsqrt.d, 0x3ff6a09e667f3bcc, NX, 0x4000000000000000, rtz)
    TEST_FD1(10, fsqrt.d, 0x3ff6a09e667f3bcc, NX, 0x4000000000000000, rdn)
    TEST_FD1(10, fsqrt.d, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000, rup)
    TEST_FD1(10, fsqrt.d, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000, rmm)
    /* fused multiply-add rounds once, in the requested mode */
    TEST_FD3(11, fmadd.d, 0x3ff0000000000000, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, rne)
    TEST_FD3(11, fmadd.d, 0x3ff0000000000001, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, rmm)
    TEST_FD3(11, fmadd.d, 0x3ff0000000000001, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, rup)

    /* single precision */
    ROUND_S2(20, fadd.s, 0x3f800000, 0x33800000, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001, NX)
    ROUND_S2(21, fadd.s, 0xbf800000, 0xb3800000, 0xbf800000, 0xbf800000, 0xbf800001, 0xbf800000, 0xbf800001, NX)
    ROUND_S2(22, fdiv.s, 0x3f800000, 0x40400000, 0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab, NX)
    ROUND_S2(23, fsub.s, 0x40000000, 0x40000000, 0x00000000, 0x00000000, 0x80000000, 0x00000000, 0x00000000, 0)

    /* float -> int */
    ROUND_CVT_W(30, fcvt.w.d, 0x4004000000000000, 2, 2, 2, 3, 3)          /*  2.5 */
    ROUND_CVT_W(31, fcvt.w.d, 0xc004000000000000, -2, -2, -3, -2, -3)     /* -2.5 */
    ROUND_CVT_W(32, fcvt.w.d, 0x3ff8000000000000, 2, 1, 1, 2, 2)          /*  1.5 */
    ROUND_CVT_W(33, fcvt.l.d, 0x3fe0000000000000, 0, 0, 0, 1, 1)          /*  0.5 */
    ROUND_CVT_W(34, fcvt.l.d, 0xbfe0000000000000, 0, 0, -1, 0, -1)        /* -0.5 */
    ROUND_CVT_W(35, fcvt.l.d, 0xbffe666666666666, -2, -1, -2, -1, -2)     /* -1.9 */
    TEST_FS_INT1(36, fcvt.w.s, 2, NX, 0x40200000, rne)                    /*  2.5f */
    TEST_FS_INT1(36, fcvt.w.s, 3, NX, 0x40200000, rmm)
    TEST_FS_INT1(36, fcvt.w.s, 3, NX, 0x40200000, rup)
    TEST_FS_INT1(36, fcvt.w.s, 2, NX, 0x40200000, rdn)
    TEST_FD_INT1(37, fcvt.wu.d, 3, NX, 0x4004000000000000, rup)
    TEST_FS_INT1(38, fcvt.lu.s, 2, NX, 0x40200000, rtz)

    /* int -> float: 2^53+1 and 2^24+1 are ties */
    TEST_INT_FD(40, fcvt.d.l, 0x4340000000000000, NX, 9007199254740993, rne)
    TEST_INT_FD(40, fcvt.d.l, 0x4340000000000000, NX, 9007199254740993, rtz)
    TEST_INT_FD(40, fcvt.d.l, 0x4340000000000000, NX, 9007199254740993, rdn)
    TEST_INT_FD(40, fcvt.d.l, 0x4340000000000001, NX, 9007199254740993, rup)
    TEST_INT_FD(40, fcvt.d.l, 0x4340000000000001, NX, 9007199254740993, rmm)
    TEST_INT_FS(41, fcvt.s.w, 0x4b800000, NX, 16777217, rne)
    TEST_INT_FS(41, fcvt.s.w, 0x4b800000, NX, 16777217, rtz)
    TEST_INT_FS(41, fcvt.s.w, 0x4b800001, NX, 16777217, rup)
    TEST_INT_FS(41, fcvt.s.w, 0x4b800001, NX, 16777217, rmm)
    TEST_INT_FS(42, fcvt.s.l, 0xcb800001, NX, -16777217, rdn)
    TEST_INT_FS(42, fcvt.s.l, 0xcb800000, NX, -16777217, rup)
    TEST_INT_FS(43, fcvt.s.lu, 0x5f800000, NX, -1, rne)                   /* 2^64-1 rounds up to 2^64 */
    TEST_INT_FS(43, fcvt.s.lu, 0x5f7fffff, NX, -1, rtz)

    /* double -> single */
    TEST_FD1(50, fcvt.s.d, 0xffffffff3f800000, NX, 0x3ff0000010000000, rne)
    TEST_FD1(50, fcvt.s.d, 0xffffffff3f800001, NX, 0x3ff0000010000000, rmm)
    TEST_FD1(50, fcvt.s.d, 0xffffffff3f800001, NX, 0x3ff0000010000000, rup)
    TEST_FD1(50, fcvt.s.d, 0xffffffff3f800000, NX, 0x3ff0000010000000, rdn)
    TEST_FD1(51, fcvt.s.d, 0xffffffff7f800000, OF|NX, 0x7e37e43c8800759c, rne)  /* 1e300 */
    TEST_FD1(51, fcvt.s.d, 0xffffffff7f7fffff, OF|NX, 0x7e37e43c8800759c, rtz)

    /* dynamic rounding mode: frm selects, instructions say dyn */
    LOAD_D(f1, 0x3ff0000000000000)
    LOAD_D(f2, 0x3ca0000000000000)
    LOAD_D(f5, 0xc004000000000000)
#define DYN(id, mode, sum, cvt)                               \
    fsrmi mode;                                               \
    fadd.d f3, f1, f2, dyn;                                   \
    CHECK_D(id, f3, sum)                                      \
    fcvt.w.d a2, f5;  /* the assembler's default is dyn */    \
    CHECK(id, a2, cvt)                                        \
    frrm a3;                                                  \
    CHECK(id, a3, mode)
    DYN(60, 0, 0x3ff0000000000000, -2)
    DYN(61, 1, 0x3ff0000000000000, -2)
    DYN(62, 2, 0x3ff0000000000000, -3)
    DYN(63, 3, 0x3ff0000000000001, -2)
    DYN(64, 4, 0x3ff0000000000001, -3)
    /* a static mode overrides frm */
    fsrmi 3
    fadd.d f3, f1, f2, rne
    CHECK_D(65, f3, 0x3ff0000000000000)
    fsrmi 0
TEST_END
