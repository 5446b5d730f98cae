/* Conversions: float -> integer saturation for out-of-range values,
 * infinities and NaN (NV, with the spec's table of results), the unsigned
 * 32-bit forms' sign-extended results, integer -> float of the 32-bit forms
 * (only the low word counts), and single <-> double. */
#include "test.h"

TEST_BEGIN("fp_cvt")
    /* fcvt.w.d: results in [-2^31, 2^31-1], sign-extended */
    TEST_FD_INT1(1, fcvt.w.d, 0x7fffffff, NV, 0x41e65a0bc0000000, rtz)            /* 3e9 */
    TEST_FD_INT1(2, fcvt.w.d, 0xffffffff80000000, NV, 0xc1e65a0bc0000000, rtz)    /* -3e9 */
    TEST_FD_INT1(3, fcvt.w.d, 0x7fffffff, NV, 0x7ff8000000000000, rtz)            /* NaN */
    TEST_FD_INT1(4, fcvt.w.d, 0x7fffffff, NV, 0xfff8000000000000, rtz)            /* negative NaN too */
    TEST_FD_INT1(5, fcvt.w.d, 0x7fffffff, NV, 0x7ff0000000000000, rtz)            /* +inf */
    TEST_FD_INT1(6, fcvt.w.d, 0xffffffff80000000, NV, 0xfff0000000000000, rtz)    /* -inf */
    TEST_FD_INT1(7, fcvt.w.d, 0xffffffff80000000, 0, 0xc1e0000000000000, rtz)     /* -2^31 exactly */
    TEST_FD_INT1(8, fcvt.w.d, 0x7fffffff, 0, 0x41dfffffffc00000, rtz)             /* 2^31-1 */
    TEST_FD_INT1(9, fcvt.w.d, 0x7fffffff, NX, 0x41dfffffffe00000, rtz)            /* 2^31-0.5 truncates in range */
    TEST_FD_INT1(10, fcvt.w.d, 0x7fffffff, NV, 0x41dfffffffe00000, rne)           /* ...but rounds out of range */
    TEST_FD_INT1(11, fcvt.w.d, 0xffffffff80000000, NX, 0xc1e0000000100000, rtz)   /* -2^31-0.5 */
    TEST_FD_INT1(12, fcvt.w.d, 0, 0, 0x8000000000000000, rtz)                     /* -0 */
    /* fcvt.wu.d: [0, 2^32-1], the 32-bit result sign-extended */
    TEST_FD_INT1(20, fcvt.wu.d, 0xffffffffb2d05e00, 0, 0x41e65a0bc0000000, rtz)   /* 3e9 fits */
    TEST_FD_INT1(21, fcvt.wu.d, 0xffffffffffffffff, NV, 0x41f2a05f20000000, rtz)  /* 5e9 */
    TEST_FD_INT1(22, fcvt.wu.d, 0, NV, 0xbff0000000000000, rtz)                   /* -1 */
    TEST_FD_INT1(23, fcvt.wu.d, 0, NX, 0xbfe0000000000000, rtz)                   /* -0.5 truncates to 0 */
    TEST_FD_INT1(24, fcvt.wu.d, 0xffffffffffffffff, NV, 0x7ff8000000000000, rtz)  /* NaN */
    TEST_FD_INT1(25, fcvt.wu.d, 0xffffffffffffffff, NV, 0x7ff0000000000000, rtz)
    TEST_FD_INT1(26, fcvt.wu.d, 0, NV, 0xfff0000000000000, rtz)
    TEST_FD_INT1(27, fcvt.wu.d, 1, 0, 0x3ff0000000000000, rtz)
    /* fcvt.l.d / fcvt.lu.d */
    TEST_FD_INT1(30, fcvt.l.d, 0x7fffffffffffffff, NV, 0x43e158e460913d00, rtz)   /* 1e19 */
    TEST_FD_INT1(31, fcvt.l.d, 0x8000000000000000, NV, 0xc3e158e460913d00, rtz)   /* -1e19 */
    TEST_FD_INT1(32, fcvt.l.d, 0x8000000000000000, 0, 0xc3e0000000000000, rtz)    /* -2^63 exactly */
    TEST_FD_INT1(33, fcvt.l.d, 0x7fffffffffffffff, NV, 0x43e0000000000000, rtz)   /* 2^63 */
    TEST_FD_INT1(34, fcvt.l.d, 0x7fffffffffffffff, NV, 0x7ff8000000000000, rtz)
    TEST_FD_INT1(35, fcvt.l.d, 0x8000000000000000, NV, 0xfff0000000000000, rtz)
    TEST_FD_INT1(36, fcvt.l.d, 0x7fffffffffffffff, NV, 0x7ff0000000000000, rtz)
    TEST_FD_INT1(37, fcvt.l.d, 0xfffffffffffffffd, NX, 0xc00c000000000000, rtz)   /* -3.5 */
    TEST_FD_INT1(40, fcvt.lu.d, 0xffffffffffffffff, NV, 0x7ff8000000000000, rtz)
    TEST_FD_INT1(41, fcvt.lu.d, 0, NV, 0xbff0000000000000, rtz)
    TEST_FD_INT1(42, fcvt.lu.d, 0x8ac7230489e80000, 0, 0x43e158e460913d00, rtz)   /* 1e19 fits */
    TEST_FD_INT1(43, fcvt.lu.d, 0xffffffffffffffff, NV, 0x43f158e460913d00, rtz)  /* 2e19 */
    TEST_FD_INT1(44, fcvt.lu.d, 0xffffffffffffffff, NV, 0x43f0000000000000, rtz)  /* 2^64 */
    TEST_FD_INT1(45, fcvt.lu.d, 0xfffffffffffff800, 0, 0x43efffffffffffff, rtz)   /* largest double < 2^64 */
    /* from single */
    TEST_FS_INT1(50, fcvt.w.s, 0x7fffffff, NV, 0x4f32d05e, rtz)                   /* 3e9f */
    TEST_FS_INT1(51, fcvt.w.s, 0x7fffffff, NV, 0x7fc00000, rtz)
    TEST_FS_INT1(52, fcvt.w.s, 0xffffffff80000000, NV, 0xff800000, rtz)
    TEST_FS_INT1(53, fcvt.wu.s, 0xffffffffb2d05e00, 0, 0x4f32d05e, rtz)
    TEST_FS_INT1(54, fcvt.wu.s, 0, NV, 0xbf800000, rtz)
    TEST_FS_INT1(55, fcvt.l.s, 0x7fffffffffffffff, NV, 0x5f000000, rtz)           /* 2^63 */
    TEST_FS_INT1(56, fcvt.l.s, 0x8000000000000000, 0, 0xdf000000, rtz)            /* -2^63 */
    TEST_FS_INT1(57, fcvt.lu.s, 0xffffffffffffffff, NV, 0x5f800000, rtz)          /* 2^64 */
    TEST_FS_INT1(58, fcvt.lu.s, 0xffffffffffffffff, NV, 0x7fc00000, rtz)
    TEST_FS_INT1(59, fcvt.l.s, 10000000000, 0, 0x501502f9, rtz)                   /* 1e10f is exact */

    /* integer -> FP: W forms read only the low 32 bits */
    TEST_INT_FD(60, fcvt.d.w, 0xc1e0000000000000, 0, 0x0000000080000000)          /* INT32_MIN */
    TEST_INT_FD(61, fcvt.d.w, 0xbff0000000000000, 0, 0x12345678ffffffff)          /* -1 */
    TEST_INT_FD(62, fcvt.d.wu, 0x41efffffffe00000, 0, 0xffffffffffffffff)         /* 2^32-1 */
    TEST_INT_FD(63, fcvt.d.wu, 0, 0, 0xffffffff00000000)
    TEST_INT_FD(64, fcvt.d.l, 0x43e0000000000000, NX, 0x7fffffffffffffff)
    TEST_INT_FD(65, fcvt.d.l, 0xc3e0000000000000, 0, 0x8000000000000000)
    TEST_INT_FD(66, fcvt.d.lu, 0x43f0000000000000, NX, 0xffffffffffffffff)
    TEST_INT_FD(67, fcvt.d.l, 0x0000000000000000, 0, 0)                           /* +0, never -0 */
    TEST_INT_FS(68, fcvt.s.w, 0xcf000000, 0, 0x0000000080000000)
    TEST_INT_FS(69, fcvt.s.wu, 0x4f800000, NX, 0xffffffff)
    TEST_INT_FS(70, fcvt.s.l, 0xdf000000, 0, 0x8000000000000000)
    TEST_INT_FS(71, fcvt.s.lu, 0x00000000, 0, 0)
    TEST_INT_FS(72, fcvt.s.l, 0x4b800000, NX, 16777217)

    /* single <-> double */
    TEST_FD1(80, fcvt.s.d, 0xffffffff3dcccccd, NX, 0x3fb999999999999a)            /* 0.1 */
    TEST_FD1(81, fcvt.s.d, 0xffffffff7fc00000, NV, 0x7ff0000000000001)            /* sNaN */
    TEST_FD1(82, fcvt.s.d, 0xffffffff80000000, 0, 0x8000000000000000)
    TEST_FD1(83, fcvt.s.d, 0xffffffffff800000, 0, 0xfff0000000000000)
    TEST_FD1(84, fcvt.s.d, 0xffffffff00000000, UF|NX, 0x3690000000000000)         /* 2^-150 ties to 0 */
    TEST_FS1_D(85, fcvt.d.s, 0x3fb99999a0000000, 0, 0x3dcccccd)
    TEST_FS1_D(86, fcvt.d.s, 0x36a0000000000000, 0, 0x00000001)                   /* subnormal becomes normal */
    TEST_FS1_D(87, fcvt.d.s, 0x8000000000000000, 0, 0x80000000)
    TEST_FS1_D(88, fcvt.d.s, 0x7ff0000000000000, 0, 0x7f800000)
    TEST_FS1_D(89, fcvt.d.s, 0x47efffffe0000000, 0, 0x7f7fffff)                   /* FLT_MAX */

    /* integer <-> FP bit moves */
    li a1, 0x8000000000000001
    fmv.d.x f1, a1
    fmv.x.d a2, f1
    CHECK(90, a2, 0x8000000000000001)
TEST_END
