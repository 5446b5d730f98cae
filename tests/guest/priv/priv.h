/* Shared macros for bare-metal privileged tests. A test starts in M mode; every
 * trap lands in `trap_entry`, which records mcause/mtval/mepc (or the S-mode
 * ones when a trap was delegated) in t5/t6/s11 and resumes at the address in s10.
 * A failed check ends the test through HTIF with its id as the exit status.
 * The M handler also leaves mstatus as it was on trap entry in mscratch, and
 * resumes with MIE = 0 (so a pending interrupt does not fire again at once);
 * the S handler leaves sstatus as it was on trap entry in sscratch before it
 * goes to M through an ecall (scause/stval/sepc stay readable from M). */
#define CHECK_EQ(id, reg, value) \
    li t0, value;                \
    li a0, id;                   \
    bne reg, t0, fail

#define EXPECT_TRAP(id, cause, resume_label) \
    la s10, resume_label;                    \
    li s9, id;                               \
    li s8, cause

/* A trap of any cause is expected (the caller checks t5). */
#define EXPECT_ANY_TRAP(id, resume_label) \
    la s10, resume_label;                 \
    li s9, id;                            \
    li s8, -2

/* Any trap from here on fails the test with `id` (no cause is -1). */
#define EXPECT_NO_TRAP(id) \
    li s9, id;             \
    li s8, -1

/* First thing in main: until the first EXPECT_*, any trap fails the test with
 * 255 (s9 starts at 0, and a failure with id 0 would read as a pass). */
#define TEST_BEGIN \
    li s9, 255;    \
    li s8, -1

/* Privilege modes as mstatus.MPP / sstatus.SPP encode them. */
#define MODE_U 0
#define MODE_S 1
#define MODE_M 3
#define IRQ(n) (0x8000000000000000 | (n))

/* From M mode: continue at `label` in `mode` (through mret; clobbers t0). */
#define GOTO_MODE(mode, label) \
    li t0, 3 << 11;            \
    csrc mstatus, t0;          \
    li t0, (mode) << 11;       \
    csrs mstatus, t0;          \
    la t0, label;              \
    csrw mepc, t0;             \
    mret

/* The same for a constant address (a virtual one, say). */
#define GOTO_MODE_VA(mode, va) \
    li t0, 3 << 11;            \
    csrc mstatus, t0;          \
    li t0, (mode) << 11;       \
    csrs mstatus, t0;          \
    li t0, va;                 \
    csrw mepc, t0;             \
    mret

/* The instruction(s) must trap with `cause` (to M, or to S and on to M);
 * execution resumes in M after them, where the caller may check the handler's
 * t5 (cause), t6 (tval), s11 (epc). If they do not trap, the test fails with
 * `id`. */
#define MUST_TRAP(id, cause, ...) \
    la s10, 98f;                   \
    li s9, id;                     \
    li s8, cause;                  \
    __VA_ARGS__;                   \
    li a0, id;                     \
    j fail;                        \
98: li s8, -1

/* From M mode: run the instruction(s) in `mode` (from an address that mode
 * can fetch); they must trap with `cause`; resumes in M mode. Clobbers t0. */
#define MUST_TRAP_IN(mode, id, cause, ...) \
    la s10, 98f;                            \
    li s9, id;                              \
    li s8, cause;                           \
    GOTO_MODE(mode, 97f);                   \
97: __VA_ARGS__;                            \
    li a0, id;                              \
    j fail;                                 \
98: li s8, -1

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
    mv tp, a0          /* kept for m_unexpected if reporting itself traps */
#ifdef PRIV_EXIT_SIFIVE_TEST
    /* For a hand check on QEMU's virt board, which has a time source (and so
     * the time CSR and Sstc) but no HTIF: its SiFive test device exits with
     * the code (0x3333 = fail with code << 16, 0x5555 = pass). */
    li t0, 0x5555
    beqz a0, 2f
    slli a0, a0, 16
    li t0, 0x3333
    or t0, t0, a0
2:  li a0, 0x100000
    sw t0, 0(a0)
#endif
    /* exit code in a0: tohost = (code << 1) | 1 */
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b
fail_end:

    .align 2
m_trap:
    csrr t5, mcause
    csrr t6, mtval
    csrr s11, mepc
    csrr a0, mstatus
    csrw mscratch, a0
    /* an expected trap: check the cause (s8 = -2 takes any), then resume
     * in M mode */
    mv a0, s9
    li t0, -2
    beq s8, t0, 1f
    bne t5, s8, m_unexpected
1:
    li t0, 3 << 11
    csrs mstatus, t0   /* MPP = M: return to the test in M mode */
    li t0, 1 << 7
    csrc mstatus, t0   /* MPIE = 0: resume with M interrupts disabled */
    csrw mepc, s10
    mret

    /* An unexpected trap fails with the current id (s9), or, when reporting
     * a failure trapped (from U, or with MPRV set), with that failure's id;
     * either way it reports from M with MPRV clear. */
m_unexpected:
    li t0, 1 << 17
    csrc mstatus, t0
    la t0, fail
    bltu s11, t0, 1f
    la t0, fail_end
    bgeu s11, t0, 1f
    mv a0, tp
1:  j fail

    .align 2
s_trap:
    csrr t5, scause
    csrr t6, stval
    csrr s11, sepc
    csrr a0, sstatus
    csrw sscratch, a0
    mv a0, s9
    li t0, -2
    beq s8, t0, 1f
    bne t5, s8, fail
1:  /* back to M mode through an ecall from S (cause 9, not delegated) */
    li s8, 9
    ecall

/* ---- page tables (Sv39 / Sv48 / Sv57 share the PTE format) ---- */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define SATP_SV39 8
#define SATP_SV48 9
#define SATP_SV57 10

/* table[index] = a PTE for the physical address of `label` (clobbers t0-t2). */
#define SET_PTE(table, index, label, flags) \
    la t1, label;                           \
    srli t1, t1, 12;                        \
    slli t1, t1, 10;                        \
    ori t1, t1, flags;                      \
    la t0, table;                           \
    li t2, (index) * 8;                     \
    add t0, t0, t2;                         \
    sd t1, 0(t0)

/* table[index] = a PTE for the physical address `pa` (clobbers t0-t2). */
#define SET_PTE_PA(table, index, pa, flags)    \
    li t1, ((((pa) >> 12) << 10) | (flags)); \
    la t0, table;                              \
    li t2, (index) * 8;                        \
    add t0, t0, t2;                            \
    sd t1, 0(t0)

/* reg = the PTE stored at table[index] (clobbers t0). */
#define LOAD_PTE(reg, table, index) \
    la t0, table;                   \
    li reg, (index) * 8;            \
    add t0, t0, reg;                \
    ld reg, 0(t0)

/* satp = mode | PPN(root), then sfence.vma (clobbers t0, t1). */
#define SET_SATP(mode, root)   \
    la t0, root;               \
    srli t0, t0, 12;           \
    li t1, (mode) << 60;       \
    or t0, t0, t1;             \
    csrw satp, t0;             \
    sfence.vma

/* From S or U mode: back to M through an ecall (`cause` 9 from S, 8 from U). */
#define ECALL_TO_M(id, cause) \
    la s10, 98f;              \
    li s9, id;                \
    li s8, cause;             \
    ecall;                    \
    li a0, id;                \
    j fail;                   \
98: li s8, -1
