#include "priv.h"
/* Sv39 access rules: U/S page ownership, SUM, MXR, MPRV with MPP = S and U
 * (loads and stores translate as MPP, fetches do not), and the faulting
 * virtual address in mtval / stval.
 *
 *   root[2]   identity 1 GiB leaf over RAM, S only (S code, data, tohost)
 *   root[0] -> l1[0] -> l0:
 *     0x1000  U  RW   -> udata    0x4000  S  X only -> sdata
 *     0x2000  U  RX   -> ucode    0x5000  U  X only -> udata
 *     0x3000  S  RW   -> sdata    (all with A and D set)
 */
#define AD (PTE_A | PTE_D)
#define UDATA 0x1000
#define UCODE 0x2000
#define SDATA 0x3000
#define SXONLY 0x4000
#define UXONLY 0x5000
/* U-mode routines, 16 bytes apart in the ucode page */
#define U_LOAD_STORE (UCODE + 0x00)
#define U_LOAD (UCODE + 0x10)
#define U_STORE (UCODE + 0x20)
#define U_JUMP (UCODE + 0x30)
#define SUM (1 << 18)
#define MXR (1 << 19)
#define MPRV (1 << 17)

    .data
    .align 12
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
udata:  .dword 0x1111111111111111
    .align 12
sdata:  .dword 0x5555555555555555
    .align 12

    .text
main:
    TEST_BEGIN
    SET_PTE_PA(root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | AD | PTE_G)
    SET_PTE(root, 0, l1, PTE_V)
    SET_PTE(l1, 0, l0, PTE_V)
    SET_PTE(l0, 1, udata, PTE_V | PTE_R | PTE_W | PTE_U | AD)
    SET_PTE(l0, 2, ucode, PTE_V | PTE_R | PTE_X | PTE_U | AD)
    SET_PTE(l0, 3, sdata, PTE_V | PTE_R | PTE_W | AD)
    SET_PTE(l0, 4, sdata, PTE_V | PTE_X | AD)
    SET_PTE(l0, 5, udata, PTE_V | PTE_X | PTE_U | AD)
    SET_SATP(SATP_SV39, root)

    /* ---- S mode and user pages ---- */
    /* without SUM: loads and stores fault, tval = the exact VA */
    li s1, UDATA + 0x10
    MUST_TRAP_IN(MODE_S, 1, 13, ld t3, 0(s1))
    CHECK_EQ(2, t6, UDATA + 0x10)
    li s1, UDATA + 0x18
    MUST_TRAP_IN(MODE_S, 3, 15, sd zero, 0(s1))
    CHECK_EQ(4, t6, UDATA + 0x18)
    /* with SUM: they work */
    li t0, SUM
    csrs mstatus, t0
    EXPECT_NO_TRAP(5)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, UDATA
    ld t3, 0(t1)
    CHECK_EQ(6, t3, 0x1111111111111111)
    li t3, 0x2222
    sd t3, 8(t1)
    la t1, udata
    ld t3, 8(t1)
    CHECK_EQ(7, t3, 0x2222)
    /* S may clear SUM itself through sstatus: the next access faults */
    li t0, SUM
    csrc sstatus, t0
    li s1, UDATA + 0x20
    MUST_TRAP(8, 13, ld t3, 0(s1))
    CHECK_EQ(9, t6, UDATA + 0x20)
    /* S never executes a user page, with or without SUM */
    li s1, UCODE + 4
    MUST_TRAP_IN(MODE_S, 10, 12, jr s1)
    CHECK_EQ(11, t6, UCODE + 4)
    li t0, SUM
    csrs mstatus, t0
    li s1, UCODE + 8
    MUST_TRAP_IN(MODE_S, 12, 12, jr s1)
    CHECK_EQ(13, t6, UCODE + 8)

    /* ---- MXR ---- */
    li t0, SUM | MXR
    csrc mstatus, t0
    li s1, SXONLY + 0x30
    MUST_TRAP_IN(MODE_S, 14, 13, ld t3, 0(s1))
    CHECK_EQ(15, t6, SXONLY + 0x30)
    li t0, MXR
    csrs mstatus, t0
    EXPECT_NO_TRAP(16)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, SXONLY
    ld t3, 0(t1)
    CHECK_EQ(17, t3, 0x5555555555555555)
    ECALL_TO_M(18, 9)
    /* MXR makes X readable, not writable */
    li s1, SXONLY + 0x38
    MUST_TRAP_IN(MODE_S, 19, 15, sd zero, 0(s1))
    CHECK_EQ(20, t6, SXONLY + 0x38)
    /* an execute-only user page: S reads it with MXR only when SUM is set */
    li s1, UXONLY
    MUST_TRAP_IN(MODE_S, 21, 13, ld t3, 0(s1))
    CHECK_EQ(22, t6, UXONLY)
    li t0, SUM
    csrs mstatus, t0
    EXPECT_NO_TRAP(23)
    GOTO_MODE(MODE_S, 1f)
1:  li t1, UXONLY
    ld t3, 0(t1)
    CHECK_EQ(24, t3, 0x1111111111111111)
    ECALL_TO_M(25, 9)

    /* ---- U mode ---- */
    li t0, SUM | MXR
    csrc mstatus, t0
    /* U reads and writes its own page and runs its own code */
    li s1, UDATA
    li s2, 0x3333
    EXPECT_TRAP(26, 8, 1f)
    GOTO_MODE_VA(MODE_U, U_LOAD_STORE)
1:  CHECK_EQ(27, s3, 0x1111111111111111)
    la t1, udata
    ld t3, 0x10(t1)
    CHECK_EQ(28, t3, 0x3333)
    /* U cannot touch supervisor pages: load, store, fetch */
    li s1, SDATA + 0x40
    la s10, 1f
    li s9, 29
    li s8, 13
    GOTO_MODE_VA(MODE_U, U_LOAD)
1:  CHECK_EQ(30, t6, SDATA + 0x40)
    CHECK_EQ(31, s11, U_LOAD)
    li s1, SDATA + 0x48
    la s10, 1f
    li s9, 32
    li s8, 15
    GOTO_MODE_VA(MODE_U, U_STORE)
1:  CHECK_EQ(33, t6, SDATA + 0x48)
    la s1, main                    /* identity mapping: supervisor only */
    la s10, 1f
    li s9, 34
    li s8, 12
    GOTO_MODE_VA(MODE_U, U_JUMP)
1:  la t1, main
    li a0, 35
    bne t6, t1, fail
    /* SUM does not open supervisor pages to U */
    li t0, SUM
    csrs mstatus, t0
    li s1, SDATA
    la s10, 1f
    li s9, 36
    li s8, 13
    GOTO_MODE_VA(MODE_U, U_LOAD)
1:  CHECK_EQ(37, t6, SDATA)
    /* an execute-only user page: U reads it only with MXR */
    li s1, UXONLY + 8
    la s10, 1f
    li s9, 38
    li s8, 13
    GOTO_MODE_VA(MODE_U, U_LOAD)
1:  CHECK_EQ(39, t6, UXONLY + 8)
    li t0, MXR
    csrs mstatus, t0
    li s1, UXONLY
    EXPECT_TRAP(40, 8, 1f)
    GOTO_MODE_VA(MODE_U, U_LOAD)
1:  CHECK_EQ(41, s3, 0x1111111111111111)
    li t0, SUM | MXR
    csrc mstatus, t0

    /* ---- MPRV: M-mode loads and stores translate as MPP; fetches do not
     * (this code is not executable by U, yet M keeps running it) ---- */
    EXPECT_NO_TRAP(42)
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MPRV | (MODE_S << 11)
    csrs mstatus, t0
    li t1, SDATA
    ld t3, 0(t1)                   /* VA 0x3000: sdata */
    li t2, 0x6666
    sd t2, 8(t1)
    li t0, MPRV
    csrc mstatus, t0
    CHECK_EQ(43, t3, 0x5555555555555555)
    la t1, sdata
    ld t3, 8(t1)
    CHECK_EQ(44, t3, 0x6666)
    /* MPP = S without SUM: a user page faults (mtval = VA) */
    li t0, MPRV | (MODE_S << 11)
    csrs mstatus, t0
    li s1, UDATA + 0x48
    MUST_TRAP(45, 13, ld t3, 0(s1))
    CHECK_EQ(46, t6, UDATA + 0x48)
    /* the trap left MPRV set (the handler's mret to M left MPP = U) */
    csrr t1, mstatus
    li t2, MPRV
    and t1, t1, t2
    CHECK_EQ(47, t1, MPRV)
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MODE_S << 11
    csrs mstatus, t0
    li s1, UDATA + 0x50
    MUST_TRAP(48, 15, sd zero, 0(s1))
    CHECK_EQ(49, t6, UDATA + 0x50)
    /* MPP = U: the user page works, the supervisor page faults */
    li t0, 3 << 11
    csrc mstatus, t0               /* MPP = U, MPRV still set */
    EXPECT_NO_TRAP(50)
    li t1, UDATA
    ld t3, 0(t1)
    li t2, 0x7777
    sd t2, 0x18(t1)
    li t0, MPRV
    csrc mstatus, t0
    CHECK_EQ(51, t3, 0x1111111111111111)
    la t1, udata
    ld t3, 0x18(t1)
    CHECK_EQ(52, t3, 0x7777)
    li t0, MPRV
    csrs mstatus, t0
    li s1, SDATA + 0x58
    MUST_TRAP(53, 13, ld t3, 0(s1))
    CHECK_EQ(54, t6, SDATA + 0x58)
    li t0, 3 << 11
    csrc mstatus, t0
    li s1, SDATA + 0x60
    MUST_TRAP(55, 15, sd zero, 0(s1))
    CHECK_EQ(56, t6, SDATA + 0x60)
    /* MPP = U with MXR: the execute-only user page reads */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MXR
    csrs mstatus, t0
    EXPECT_NO_TRAP(57)
    li t1, UXONLY
    ld t3, 0(t1)
    li t0, MPRV | MXR
    csrc mstatus, t0
    CHECK_EQ(58, t3, 0x1111111111111111)
    /* MPP = M: no translation even with MPRV */
    li t0, MPRV | (MODE_M << 11)
    csrs mstatus, t0
    la t1, sdata
    ld t3, 0(t1)
    li t0, MPRV
    csrc mstatus, t0
    CHECK_EQ(59, t3, 0x5555555555555555)

    /* ---- stval and sepc when the page fault is delegated to S ---- */
    li t0, (1 << 12) | (1 << 13) | (1 << 15)
    csrw medeleg, t0
    li s1, 0x7ff8
    la s10, 1f
    li s9, 60
    li s8, 13                      /* s_trap checks scause, then ecalls to M */
    GOTO_MODE(MODE_S, 2f)
2:  ld t3, 0(s1)
    li a0, 61
    j fail
1:  csrr t1, stval
    CHECK_EQ(62, t1, 0x7ff8)
    csrr t1, sepc
    la t2, 2b
    li a0, 63
    bne t1, t2, fail
    csrr t1, mcause
    CHECK_EQ(64, t1, 9)
    /* a delegated instruction page fault from U: stval = sepc = target */
    li s1, 0x6ffe
    la s10, 1f
    li s9, 65
    li s8, 12
    GOTO_MODE_VA(MODE_U, U_JUMP)
1:  csrr t1, stval
    CHECK_EQ(66, t1, 0x6ffe)
    csrr t1, sepc
    CHECK_EQ(67, t1, 0x6ffe)
    csrr t1, scause
    CHECK_EQ(68, t1, 12)
    csrw medeleg, zero
    j pass

    /* code run by U through the user mapping at UCODE */
    .align 12
ucode:
    ld s3, 0(s1)            /* U_LOAD_STORE */
    sd s2, 0x10(s1)
    ecall
    .balign 16
    ld s3, 0(s1)            /* U_LOAD */
    ecall
    .balign 16
    sd zero, 0(s1)          /* U_STORE */
    ecall
    .balign 16
    jr s1                   /* U_JUMP */
    .align 12
