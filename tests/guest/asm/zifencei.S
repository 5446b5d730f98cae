/* Zifencei: code written into an RWX mmap page runs after fence.i, and
 * rewriting code that already ran many times (and may be translated and
 * cached by the emulator) takes effect after the next fence.i. */
#include "test.h"

#define ADDI_A0_ZERO(imm) (0x00000513 | ((imm) << 20))  /* addi a0, zero, imm */
#define RET_INSN 0x00008067                              /* jalr zero, 0(ra) */

/* Run the generated code `n` times, summing its a0 results into s2. */
#define CALL_N(n)                \
    li s2, 0;                    \
    li s3, n;                    \
40001:                           \
    jalr ra, 0(s0);              \
    add s2, s2, a0;              \
    addi s3, s3, -1;             \
    bnez s3, 40001b;

TEST_BEGIN("zifencei")
    li a0, 0
    li a1, 4096
    li a2, 7                    /* PROT_READ | PROT_WRITE | PROT_EXEC */
    li a3, 0x22                 /* MAP_PRIVATE | MAP_ANONYMOUS */
    li a4, -1
    li a5, 0
    li a7, SYS_mmap
    ecall
    li t0, -4096
    bltu a0, t0, 1f             /* -4095..-1 are errors */
    FAIL_HERE(1)
1:  mv s0, a0

    li t0, ADDI_A0_ZERO(42)
    sw t0, 0(s0)
    li t0, RET_INSN
    sw t0, 4(s0)
    fence.i
    CALL_N(1000)
    CHECK(2, s2, 42000)

    li t0, ADDI_A0_ZERO(43)     /* patch the hot code */
    sw t0, 0(s0)
    fence.i
    CALL_N(10)
    CHECK(3, s2, 430)

    li t0, 0x80824515           /* c.li a0, 5 ; c.jr ra */
    sw t0, 0(s0)
    fence.i
    CALL_N(3)
    CHECK(4, s2, 15)

    /* a longer body: the new code is longer than what was translated */
    li t0, ADDI_A0_ZERO(1)
    sw t0, 0(s0)
    li t0, 0x00150513           /* addi a0, a0, 1 */
    sw t0, 4(s0)
    sw t0, 8(s0)
    li t0, RET_INSN
    sw t0, 12(s0)
    fence.i
    CALL_N(4)
    CHECK(5, s2, 12)

    mv a0, s0
    li a1, 4096
    li a7, SYS_munmap
    ecall
    CHECK(6, a0, 0)
TEST_END
