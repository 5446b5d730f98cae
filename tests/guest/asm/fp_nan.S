/* NaN handling: canonical NaN results (never a propagated payload or sign),
 * NaN boxing (a single not boxed in its 64-bit register reads as the
 * canonical NaN; transfers ignore boxing), fmin/fmax with signed zeros and
 * signalling NaNs, fclass of all ten classes, sign injection, fmv.x.w sign
 * extension. */
#include "test.h"

    .data
    .balign 8
slot:
    .dword 0

TEST_BEGIN("fp_nan")
    /* canonical NaN results: 0x7ff8000000000000 / 0x7fc00000 */
    TEST_FD2(1, fadd.d, 0x7ff8000000000000, 0, 0x7ff8000000012345, 0x3ff0000000000000)
    TEST_FD2(2, fmul.d, 0x7ff8000000000000, 0, 0xfff8000000000000, 0x3ff0000000000000)   /* sign dropped */
    TEST_FD2(3, fmul.d, 0x7ff8000000000000, NV, 0x7ff0000000000001, 0x3ff0000000000000)
    TEST_FS2(4, fadd.s, 0x7fc00000, 0, 0x7fc12345, 0x3f800000)
    TEST_FS2(5, fsub.s, 0x7fc00000, NV, 0xff800001, 0x3f800000)
    TEST_FD1(6, fcvt.s.d, 0xffffffff7fc00000, 0, 0xfff8000000000123)
    TEST_FS1_D(7, fcvt.d.s, 0x7ff8000000000000, NV, 0x7f800001)
    TEST_FS1_D(7, fcvt.d.s, 0x7ff8000000000000, 0, 0xffc00001)

    /* NaN boxing of inputs */
#define UNBOXED_ONE 0x000000003f800000
#define BOXED_ONE   0xffffffff3f800000
    TEST_FD2(10, fadd.s, 0xffffffff7fc00000, 0, UNBOXED_ONE, UNBOXED_ONE)
    TEST_FD2(11, fadd.s, 0xffffffff40000000, 0, BOXED_ONE, BOXED_ONE)
    TEST_FD2(12, fadd.s, 0xffffffff7fc00000, 0, 0xfffffffe3f800000, BOXED_ONE)  /* one bit missing */
    TEST_FD2(13, fsgnj.s, 0xffffffffffc00000, 0, UNBOXED_ONE, 0xffffffffbf800000)
    TEST_FD2(14, fsgnj.s, 0xffffffff3f800000, 0, BOXED_ONE, 0x00000000bf800000)  /* sign source reads as +NaN */
    TEST_FD2(15, fmax.s, 0xffffffff3f800000, 0, UNBOXED_ONE, BOXED_ONE)
    TEST_FD1(16, fcvt.d.s, 0x7ff8000000000000, 0, UNBOXED_ONE)
    TEST_FD1(17, fsqrt.s, 0xffffffff7fc00000, 0, UNBOXED_ONE)
    TEST_FD_INT1(18, fclass.s, 0x200, 0, UNBOXED_ONE)
    TEST_FD_INT2(19, feq.s, 0, 0, UNBOXED_ONE, UNBOXED_ONE)
    TEST_FD_INT2(20, flt.s, 0, NV, UNBOXED_ONE, BOXED_ONE)
    TEST_FD_INT1(21, fcvt.w.s, 0x7fffffff, NV, UNBOXED_ONE, rtz)
    /* transfers out ignore boxing: fmv.x.w and fsw take the low 32 bits */
    TEST_FD_INT1(22, fmv.x.w, 0x3f800000, 0, UNBOXED_ONE)
    TEST_FD_INT1(23, fmv.x.w, 0xffffffffbf800000, 0, 0x00000000bf800000)   /* sign-extends bit 31 */
    TEST_FD_INT1(24, fmv.x.w, 0xffffffffbf800000, 0, 0xffffffffbf800000)
    TEST_FD_INT1(25, fmv.x.w, 0x7fc00000, 0, 0xffffffff7fc00000)
    lla s0, slot
    li a1, -1
    sd a1, 0(s0)
    LOAD_D(f1, 0x123456783f800000)
    fsw f1, 0(s0)
    ld a2, 0(s0)
    CHECK(26, a2, 0xffffffff3f800000)
    /* transfers in box */
    li a1, 0x00000000c0490fdb
    sw a1, 0(s0)
    flw f2, 0(s0)
    fmv.x.d a2, f2
    CHECK(27, a2, 0xffffffffc0490fdb)
    /* a double operation writes all 64 bits; then reading it as a single is a NaN */
    TEST_FD2(28, fadd.d, 0x4000000000000000, 0, 0x3ff0000000000000, 0x3ff0000000000000)
    fadd.s f4, f3, f3
    CHECK_S(29, f4, 0x7fc00000)

    /* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) */
    TEST_FD2(30, fmin.d, 0x8000000000000000, 0, 0x8000000000000000, 0x0000000000000000)
    TEST_FD2(31, fmin.d, 0x8000000000000000, 0, 0x0000000000000000, 0x8000000000000000)
    TEST_FD2(32, fmax.d, 0x0000000000000000, 0, 0x8000000000000000, 0x0000000000000000)
    TEST_FD2(33, fmax.d, 0x0000000000000000, 0, 0x0000000000000000, 0x8000000000000000)
    TEST_FD2(34, fmin.d, 0x3ff0000000000000, 0, 0x7ff8000000000000, 0x3ff0000000000000)
    TEST_FD2(35, fmax.d, 0x3ff0000000000000, 0, 0x3ff0000000000000, 0x7ff8000000000000)
    TEST_FD2(36, fmin.d, 0x3ff0000000000000, NV, 0x7ff0000000000001, 0x3ff0000000000000)
    TEST_FD2(37, fmin.d, 0x7ff8000000000000, 0, 0x7ff8000000000000, 0xfff8000000000000)
    TEST_FD2(38, fmax.d, 0x7ff8000000000000, NV, 0x7ff0000000000001, 0x7ff8000000000000)
    TEST_FD2(39, fmin.d, 0xfff0000000000000, 0, 0xfff0000000000000, 0x4014000000000000)
    TEST_FD2(40, fmax.d, 0xbff0000000000000, 0, 0xbff0000000000000, 0xc000000000000000)
    TEST_FS2(41, fmin.s, 0x80000000, 0, 0x00000000, 0x80000000)
    TEST_FS2(42, fmax.s, 0x00000000, 0, 0x80000000, 0x00000000)
    TEST_FS2(43, fmax.s, 0x40000000, NV, 0x7f800001, 0x40000000)
    TEST_FS2(44, fmin.s, 0x7fc00000, 0, 0x7fc00000, 0xffc00000)
    TEST_FS2(45, fmin.s, 0xbf800000, 0, 0x3f800000, 0xbf800000)

    /* fclass: one bit per class */
    TEST_FD_INT1(50, fclass.d, 0x001, 0, 0xfff0000000000000)   /* -inf */
    TEST_FD_INT1(51, fclass.d, 0x002, 0, 0xbff0000000000000)   /* negative normal */
    TEST_FD_INT1(52, fclass.d, 0x004, 0, 0x800fffffffffffff)   /* negative subnormal */
    TEST_FD_INT1(53, fclass.d, 0x008, 0, 0x8000000000000000)   /* -0 */
    TEST_FD_INT1(54, fclass.d, 0x010, 0, 0x0000000000000000)   /* +0 */
    TEST_FD_INT1(55, fclass.d, 0x020, 0, 0x0000000000000001)   /* positive subnormal */
    TEST_FD_INT1(56, fclass.d, 0x040, 0, 0x3ff0000000000000)   /* positive normal */
    TEST_FD_INT1(57, fclass.d, 0x080, 0, 0x7ff0000000000000)   /* +inf */
    TEST_FD_INT1(58, fclass.d, 0x100, 0, 0x7ff0000000000001)   /* signalling NaN */
    TEST_FD_INT1(59, fclass.d, 0x200, 0, 0x7ff8000000000000)   /* quiet NaN */
    TEST_FD_INT1(60, fclass.d, 0x100, 0, 0xfff4000000000000)
    TEST_FD_INT1(61, fclass.d, 0x200, 0, 0xfff8000000000001)
    TEST_FS_INT1(62, fclass.s, 0x001, 0, 0xff800000)
    TEST_FS_INT1(63, fclass.s, 0x002, 0, 0xbf800000)
    TEST_FS_INT1(64, fclass.s, 0x004, 0, 0x807fffff)
    TEST_FS_INT1(65, fclass.s, 0x008, 0, 0x80000000)
    TEST_FS_INT1(66, fclass.s, 0x010, 0, 0x00000000)
    TEST_FS_INT1(67, fclass.s, 0x020, 0, 0x00000001)
    TEST_FS_INT1(68, fclass.s, 0x040, 0, 0x3f800000)
    TEST_FS_INT1(69, fclass.s, 0x080, 0, 0x7f800000)
    TEST_FS_INT1(70, fclass.s, 0x100, 0, 0x7f800001)
    TEST_FS_INT1(71, fclass.s, 0x200, 0, 0x7fc00000)

    /* sign injection: pure bit operations, NaNs pass through untouched */
    TEST_FD2(80, fsgnj.d, 0xbff0000000000000, 0, 0x3ff0000000000000, 0xc000000000000000)
    TEST_FD2(81, fsgnjn.d, 0x3ff0000000000000, 0, 0x3ff0000000000000, 0xc000000000000000)
    TEST_FD2(82, fsgnjx.d, 0xbff0000000000000, 0, 0x3ff0000000000000, 0xc000000000000000)
    TEST_FD2(83, fsgnj.d, 0xbff0000000000000, 0, 0xbff0000000000000, 0xc000000000000000)
    TEST_FD2(84, fsgnjn.d, 0x3ff0000000000000, 0, 0xbff0000000000000, 0xc000000000000000)
    TEST_FD2(85, fsgnjx.d, 0x3ff0000000000000, 0, 0xbff0000000000000, 0xc000000000000000)
    TEST_FD2(86, fsgnj.d, 0xfff0000000000001, 0, 0x7ff0000000000001, 0xbff0000000000000)
    TEST_FD2(87, fsgnjn.d, 0x7ff0000000000001, 0, 0x7ff0000000000001, 0xbff0000000000000)
    TEST_FS2(88, fsgnj.s, 0xbf800000, 0, 0x3f800000, 0xc0000000)
    TEST_FS2(89, fsgnjn.s, 0x3f800000, 0, 0x3f800000, 0xc0000000)
    TEST_FS2(90, fsgnjx.s, 0x3f800000, 0, 0xbf800000, 0xc0000000)
    TEST_FS2(91, fsgnjx.s, 0xff800001, 0, 0x7f800001, 0xbf800000)
    TEST_FD1(92, fneg.d, 0x8000000000000000, 0, 0x0000000000000000)
    TEST_FD1(93, fabs.d, 0x4008000000000000, 0, 0xc008000000000000)
    TEST_FS1(94, fneg.s, 0x7fc00000, 0, 0xffc00000)
    TEST_FS1(95, fabs.s, 0x7f800001, 0, 0xff800001)
TEST_END
