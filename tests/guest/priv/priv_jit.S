#include "priv.h"
/* What system mode's JIT must get right, in M mode: hot loops (hundreds of
 * iterations, so the tiered engine compiles them) with loads and stores of every
 * size; self-modifying code (a function rewritten before each call, an
 * instruction patched later in the running block, both with fence.i); and a load
 * and a store access fault at iteration 150 of a hot loop, with everything the
 * loop did before the fault visible. The expected sums come from a model of the
 * loops (the comments say what they compute). */
#define BAD 0x40000000      /* neither RAM nor a device, on xvm and on spike */
#define ADDI_A1 0x00000593  /* addi a1, zero, 0 */

    .data
    .align 12
buf:    .zero 4096

    .text
main:
    TEST_BEGIN
    EXPECT_NO_TRAP(1)

    /* ---- 1. every load and store size in a hot loop ----
     * for i in 0..499: p = buf + (i & 31) * 8, v = i * K;
     *   sum += [p + 8] (written by an earlier iteration, or 0)
     *   [p] = v (8), [p + 256] = v (4), [p + 512] = v (2), [p + 768] = v (1)
     *   sum += each back: ld, lw, lwu, lh, lhu, lb, lbu
     *   sum = rotate_left(sum, 7) */
    la s1, buf
    li s2, 0
    li s3, 500
    li s4, 0
    li s5, 0x9e3779b97f4a7c15
1:  andi t1, s2, 31
    slli t1, t1, 3
    add t2, s1, t1
    mul t3, s2, s5
    ld t4, 8(t2)
    add s4, s4, t4
    sd t3, 0(t2)
    sw t3, 256(t2)
    sh t3, 512(t2)
    sb t3, 768(t2)
    ld a1, 0(t2)
    add s4, s4, a1
    lw a2, 256(t2)
    add s4, s4, a2
    lwu a3, 256(t2)
    add s4, s4, a3
    lh a4, 512(t2)
    add s4, s4, a4
    lhu a5, 512(t2)
    add s4, s4, a5
    lb a6, 768(t2)
    add s4, s4, a6
    lbu a7, 768(t2)
    add s4, s4, a7
    slli t4, s4, 7
    srli t1, s4, 57
    or s4, t4, t1
    addi s2, s2, 1
    bne s2, s3, 1b
    CHECK_EQ(2, s4, 0x805a1e08e801ae1c)
    /* the sum of the first 128 dwords of buf: what the stores left */
    li s2, 0
    li s4, 0
    li s3, 128
1:  ld t1, 0(s1)
    add s4, s4, t1
    addi s1, s1, 8
    addi s2, s2, 1
    bne s2, s3, 1b
    CHECK_EQ(3, s4, 0x38ccbb0a4b66b0c0)

    /* ---- 2. a function rewritten before every call ----
     * for i in 0..299: patch `addi a1, zero, i` into smc_func, fence.i, call;
     * sum += a1  ->  0 + 1 + ... + 299 = 44850 */
    EXPECT_NO_TRAP(4)
    la s1, smc_func
    li s2, 0
    li s3, 300
    li s4, 0
    li s5, ADDI_A1
1:  slli t1, s2, 20
    or t1, t1, s5
    sw t1, 0(s1)
    fence.i
    call smc_func
    add s4, s4, a1
    addi s2, s2, 1
    bne s2, s3, 1b
    CHECK_EQ(5, s4, 44850)

    /* ---- 3. an instruction later in the same block, patched ----
     * Every iteration: patch `addi a1, zero, i & 0x7ff` two instructions
     * ahead, fence.i, run it  ->  sum 44850 again. */
    EXPECT_NO_TRAP(6)
    la s1, 2f
    li s2, 0
    li s3, 300
    li s4, 0
    li s5, ADDI_A1
    .option push
    .option norvc
1:  andi t1, s2, 0x7ff
    slli t1, t1, 20
    or t1, t1, s5
    sw t1, 0(s1)
    fence.i
2:  addi a1, zero, 0
    add s4, s4, a1
    addi s2, s2, 1
    bne s2, s3, 1b
    .option pop
    CHECK_EQ(7, s4, 44850)

    /* The same, patched only every 128th iteration (to (i >> 7) + 1), so the
     * block is hot in between and compiled code rewrites its own page:
     * 128 * (1 + 2 + ... + 7) + 104 * 8 = 4416 over 1000 iterations. */
    EXPECT_NO_TRAP(8)
    la s1, 3f
    li s2, 0
    li s3, 1000
    li s4, 0
    li s5, ADDI_A1
    .option push
    .option norvc
1:  andi t1, s2, 127
    bnez t1, 3f
    srli t1, s2, 7
    addi t1, t1, 1
    slli t1, t1, 20
    or t1, t1, s5
    sw t1, 0(s1)
    fence.i
3:  addi a1, zero, 0
    add s4, s4, a1
    addi s2, s2, 1
    bne s2, s3, 1b
    .option pop
    CHECK_EQ(9, s4, 4416)

    /* ---- 4. access faults at iteration 150 of a hot loop ----
     * Each iteration counts (s2), loads from buf, then accesses
     * buf + 8, or BAD + 8 at iteration 150, then counts again (s7). */
    la s1, buf
    li s6, BAD
    sub s6, s6, s1
    li s3, 150
    EXPECT_TRAP(10, 5, 5f)
    li s2, 0
    li s7, 0
1:  addi s2, s2, 1
    ld t3, 16(s1)
    sub t1, s2, s3
    seqz t1, t1
    mul t1, t1, s6
    add t1, t1, s1
4:  ld t2, 8(t1)
    addi s7, s7, 1
    li t1, 1000
    bne s2, t1, 1b
    li a0, 11           /* no fault after 1000 iterations */
    j fail
5:  CHECK_EQ(12, t6, BAD + 8)
    la t1, 4b
    li a0, 13
    bne s11, t1, fail
    CHECK_EQ(14, s2, 150)
    CHECK_EQ(15, s7, 149)

    /* the same with a store: cause 7, and the stores of earlier iterations done */
    EXPECT_TRAP(16, 7, 5f)
    li s2, 0
    li s7, 0
1:  addi s2, s2, 1
    sd s2, 24(s1)
    sub t1, s2, s3
    seqz t1, t1
    mul t1, t1, s6
    add t1, t1, s1
4:  sd s2, 8(t1)
    addi s7, s7, 1
    li t1, 1000
    bne s2, t1, 1b
    li a0, 17
    j fail
5:  CHECK_EQ(18, t6, BAD + 8)
    la t1, 4b
    li a0, 19
    bne s11, t1, fail
    CHECK_EQ(20, s2, 150)
    CHECK_EQ(21, s7, 149)
    ld t1, 24(s1)
    CHECK_EQ(22, t1, 150)
    ld t1, 8(s1)
    CHECK_EQ(23, t1, 149)
    j pass

    /* on a page of its own, so the caller's page stays compiled */
    .align 12
    .option push
    .option norvc
smc_func:
    addi a1, zero, 0
    ret
    .option pop
