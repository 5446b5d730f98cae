/* F and D arithmetic with exact and inexact results: add, sub, mul, div,
 * sqrt, the four fused multiply-adds (single rounding shows in the last
 * bits), compares, FP loads/stores and moves. Flags are checked exactly. */
#include "test.h"

    .data
    .balign 8
fp_slot:
    .dword 0
    .dword 0
fp_values:
    .dword 0x400921fb54442d18   /* pi */
    .word 0x40490fdb            /* pi, single */
    .word 0

TEST_BEGIN("fp_arith")
    /* double */
    TEST_FD2(1, fadd.d, 0x4008000000000000, 0, 0x3ff0000000000000, 0x4000000000000000)
    TEST_FD2(2, fadd.d, 0x3ff0000000000000, NX, 0x3ff0000000000000, 0x3ca0000000000000)
    TEST_FD2(3, fsub.d, 0xbff0000000000000, 0, 0x3ff0000000000000, 0x4000000000000000)
    TEST_FD2(4, fsub.d, 0x0000000000000000, 0, 0x4000000000000000, 0x4000000000000000)
    TEST_FD2(5, fmul.d, 0xc024000000000000, 0, 0x4004000000000000, 0xc010000000000000)
    TEST_FD2(6, fdiv.d, 0x3fd5555555555555, NX, 0x3ff0000000000000, 0x4008000000000000)
    TEST_FD2(7, fdiv.d, 0x4000000000000000, 0, 0x4018000000000000, 0x4008000000000000)
    TEST_FD1(8, fsqrt.d, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000)
    TEST_FD1(9, fsqrt.d, 0x4000000000000000, 0, 0x4010000000000000)
    TEST_FD1(10, fsqrt.d, 0x8000000000000000, 0, 0x8000000000000000)   /* sqrt(-0) = -0 */
    TEST_FD1(11, fsqrt.d, 0x7ff0000000000000, 0, 0x7ff0000000000000)
    TEST_FD3(12, fmadd.d, 0x401c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
    TEST_FD3(13, fmsub.d, 0x4014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
    TEST_FD3(14, fnmsub.d, 0xc014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
    TEST_FD3(15, fnmadd.d, 0xc01c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
    /* (1+2^-52)(1-2^-52) - 1 = -2^-104 exactly: only a fused op gets it */
    TEST_FD3(16, fmadd.d, 0xb970000000000000, 0, 0x3ff0000000000001, 0x3feffffffffffffe, 0xbff0000000000000)
    TEST_FD3(17, fmadd.d, 0x3c9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000)
    TEST_FD3(18, fnmadd.d, 0x3970000000000000, 0, 0x3ff0000000000001, 0x3feffffffffffffe, 0xbff0000000000000)

    /* single: results come back NaN-boxed */
    TEST_FS2(20, fadd.s, 0x40400000, 0, 0x3f800000, 0x40000000)
    TEST_FS2(21, fsub.s, 0xbf800000, 0, 0x3f800000, 0x40000000)
    TEST_FS2(22, fmul.s, 0x40100000, 0, 0x3fc00000, 0x3fc00000)
    TEST_FS2(23, fdiv.s, 0x3eaaaaab, NX, 0x3f800000, 0x40400000)
    TEST_FS1(24, fsqrt.s, 0x3fb504f3, NX, 0x40000000)
    TEST_FS1(25, fsqrt.s, 0x40000000, 0, 0x40800000)
    TEST_FS3(26, fmadd.s, 0x40e00000, 0, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FS3(27, fmsub.s, 0x40a00000, 0, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FS3(28, fnmsub.s, 0xc0a00000, 0, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FS3(29, fnmadd.s, 0xc0e00000, 0, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FS3(30, fmadd.s, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000)

    /* compares write 0/1 to an integer register */
    TEST_FD_INT2(40, feq.d, 1, 0, 0x3ff0000000000000, 0x3ff0000000000000)
    TEST_FD_INT2(41, flt.d, 1, 0, 0x3ff0000000000000, 0x4000000000000000)
    TEST_FD_INT2(42, flt.d, 0, 0, 0x4000000000000000, 0x3ff0000000000000)
    TEST_FD_INT2(43, fle.d, 1, 0, 0x4000000000000000, 0x4000000000000000)
    TEST_FD_INT2(44, feq.d, 1, 0, 0x8000000000000000, 0x0000000000000000)  /* -0 == +0 */
    TEST_FD_INT2(45, flt.d, 0, 0, 0x8000000000000000, 0x0000000000000000)
    TEST_FD_INT2(46, fle.d, 1, 0, 0x8000000000000000, 0x0000000000000000)
    TEST_FD_INT2(47, flt.d, 1, 0, 0xfff0000000000000, 0xffefffffffffffff)
    TEST_FS_INT2(48, feq.s, 1, 0, 0x3f800000, 0x3f800000)
    TEST_FS_INT2(49, flt.s, 1, 0, 0xbf800000, 0x3f800000)
    TEST_FS_INT2(50, fle.s, 0, 0, 0x40000000, 0x3f800000)
    TEST_FS_INT2(51, feq.s, 1, 0, 0x80000000, 0x00000000)

    /* loads, stores and moves are bit-exact */
    lla s0, fp_values
    lla s1, fp_slot
    fld f5, 0(s0)
    fmv.x.d a2, f5
    CHECK(60, a2, 0x400921fb54442d18)
    flw f6, 8(s0)
    fmv.x.d a2, f6
    CHECK(61, a2, 0xffffffff40490fdb)      /* flw NaN-boxes */
    fsd f5, 0(s1)
    ld a2, 0(s1)
    CHECK(62, a2, 0x400921fb54442d18)
    sd zero, 8(s1)
    fsw f6, 8(s1)
    ld a2, 8(s1)
    CHECK(63, a2, 0x40490fdb)              /* fsw writes 4 bytes */
    addi s2, s1, 16
    fld f7, -16(s2)
    fmv.x.d a2, f7
    CHECK(64, a2, 0x400921fb54442d18)
    li a1, 0x7ff0000000000001              /* signalling NaN survives moves */
    fmv.d.x f8, a1
    CLEAR_FLAGS
    fsd f8, 0(s1)
    fmv.d f9, f8
    fmv.x.d a2, f9
    CHECK(65, a2, 0x7ff0000000000001)
    ld a2, 0(s1)
    CHECK(66, a2, 0x7ff0000000000001)
    CHECK_FLAGS(67, 0)
    /* fmv.w.x boxes the low word and ignores the upper half of rs1 */
    li a1, 0x123456783f800000
    fmv.w.x f10, a1
    fmv.x.d a2, f10
    CHECK(68, a2, 0xffffffff3f800000)
TEST_END
