/* Zicsr: csrrw/csrrs/csrrc and the immediate forms on fflags, frm and fcsr
 * (old value returned, field widths masked, the three views consistent,
 * fcsr bits 31:8 read as zero), and the user-readable counters cycle, time
 * and instret, which must not trap and must not run backwards. */
#include "test.h"

TEST_BEGIN("zicsr")
    csrwi fflags, 0
    csrwi frm, 0
    li a0, 0xff
    csrrw a1, fcsr, a0
    CHECK(1, a1, 0)
    csrr a2, fcsr
    CHECK(2, a2, 0xff)
    csrr a3, fflags
    CHECK(3, a3, 0x1f)
    csrr a4, frm
    CHECK(4, a4, 7)
    csrrw a1, fcsr, zero
    CHECK(5, a1, 0xff)

    li a0, 3
    csrrs a1, fflags, a0
    CHECK(6, a1, 0)
    csrr a2, fflags
    CHECK(7, a2, 3)
    li a0, 1
    csrrc a1, fflags, a0
    CHECK(8, a1, 3)
    csrr a2, fflags
    CHECK(9, a2, 2)
    csrrwi a1, frm, 3
    CHECK(10, a1, 0)
    csrr a2, fcsr
    CHECK(11, a2, 0x62)         /* frm 3 << 5 | fflags 2 */
    csrrsi a1, frm, 4
    CHECK(12, a1, 3)
    csrr a2, frm
    CHECK(13, a2, 7)
    csrrci a1, frm, 5
    CHECK(14, a1, 7)
    csrr a2, frm
    CHECK(15, a2, 2)
    csrrsi a1, fflags, 0x10
    CHECK(16, a1, 2)
    csrr a2, fflags
    CHECK(17, a2, 0x12)
    csrrci a1, fflags, 0x1f
    CHECK(18, a1, 0x12)
    csrr a2, fcsr
    CHECK(19, a2, 0x40)         /* frm 2 remains */

    /* field widths */
    li a0, 0xff
    csrw fflags, a0
    csrr a2, fflags
    CHECK(20, a2, 0x1f)
    csrw frm, a0
    csrr a2, frm
    CHECK(21, a2, 7)
    li a0, 0xffffff45
    csrw fcsr, a0
    csrr a2, fcsr
    CHECK(22, a2, 0x45)
    /* csrrs/csrrc with x0 (or a zero immediate) read without writing */
    csrrs a1, fcsr, x0
    CHECK(23, a1, 0x45)
    csrrci a1, fcsr, 0
    CHECK(24, a1, 0x45)
    /* rd = rs1: the old value lands in rd, the write uses the old rs1 */
    li a5, 0x0a
    csrrw a5, fcsr, a5
    CHECK(25, a5, 0x45)
    csrr a2, fcsr
    CHECK(26, a2, 0x0a)
    /* FP instructions set flags visible through every view */
    csrwi fcsr, 0
    li t0, 0x3ff0000000000000
    fmv.d.x f1, t0
    fmv.d.x f2, zero
    fdiv.d f3, f1, f2
    csrr a2, fcsr
    CHECK(27, a2, DZ)
    fsflagsi a1, 0
    CHECK(28, a1, DZ)
    fsrmi a1, 1
    CHECK(29, a1, 0)
    frcsr a2
    CHECK(30, a2, 0x20)
    fscsr zero

    /* counters are readable from user mode and monotonic */
    rdcycle s0
    rdtime s1
    rdinstret s2
    li t0, 1000
1:  addi t0, t0, -1
    bnez t0, 1b
    rdcycle s3
    rdtime s4
    rdinstret s5
    bgeu s3, s0, 2f
    FAIL_HERE(40)
2:  bgeu s4, s1, 3f
    FAIL_HERE(41)
3:  bgeu s5, s2, 4f
    FAIL_HERE(42)
4:  csrr a0, cycle              /* the same CSRs by name */
    csrr a0, time
    csrr a0, instret
TEST_END
