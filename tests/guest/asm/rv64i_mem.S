/* RV64I loads and stores of every width: sign and zero extension, positive
 * and negative offsets, stores that touch only their bytes, misaligned
 * loads and stores (allowed for user programs on Linux), loads into x0. */
#include "test.h"

    .data
    .balign 16
pattern:                        /* bytes 88 87 86 85 84 83 82 81 08 07 06 05 04 03 02 01 */
    .dword 0x8182838485868788
    .dword 0x0102030405060708
scratch:
    .zero 32

TEST_BEGIN("rv64i_mem")
    lla s0, pattern
    lb a2, 0(s0)
    CHECK(1, a2, 0xffffffffffffff88)
    lbu a2, 0(s0)
    CHECK(2, a2, 0x88)
    lb a2, 7(s0)
    CHECK(3, a2, 0xffffffffffffff81)
    lb a2, 8(s0)
    CHECK(4, a2, 0x08)
    lh a2, 0(s0)
    CHECK(5, a2, 0xffffffffffff8788)
    lhu a2, 0(s0)
    CHECK(6, a2, 0x8788)
    lh a2, 6(s0)
    CHECK(7, a2, 0xffffffffffff8182)
    lh a2, 8(s0)
    CHECK(8, a2, 0x0708)
    lw a2, 0(s0)
    CHECK(9, a2, 0xffffffff85868788)
    lwu a2, 0(s0)
    CHECK(10, a2, 0x85868788)
    lw a2, 4(s0)
    CHECK(11, a2, 0xffffffff81828384)
    lw a2, 8(s0)
    CHECK(12, a2, 0x05060708)
    ld a2, 0(s0)
    CHECK(13, a2, 0x8182838485868788)
    ld a2, 8(s0)
    CHECK(14, a2, 0x0102030405060708)
    addi s1, s0, 16             /* negative offsets */
    ld a2, -16(s1)
    CHECK(15, a2, 0x8182838485868788)
    lbu a2, -1(s1)
    CHECK(16, a2, 0x01)
    lhu a2, -10(s1)
    CHECK(17, a2, 0x8182)
    lw x0, 0(s0)                /* load into x0 is discarded */
    CHECK(18, x0, 0)

    /* misaligned loads */
    lh a2, 1(s0)
    CHECK(20, a2, 0xffffffffffff8687)
    lhu a2, 7(s0)
    CHECK(21, a2, 0x0881)
    lw a2, 1(s0)
    CHECK(22, a2, 0xffffffff84858687)
    lwu a2, 6(s0)
    CHECK(23, a2, 0x07088182)
    ld a2, 3(s0)
    CHECK(24, a2, 0x0607088182838485)
    ld a2, 7(s0)
    CHECK(25, a2, 0x0203040506070881)

    /* stores write only their bytes */
    lla s2, scratch
    sd zero, 0(s2)
    sd zero, 8(s2)
    li a1, 0x123456789abcdeff
    sb a1, 3(s2)
    ld a2, 0(s2)
    CHECK(30, a2, 0x00000000ff000000)
    sh a1, 6(s2)
    ld a2, 0(s2)
    CHECK(31, a2, 0xdeff0000ff000000)
    sw a1, 8(s2)
    ld a2, 8(s2)
    CHECK(32, a2, 0x000000009abcdeff)
    sd a1, 0(s2)
    ld a2, 0(s2)
    CHECK(33, a2, 0x123456789abcdeff)
    addi s3, s2, 16
    li a1, -1
    sb a1, -16(s3)
    lbu a2, 0(s2)
    CHECK(34, a2, 0xff)

    /* misaligned stores */
    sd zero, 0(s2)
    sd zero, 8(s2)
    li a1, 0x1122334455667788
    sd a1, 5(s2)
    ld a2, 0(s2)
    CHECK(40, a2, 0x6677880000000000)
    ld a2, 8(s2)
    CHECK(41, a2, 0x0000001122334455)
    sw a1, 13(s2)
    lwu a2, 13(s2)
    CHECK(42, a2, 0x55667788)
    sh a1, 1(s2)
    lhu a2, 1(s2)
    CHECK(43, a2, 0x7788)
    ld a2, 0(s2)
    CHECK(44, a2, 0x6677880000778800)

    /* the stack works like any memory */
    addi sp, sp, -16
    li a1, 0x0badc0ffee
    sd a1, 8(sp)
    ld a2, 8(sp)
    addi sp, sp, 16
    CHECK(50, a2, 0x0badc0ffee)
TEST_END
