/* RV64A: lr/sc success and failure (sc with no reservation, sc after the
 * reservation was used, sc to another address), every AMO in .w and .d form:
 * the old value comes back (sign-extended for .w), memory gets the new value,
 * a .w AMO leaves the neighbouring word alone, signed vs unsigned min/max,
 * and the aq/rl variants. */
#include "test.h"

    .data
    .balign 4096
amo_mem:
    .dword 0
    .dword 0
    .balign 4096
other_page:
    .dword 0

/* 64-bit AMO: memory starts at init, rs2 = operand. */
#define TEST_AMO_D(id, insn, init, operand, old, new) \
    lla a0, amo_mem; li a1, init; sd a1, 0(a0); li a1, operand; \
    insn a2, a1, (a0); CHECK(id, a2, old); ld a3, 0(a0); CHECK(id, a3, new)
/* 32-bit AMO on the low word of a dword whose high word is 0xdeadbeef;
 * `new` is the low word afterwards. */
#define TEST_AMO_W(id, insn, init, operand, old, new) \
    lla a0, amo_mem; li a1, (0xdeadbeef00000000 | (init)); sd a1, 0(a0); li a1, operand; \
    insn a2, a1, (a0); CHECK(id, a2, old); ld a3, 0(a0); CHECK(id, a3, (0xdeadbeef00000000 | (new)))

TEST_BEGIN("rv64a")
    /* sc with no lr ever executed fails and writes nothing */
    lla a0, amo_mem
    li a3, 0x5555
    sc.d a4, a3, (a0)
    bnez a4, 0f
    FAIL_HERE(14)
0:  ld a5, 0(a0)
    CHECK(15, a5, 0)
    sc.w a4, a3, (a0)
    bnez a4, 0f
    FAIL_HERE(16)
0:
    /* lr.d / sc.d success */
    li a1, 0x1111
    sd a1, 0(a0)
    lr.d a2, (a0)
    CHECK(1, a2, 0x1111)
    li a3, 0x2222
    sc.d a4, a3, (a0)
    CHECK(2, a4, 0)
    ld a5, 0(a0)
    CHECK(3, a5, 0x2222)
    /* a second sc without a new lr fails and leaves memory alone */
    li a3, 0x3333
    sc.d a4, a3, (a0)
    beqz a4, 1f                 /* failure is any non-zero code */
    ld a5, 0(a0)
    CHECK(4, a5, 0x2222)
    j 2f
1:  FAIL_HERE(5)
2:
    /* lr.w sign-extends; sc.w success writes only the word */
    li a1, 0x7777777780000000
    sd a1, 0(a0)
    lr.w a2, (a0)
    CHECK(6, a2, 0xffffffff80000000)
    li a3, 0x123456789
    sc.w a4, a3, (a0)
    CHECK(7, a4, 0)
    ld a5, 0(a0)
    CHECK(8, a5, 0x7777777723456789)
    sc.w a4, a3, (a0)
    beqz a4, 3f
    j 4f
3:  FAIL_HERE(9)
4:
    /* sc to an address in another page than the reservation fails */
    lla a6, other_page
    sd zero, 0(a6)
    lr.d a2, (a0)
    li a3, 0x4444
    sc.d a4, a3, (a6)
    beqz a4, 5f
    ld a5, 0(a6)
    CHECK(10, a5, 0)
    j 6f
5:  FAIL_HERE(11)
6:
    /* aq/rl variants, and a retry loop as compilers emit for CAS */
    li a1, 40
    sd a1, 0(a0)
7:  lr.d.aq a2, (a0)
    addi a2, a2, 2
    sc.d.rl a4, a2, (a0)
    bnez a4, 7b
    ld a5, 0(a0)
    CHECK(12, a5, 42)
    lr.w.aqrl a2, (a0)
    sc.w.aqrl a4, a2, (a0)
    CHECK(13, a4, 0)

    TEST_AMO_D(20, amoswap.d, 0x1122334455667788, 0x8877665544332211, 0x1122334455667788, 0x8877665544332211)
    TEST_AMO_D(21, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_AMO_D(22, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
    TEST_AMO_D(23, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
    TEST_AMO_D(24, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
    TEST_AMO_D(25, amomin.d, -5, 3, -5, -5)
    TEST_AMO_D(26, amominu.d, -5, 3, -5, 3)
    TEST_AMO_D(27, amomax.d, -5, 3, -5, 3)
    TEST_AMO_D(28, amomaxu.d, -5, 3, -5, -5)
    TEST_AMO_D(29, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO_D(30, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO_D(31, amoadd.d.aqrl, 40, 2, 40, 42)
    TEST_AMO_D(32, amoswap.d.aq, 1, 2, 1, 2)

    TEST_AMO_W(40, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
    TEST_AMO_W(41, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
    TEST_AMO_W(42, amoadd.w, 0xffffffff, 1, -1, 0)              /* no carry into the next word */
    TEST_AMO_W(43, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xf0f0f0f0)
    TEST_AMO_W(44, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
    TEST_AMO_W(45, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfff0fff0)
    TEST_AMO_W(46, amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(47, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
    TEST_AMO_W(48, amomax.w, 0x80000000, 1, 0xffffffff80000000, 1)
    TEST_AMO_W(49, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
    /* only rs2's low word takes part */
    TEST_AMO_W(50, amominu.w, 0x80000000, 0x0000000100000002, 0xffffffff80000000, 2)
    TEST_AMO_W(51, amomin.w, 5, 0x00000001fffffffe, 5, 0xfffffffe)
    TEST_AMO_W(52, amomax.w, 0xfffffffe, 0xffffffff00000003, -2, 3)
    TEST_AMO_W(53, amoadd.w, 1, 0x7fffffff00000001, 1, 2)
    TEST_AMO_W(54, amoswap.w.rl, 7, 8, 7, 8)

    /* rd == x0 still updates memory; rd == rs2 gets the old value */
    lla a0, amo_mem
    li a1, 10
    sd a1, 0(a0)
    li a1, 5
    amoadd.d x0, a1, (a0)
    ld a2, 0(a0)
    CHECK(60, a2, 15)
    li a1, 99
    amoswap.d a1, a1, (a0)
    CHECK(61, a1, 15)
    ld a2, 0(a0)
    CHECK(62, a2, 99)
    /* a .w AMO on the high word of a dword */
    li a1, 0x0000000100000002
    sd a1, 0(a0)
    li a1, 3
    addi a4, a0, 4              /* AMOs take no offset */
    amoadd.w a2, a1, (a4)
    CHECK(63, a2, 1)
    ld a2, 0(a0)
    CHECK(64, a2, 0x0000000400000002)
TEST_END
