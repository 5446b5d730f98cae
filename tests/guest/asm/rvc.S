/* C extension: every RV64C instruction form (c.ebreak is in status/ebreak.S).
 * Each is written with its c. mnemonic inside C16(), which records its start
 * and end address; the last check walks that table and requires every entry
 * to be 2 bytes long, so nothing here silently assembled to 32 bits. Also: a
 * 32-bit instruction at a 2-byte-aligned address straddling a page boundary. */
#include "test.h"

#define C16(...)                                             \
30001: __VA_ARGS__;                                          \
30002: .pushsection c16_sizes, "a";                          \
    .dword 30001b, 30002b;                                   \
    .popsection

    .data
    .balign 8
cdata:
    .dword 0x8182838485868788   /* offset 0 */
    .zero 112
    .word 0x11111111            /* offset 120 */
    .word 0x7abcdef0            /* offset 124 */
    .zero 120
    .dword 0x0123456789abcdef   /* offset 248 */
cscratch:
    .zero 256

TEST_BEGIN("rvc")
    .option rvc
    .option norelax             /* keep label arithmetic exact */

    /* CI / CIW: immediates */
    C16(c.li a0, -32)
    CHECK(1, a0, -32)
    C16(c.li a0, 31)
    CHECK(2, a0, 31)
    C16(c.lui a1, 0xfffe0)
    CHECK(3, a1, 0xfffffffffffe0000)
    C16(c.lui a1, 1)
    CHECK(4, a1, 0x1000)
    C16(c.lui a1, 0x1f)
    CHECK(5, a1, 0x1f000)
    li a2, 10
    C16(c.addi a2, -32)
    CHECK(6, a2, -22)
    C16(c.nop)
    li a2, 0x7fffffff
    C16(c.addiw a2, 1)
    CHECK(7, a2, 0xffffffff80000000)
    li a2, 0x12345678ffffffff
    C16(c.addiw a2, 0)          /* sext.w */
    CHECK(8, a2, -1)
    mv s10, sp
    C16(c.addi16sp sp, -512)
    C16(c.addi16sp sp, 496)
    sub a3, s10, sp
    CHECK(9, a3, 16)
    mv sp, s10
    C16(c.addi4spn a0, sp, 1020)
    sub a3, a0, sp
    CHECK(10, a3, 1020)
    C16(c.addi4spn a5, sp, 4)
    sub a3, a5, sp
    CHECK(11, a3, 4)

    /* CR: mv and add on any registers */
    li a0, 0x123
    C16(c.mv t0, a0)
    CHECK(12, t0, 0x123)
    li t1, 5
    C16(c.add t1, t0)
    CHECK(13, t1, 0x128)

    /* CA: x8..x15 only */
    li a0, 0xff00ff00ff00ff00
    li a1, 0x0ff00ff00ff00ff0
    mv a2, a0
    C16(c.and a2, a1)
    CHECK(14, a2, 0x0f000f000f000f00)
    mv a2, a0
    C16(c.or a2, a1)
    CHECK(15, a2, 0xfff0fff0fff0fff0)
    mv a2, a0
    C16(c.xor a2, a1)
    CHECK(16, a2, 0xf0f0f0f0f0f0f0f0)
    li a2, 5
    li a3, 7
    C16(c.sub a2, a3)
    CHECK(17, a2, -2)
    li a2, 0x7fffffff
    li a3, 1
    C16(c.addw a2, a3)
    CHECK(18, a2, 0xffffffff80000000)
    li a2, 0x80000000
    C16(c.subw a2, a3)
    CHECK(19, a2, 0x7fffffff)
    li a2, 0
    C16(c.subw a2, a3)
    CHECK(20, a2, -1)

    /* CB shifts and andi, CI slli */
    li a4, 0x8000000000000000
    C16(c.srli a4, 63)
    CHECK(21, a4, 1)
    li a4, 0x8000000000000000
    C16(c.srai a4, 63)
    CHECK(22, a4, -1)
    li a4, 0x8000000000000000
    C16(c.srai a4, 1)
    CHECK(23, a4, 0xc000000000000000)
    li a4, 0xffffffff00000000
    C16(c.srli a4, 32)
    CHECK(24, a4, 0xffffffff)
    li a5, -1
    C16(c.andi a5, -32)
    CHECK(25, a5, 0xffffffffffffffe0)
    li a5, 0x1234
    C16(c.andi a5, 15)
    CHECK(26, a5, 4)
    li t2, 1
    C16(c.slli t2, 63)
    CHECK(27, t2, 0x8000000000000000)
    li t2, 0x12345678
    C16(c.slli t2, 32)
    CHECK(28, t2, 0x1234567800000000)

    /* CL / CS: register-based loads and stores, largest offsets */
    lla s0, cdata
    lla s1, cscratch
    C16(c.ld a0, 0(s0))
    CHECK(30, a0, 0x8182838485868788)
    C16(c.lw a1, 4(s0))
    CHECK(31, a1, 0xffffffff81828384)
    C16(c.lw a1, 124(s0))
    CHECK(32, a1, 0x7abcdef0)
    C16(c.ld a2, 248(s0))
    CHECK(33, a2, 0x0123456789abcdef)
    li a3, 0x1122334455667788
    C16(c.sd a3, 248(s1))
    ld a4, 248(s1)
    CHECK(34, a4, 0x1122334455667788)
    C16(c.sw a3, 124(s1))
    lwu a4, 124(s1)
    CHECK(35, a4, 0x55667788)
    C16(c.fld fa0, 248(s0))
    fmv.x.d a4, fa0
    CHECK(36, a4, 0x0123456789abcdef)
    C16(c.fsd fa0, 8(s1))
    ld a4, 8(s1)
    CHECK(37, a4, 0x0123456789abcdef)

    /* CSS / CI: stack-pointer-based, largest offsets */
    addi sp, sp, -512
    li t0, 0xdeadbeefcafef00d
    C16(c.sdsp t0, 504(sp))
    C16(c.ldsp t1, 504(sp))
    CHECK(40, t1, 0xdeadbeefcafef00d)
    C16(c.swsp t0, 252(sp))
    C16(c.lwsp t2, 252(sp))
    CHECK(41, t2, 0xffffffffcafef00d)
    C16(c.sdsp t0, 0(sp))
    C16(c.lwsp t2, 4(sp))
    CHECK(42, t2, 0xffffffffdeadbeef)
    fmv.d.x ft0, t0
    C16(c.fsdsp ft0, 8(sp))
    C16(c.fldsp ft1, 8(sp))
    fmv.x.d t1, ft1
    CHECK(43, t1, 0xdeadbeefcafef00d)
    ld t1, 8(sp)
    CHECK(44, t1, 0xdeadbeefcafef00d)
    addi sp, sp, 512

    /* CB branches and CJ jumps */
    li a0, 0
    C16(c.beqz a0, 1f)
    FAIL_HERE(50)
1:  li a0, 1
    C16(c.beqz a0, 2f)
    j 3f
2:  FAIL_HERE(51)
3:  C16(c.bnez a0, 4f)
    FAIL_HERE(52)
4:  li a0, 0
    C16(c.bnez a0, 5f)
    j 6f
5:  FAIL_HERE(53)
6:  C16(c.j 7f)
    FAIL_HERE(54)
7:  li a1, 5
    li a2, 0
8:  addi a2, a2, 2
    C16(c.addi a1, -1)
    C16(c.bnez a1, 8b)          /* backward */
    CHECK(55, a2, 10)
    /* CR jumps: c.jalr links pc+2, c.jr does not link */
    lla t0, csub
    li a3, 0
    C16(c.jalr t0)
9:  CHECK(56, a3, 66)
    lla t1, 9b
    CHECK_REG(57, ra, t1)
    lla t0, 10f
    C16(c.jr t0)
    FAIL_HERE(58)
10:

    /* a 32-bit instruction at a 2-byte boundary that straddles two pages */
    j 11f
    .balign 4096
11: .fill 2047, 2, 0x0001       /* 2047 x c.nop: 4094 bytes */
    .option push
    .option norvc
12: addi a0, zero, 123
    .if (. - 12b) != 4
    .error "expected a 32-bit encoding"
    .endif
    .option pop
    CHECK(60, a0, 123)

    /* every C16() instruction is 2 bytes long */
    lla s0, __start_c16_sizes
    lla s1, __stop_c16_sizes
    sub t0, s1, s0
    CHECK(61, t0, 16 * 56)      /* 56 C16() uses in this file */
13: ld t0, 0(s0)
    ld t1, 8(s0)
    sub t2, t1, t0
    CHECK(62, t2, 2)
    addi s0, s0, 16
    bltu s0, s1, 13b
TEST_END

csub:
    li a3, 66
    C16(c.jr ra)
