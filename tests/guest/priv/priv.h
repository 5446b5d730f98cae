/* Shared macros for bare-metal privileged tests. A test starts in M mode; every
 * trap lands in `trap_entry`, which records mcause/mtval/mepc (or the S-mode
 * ones when a trap was delegated) in t5/t6/s11 and resumes at the address in s10.
 * A failed check ends the test through HTIF with its id as the exit status. */
#define CHECK_EQ(id, reg, value) \
    li t0, value;                \
    li a0, id;                   \
    bne reg, t0, fail

#define EXPECT_TRAP(id, cause, resume_label) \
    la s10, resume_label;                    \
    li s9, id;                               \
    li s8, cause

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .size tohost, 8
    .align 6
    .globl fromhost
fromhost: .dword 0
    .size fromhost, 8

    .section .text.init
    .globl _start
_start:
    la t0, m_trap
    csrw mtvec, t0
    la t0, s_trap
    csrw stvec, t0
    /* PMP: all of memory for S and U (no entry would deny them). */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    j main

pass:
    li a0, 0
fail:
    /* exit code in a0: tohost = (code << 1) | 1 */
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b

    .align 2
m_trap:
    csrr t5, mcause
    csrr t6, mtval
    csrr s11, mepc
    /* an expected trap: check the cause, then resume in M mode */
    mv a0, s9
    bne t5, s8, fail
    li t0, 3 << 11
    csrs mstatus, t0   /* MPP = M: return to the test in M mode */
    csrw mepc, s10
    mret

    .align 2
s_trap:
    csrr t5, scause
    csrr t6, stval
    csrr s11, sepc
    mv a0, s9
    bne t5, s8, fail
    /* back to M mode through an ecall from S (cause 9, not delegated) */
    li s8, 9
    ecall
