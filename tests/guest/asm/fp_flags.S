/* fflags: each exception on its own (NV, DZ, OF, UF, NX), which operations
 * raise none, tininess detected after rounding, exact subnormal results that
 * do not underflow, flags accumulating until cleared, the fcsr view. */
#include "test.h"

#define QNAN_D 0x7ff8000000000000
#define SNAN_D 0x7ff0000000000001
#define INF_D  0x7ff0000000000000
#define ONE_D  0x3ff0000000000000
#define ZERO_D 0x0000000000000000

TEST_BEGIN("fp_flags")
    /* NV: invalid operations give the canonical NaN */
    TEST_FD1(1, fsqrt.d, QNAN_D, NV, 0xbff0000000000000)
    TEST_FD2(2, fsub.d, QNAN_D, NV, INF_D, INF_D)
    TEST_FD2(3, fmul.d, QNAN_D, NV, ZERO_D, INF_D)
    TEST_FD2(4, fdiv.d, QNAN_D, NV, ZERO_D, ZERO_D)
    TEST_FD2(5, fdiv.d, QNAN_D, NV, INF_D, INF_D)
    TEST_FD2(6, fadd.d, QNAN_D, NV, SNAN_D, ONE_D)
    TEST_FD2(7, fadd.d, QNAN_D, 0, QNAN_D, ONE_D)           /* quiet NaN: no flag */
    TEST_FD3(8, fmadd.d, QNAN_D, NV, ZERO_D, INF_D, QNAN_D)  /* 0*inf is invalid even with a qNaN addend */
    TEST_FD3(9, fmadd.d, QNAN_D, NV, INF_D, ONE_D, 0xfff0000000000000)  /* inf - inf */
    TEST_FS1(10, fsqrt.s, 0x7fc00000, NV, 0xbf800000)
    TEST_FS2(11, fmul.s, 0x7fc00000, NV, 0x00000000, 0x7f800000)
    TEST_FD_INT2(12, feq.d, 0, 0, QNAN_D, ONE_D)             /* quiet compare */
    TEST_FD_INT2(13, feq.d, 0, NV, SNAN_D, ONE_D)
    TEST_FD_INT2(14, flt.d, 0, NV, QNAN_D, ONE_D)            /* signalling compares */
    TEST_FD_INT2(15, fle.d, 0, NV, ONE_D, QNAN_D)
    TEST_FS_INT2(16, flt.s, 0, NV, 0x7fc00000, 0x3f800000)
    TEST_FD_INT1(17, fcvt.w.d, 0x7fffffff, NV, QNAN_D, rtz)
    TEST_FD_INT1(18, fcvt.w.d, 0x7fffffff, NV, 0x4202a05f20000000, rtz)  /* 1e10 */

    /* DZ: finite non-zero / zero */
    TEST_FD2(20, fdiv.d, INF_D, DZ, ONE_D, ZERO_D)
    TEST_FD2(21, fdiv.d, 0xfff0000000000000, DZ, 0xbff0000000000000, ZERO_D)
    TEST_FD2(22, fdiv.d, 0xfff0000000000000, DZ, ONE_D, 0x8000000000000000)
    TEST_FS2(23, fdiv.s, 0x7f800000, DZ, 0x3f800000, 0x00000000)
    TEST_FD2(24, fdiv.d, INF_D, 0, INF_D, ZERO_D)            /* inf / 0 is exact */

    /* OF, always with NX */
    TEST_FD2(30, fmul.d, INF_D, OF|NX, 0x7fefffffffffffff, 0x4000000000000000)
    TEST_FD2(31, fadd.d, INF_D, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff)
    TEST_FS2(32, fmul.s, 0x7f800000, OF|NX, 0x7f7fffff, 0x40000000)
    TEST_FD1(33, fcvt.s.d, 0xffffffff7f800000, OF|NX, 0x7e37e43c8800759c)
    TEST_FD2(34, fadd.d, INF_D, 0, INF_D, ONE_D)             /* infinite operands are exact */

    /* UF: tiny and inexact */
    TEST_FD2(40, fmul.d, ZERO_D, UF|NX, 0x0000000000000001, 0x3fe0000000000000)  /* 2^-1075 ties to 0 */
    TEST_FD2(41, fmul.d, 0x0000000000000001, UF|NX, 0x0000000000000001, 0x3fe8000000000000)
    TEST_FD2(42, fdiv.d, 0x0005555555555555, UF|NX, 0x0010000000000000, 0x4008000000000000)
    TEST_FD2(43, fmul.d, 0x0008000000000000, 0, 0x0010000000000000, 0x3fe0000000000000)  /* exact subnormal */
    /* just below the smallest normal before rounding, exactly it after:
     * RISC-V detects tininess after rounding, so only NX */
    TEST_FD2(44, fmul.d, 0x0010000000000000, NX, 0x3ff0000000000001, 0x000fffffffffffff)
    TEST_FS2(45, fmul.s, 0x00000000, UF|NX, 0x00800000, 0x00800000)
    TEST_FD1(46, fcvt.s.d, 0xffffffff00000000, UF|NX, 0x358dee7a4ad4b81f)  /* 1e-50 */
    TEST_FD1(47, fcvt.s.d, 0xffffffff00000001, 0, 0x36a0000000000000)      /* 2^-149 exactly */

    /* NX alone */
    TEST_FD2(50, fdiv.d, 0x3fd5555555555555, NX, ONE_D, 0x4008000000000000)
    TEST_FD_INT1(51, fcvt.w.d, 1, NX, 0x3ff8000000000000, rtz)
    TEST_FD_INT1(52, fcvt.w.d, 2, 0, 0x4000000000000000, rtz)

    /* flags accumulate until written */
    CLEAR_FLAGS
    LOAD_D(f1, ONE_D)
    LOAD_D(f2, ZERO_D)
    LOAD_D(f4, 0x4008000000000000)
    fdiv.d f3, f1, f2           /* DZ */
    fdiv.d f3, f1, f4           /* NX */
    fadd.d f3, f1, f1           /* exact: adds nothing */
    CHECK_FLAGS(60, DZ|NX)
    frcsr a2
    CHECK(61, a2, DZ|NX)        /* fcsr = frm << 5 | fflags, frm is 0 */
    fsqrt.d f3, f2              /* sqrt(+0) = +0, exact */
    CHECK_FLAGS(62, DZ|NX)
    fsflags a3, zero            /* swap: returns the old flags */
    CHECK(63, a3, DZ|NX)
    CHECK_FLAGS(64, 0)
    /* moves, sign injection, fclass and loads never raise flags */
    li a1, 0x7ff0000000000001
    fmv.d.x f5, a1
    fsgnjn.d f6, f5, f5
    fclass.d a2, f5
    fmv.x.d a2, f6
    fmin.d f6, f1, f1
    CHECK_FLAGS(65, 0)
TEST_END
