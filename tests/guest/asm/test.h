/*
 * Self-checking RISC-V test convention (included by every tests/guest/asm/*.S).
 *
 * A test file is:
 *     #include "test.h"
 *     TEST_BEGIN("name")
 *       TEST_RR(1, add, 3, 1, 2)
 *       ...
 *     TEST_END
 *
 * Each check loads its inputs, computes, and compares with the value the spec
 * gives. On the first mismatch the program writes "FAIL name test ID" to
 * stderr and exits (exit, a7 = 93) with status ID, so a failing CTest run names
 * the check. ids are 1..255. When all pass it writes "PASS name" and exits 0.
 *
 * Reserved: s11 holds the current test id, t6 the expected value, t5 scratch
 * for the FP helpers. Tests keep their results out of these registers.
 *
 * Inside C-preprocessor macros `;` separates assembler statements; comments
 * in .S files use C syntax because `#` starts a preprocessor line.
 */
#ifndef XVM_GUEST_ASM_TEST_H
#define XVM_GUEST_ASM_TEST_H

#define TESTNUM s11

/* Linux syscall numbers (asm-generic/unistd.h, used by riscv64). */
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_munmap 215
#define SYS_mmap 222

/* Instruction tests use the full 32-bit encodings; rvc.S turns
 * compression back on where it wants it. */
#define TEST_BEGIN(name)                 \
    .section .rodata;                    \
test_name:                               \
    .ascii name;                         \
test_name_end:                           \
    .text;                               \
    .option norvc;                       \
    .globl _start;                       \
_start:                                  \
    /* lla may be relaxed to gp-relative */ \
    .option push;                        \
    .option norelax;                     \
    lla gp, __global_pointer$;           \
    .option pop;                         \
    li TESTNUM, 0;

/* --- comparison core ------------------------------------------------------ */

/* Compare register `reg` (not t6) with a 64-bit constant. */
#define CHECK(id, reg, expected)         \
    li TESTNUM, id;                      \
    li t6, expected;                     \
    beq reg, t6, 10001f;                 \
    j fail;                              \
10001:

/* Compare two registers. */
#define CHECK_REG(id, reg, expected_reg) \
    li TESTNUM, id;                      \
    beq reg, expected_reg, 10002f;       \
    j fail;                              \
10002:

/* Unconditional failure (for paths that must not be reached). */
#define FAIL_HERE(id)                    \
    li TESTNUM, id;                      \
    j fail;

/* --- integer forms -------------------------------------------------------- */

/* rd = insn(rs1=a, rs2=b) */
#define TEST_RR(id, insn, expected, a, b) \
    li a0, a;                            \
    li a1, b;                            \
    insn a2, a0, a1;                     \
    CHECK(id, a2, expected)

/* rd = insn(rs1=a, imm) */
#define TEST_RI(id, insn, expected, a, imm) \
    li a0, a;                            \
    insn a2, a0, imm;                    \
    CHECK(id, a2, expected)

/* rd = insn(rs1=a) */
#define TEST_R(id, insn, expected, a)    \
    li a0, a;                            \
    insn a2, a0;                         \
    CHECK(id, a2, expected)

/* Same as TEST_RR with rd == rs1 and rd == rs2 == rs1 (source overwrite). */
#define TEST_RR_SRC1_EQ_DEST(id, insn, expected, a, b) \
    li a0, a;                            \
    li a1, b;                            \
    insn a0, a0, a1;                     \
    CHECK(id, a0, expected)

/* Writes to x0 are discarded. */
#define TEST_RR_ZERO_DEST(id, insn, a, b) \
    li a0, a;                            \
    li a1, b;                            \
    insn x0, a0, a1;                     \
    CHECK(id, x0, 0)

/* --- floating point (bit patterns in integer constants) ------------------ */

#define LOAD_D(freg, bits)  li t5, bits; fmv.d.x freg, t5;
#define LOAD_S(freg, bits)  li t5, bits; fmv.w.x freg, t5;
/* Whole 64-bit register: singles must come back NaN-boxed (upper 32 ones). */
#define CHECK_D(id, freg, bits) fmv.x.d t5, freg; CHECK(id, t5, bits)
#define CHECK_S(id, freg, bits) fmv.x.d t5, freg; CHECK(id, t5, (0xffffffff00000000 | (bits)))
#define CLEAR_FLAGS         csrwi fflags, 0;
#define CHECK_FLAGS(id, flags) csrr t5, fflags; CHECK(id, t5, flags)

/* fflags bits (unprivileged spec, "Accrued Exception Flags"). */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* f3 = op(f1=a, f2=b [, rm]); check result bits and exactly the flags. */
#define TEST_FD2(id, op, res, flags, a, b, ...) \
    LOAD_D(f1, a) LOAD_D(f2, b) CLEAR_FLAGS \
    op f3, f1, f2 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_D(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_FS2(id, op, res, flags, a, b, ...) \
    LOAD_S(f1, a) LOAD_S(f2, b) CLEAR_FLAGS \
    op f3, f1, f2 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_S(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_FD1(id, op, res, flags, a, ...) \
    LOAD_D(f1, a) CLEAR_FLAGS \
    op f3, f1 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_D(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_FS1(id, op, res, flags, a, ...) \
    LOAD_S(f1, a) CLEAR_FLAGS \
    op f3, f1 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_S(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_FD3(id, op, res, flags, a, b, c, ...) \
    LOAD_D(f1, a) LOAD_D(f2, b) LOAD_D(f4, c) CLEAR_FLAGS \
    op f3, f1, f2, f4 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_D(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_FS3(id, op, res, flags, a, b, c, ...) \
    LOAD_S(f1, a) LOAD_S(f2, b) LOAD_S(f4, c) CLEAR_FLAGS \
    op f3, f1, f2, f4 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_S(id, f3, res) CHECK_FLAGS(id, flags)
/* Single in, double out (fcvt.d.s); double in, single out is TEST_FD1
 * with the boxed result written out. */
#define TEST_FS1_D(id, op, res, flags, a, ...) \
    LOAD_S(f1, a) CLEAR_FLAGS \
    op f3, f1 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_D(id, f3, res) CHECK_FLAGS(id, flags)
/* Integer result from FP inputs (compares, fclass, fcvt to int, fmv.x). */
#define TEST_FD_INT1(id, op, res, flags, a, ...) \
    LOAD_D(f1, a) CLEAR_FLAGS \
    op a2, f1 __VA_OPT__(,) __VA_ARGS__; \
    CHECK(id, a2, res) CHECK_FLAGS(id, flags)
#define TEST_FS_INT1(id, op, res, flags, a, ...) \
    LOAD_S(f1, a) CLEAR_FLAGS \
    op a2, f1 __VA_OPT__(,) __VA_ARGS__; \
    CHECK(id, a2, res) CHECK_FLAGS(id, flags)
#define TEST_FD_INT2(id, op, res, flags, a, b) \
    LOAD_D(f1, a) LOAD_D(f2, b) CLEAR_FLAGS \
    op a2, f1, f2; \
    CHECK(id, a2, res) CHECK_FLAGS(id, flags)
#define TEST_FS_INT2(id, op, res, flags, a, b) \
    LOAD_S(f1, a) LOAD_S(f2, b) CLEAR_FLAGS \
    op a2, f1, f2; \
    CHECK(id, a2, res) CHECK_FLAGS(id, flags)
/* FP result from an integer input (fcvt from int). */
#define TEST_INT_FD(id, op, res, flags, a, ...) \
    li a0, a; CLEAR_FLAGS \
    op f3, a0 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_D(id, f3, res) CHECK_FLAGS(id, flags)
#define TEST_INT_FS(id, op, res, flags, a, ...) \
    li a0, a; CLEAR_FLAGS \
    op f3, a0 __VA_OPT__(,) __VA_ARGS__; \
    CHECK_S(id, f3, res) CHECK_FLAGS(id, flags)

/* --- pass / fail ----------------------------------------------------------- */

/* write(fd, start, end - start) */
#define WRITE_RANGE(fd, start, end) \
    la a1, start;                   \
    la a2, end;                     \
    sub a2, a2, a1;                 \
    li a0, fd;                      \
    li a7, SYS_write;               \
    ecall;

#define TEST_END                                    \
    WRITE_RANGE(1, msg_pass, msg_pass_end)          \
    WRITE_RANGE(1, test_name, test_name_end)        \
    WRITE_RANGE(1, msg_newline, msg_newline_end)    \
    li a0, 0;                                       \
    li a7, SYS_exit;                                \
    ecall;                                          \
fail:                                               \
    WRITE_RANGE(2, msg_fail, msg_fail_end)          \
    WRITE_RANGE(2, test_name, test_name_end)        \
    WRITE_RANGE(2, msg_test, msg_test_end)          \
    /* the id in decimal, built backwards on the stack */ \
    addi sp, sp, -32;                               \
    addi a1, sp, 31;                                \
    li t0, 10;                                      \
    sb t0, 0(a1);                                   \
    mv t1, TESTNUM;                                 \
10003:                                              \
    addi a1, a1, -1;                                \
    remu t2, t1, t0;                                \
    addi t2, t2, 48;                                \
    sb t2, 0(a1);                                   \
    divu t1, t1, t0;                                \
    bnez t1, 10003b;                                \
    addi a2, sp, 32;                                \
    sub a2, a2, a1;                                 \
    li a0, 2;                                       \
    li a7, SYS_write;                               \
    ecall;                                          \
    andi a0, TESTNUM, 255;                          \
    bnez a0, 10004f;                                \
    li a0, 255; /* never report a failure as 0 */   \
10004:                                              \
    li a7, SYS_exit;                                \
    ecall;                                          \
    .section .rodata;                               \
msg_pass: .ascii "PASS ";                           \
msg_pass_end:                                       \
msg_fail: .ascii "FAIL ";                           \
msg_fail_end:                                       \
msg_test: .ascii " test ";                          \
msg_test_end:                                       \
msg_newline: .ascii "\n";                           \
msg_newline_end:                                    \
    .text

#endif
