#include "priv.h"
/* Physical memory protection (privileged spec, "Physical Memory Protection"):
 * NAPOT, NA4 and TOR regions, priority by entry number, partial matches, S/U
 * denied where no entry matches, M allowed there but held by locked entries,
 * the lock making pmpcfg/pmpaddr writes ignored, and the access-fault causes
 * 1, 5, 7 with tval = the address.
 *
 *   entry 0  NAPOT r_page (4 KiB)              R
 *   entry 1  NA4   na4_page + 4                (no access)
 *   entry 2  OFF   (bottom of entry 3: tor_lo)
 *   entry 3  TOR   [tor_lo, tor_hi)            R W
 *   entry 6  NAPOT 0x8000_0000, 1 MiB (the image) R W X
 *   anything else (RAM at 0x8010_1000) matches no entry
 */
#define NAPOT(base, size) (((base) >> 2) | (((size) >> 3) - 1))
#define A_TOR (1 << 3)
#define A_NA4 (2 << 3)
#define A_NAPOT (3 << 3)
#define L (1 << 7)
#define R 1
#define W 2
#define X 4
#define CFG0 ((A_NAPOT | R) | (A_NA4 << 8) | ((A_TOR | R | W) << 24) | ((A_NAPOT | R | W | X) << 48))
#define NOMATCH 0x80101000
#define MPRV (1 << 17)

    .data
    .align 12
x_page: .fill 2047, 2, 0x0001     /* c.nop; the page before r_page (entry 6: X) */
    .2byte 0x8593                 /* addi a1, a1, 1: its low half, at 0xffe */
r_page: .2byte 0x0015, 0, 0, 0    /* ... and its high half; then 0x1111 at +8 */
    .dword 0x1111
    .align 12
na4_page: .dword 0x2222222233333333, 0x4444
    .align 12
tor_lo: ret
    .align 3
tor_data: .dword 0x5555
    .align 12
    .zero 4096
tor_hi: ret                       /* the first byte above the TOR region */
    .align 12
pt_root: .zero 4096               /* for the page-walk check */

    .text
main:
    TEST_BEGIN
    /* the whole image must lie under 1 MiB for entry 6 */
    la t1, _end
    li t2, 0x80100000
    li a0, 1
    bgtu t1, t2, fail

    csrw pmpcfg0, zero
    la t1, r_page
    li t2, (4096 >> 3) - 1        /* NAPOT 4 KiB */
    srli t1, t1, 2
    or t1, t1, t2
    csrw pmpaddr0, t1
    la t1, na4_page + 4
    srli t1, t1, 2
    csrw pmpaddr1, t1
    la t1, tor_lo
    srli t1, t1, 2
    csrw pmpaddr2, t1
    la t1, tor_hi
    srli t1, t1, 2
    csrw pmpaddr3, t1
    li t1, NAPOT(0x80000000, 0x100000)
    csrw pmpaddr6, t1
    li t1, CFG0
    csrw pmpcfg0, t1
    csrr t2, pmpcfg0
    CHECK_EQ(2, t2, CFG0)
    csrr t2, pmpaddr6
    CHECK_EQ(3, t2, NAPOT(0x80000000, 0x100000))
    la t1, na4_page + 4
    srli t1, t1, 2
    csrr t2, pmpaddr1
    li a0, 4
    bne t1, t2, fail

    /* ---- S mode ---- */
    EXPECT_NO_TRAP(5)
    GOTO_MODE(MODE_S, 1f)
1:  la t1, r_page                 /* NAPOT R: reads work */
    ld t3, 8(t1)
    CHECK_EQ(6, t3, 0x1111)
    la t1, na4_page               /* the word next to the NA4 one */
    lw t3, 0(t1)
    CHECK_EQ(7, t3, 0x33333333)
    ld t3, 8(t1)
    CHECK_EQ(8, t3, 0x4444)
    la t1, tor_data               /* TOR RW */
    ld t3, 0(t1)
    CHECK_EQ(9, t3, 0x5555)
    li t3, 0x5656
    sd t3, 0(t1)
    ld t3, 0(t1)
    CHECK_EQ(10, t3, 0x5656)
    la t1, tor_hi                 /* just above the TOR region: entry 6, X */
    jalr t1
    ECALL_TO_M(11, 9)

    /* NAPOT R: store -> 7, fetch -> 1 (tval = address) */
    la s1, r_page + 0x10
    MUST_TRAP_IN(MODE_S, 12, 7, sd zero, 0(s1))
    la t1, r_page + 0x10
    li a0, 13
    bne t6, t1, fail
    la s1, r_page + 0xff0         /* the NAPOT range is the whole page */
    MUST_TRAP_IN(MODE_S, 14, 1, jalr s1)
    la t1, r_page + 0xff0
    li a0, 15
    bne t6, t1, fail
    bne s11, t1, fail
    /* a 4-byte instruction whose second half lies in r_page (no X): cause 1,
     * epc = its start, tval = the part that failed */
    la s1, r_page - 2
    MUST_TRAP_IN(MODE_S, 55, 1, jalr s1)
    la t1, r_page - 2
    li a0, 56
    bne s11, t1, fail
    la t1, r_page
    li a0, 57
    bne t6, t1, fail
    /* NA4: load -> 5, store -> 7 */
    la s1, na4_page + 4
    MUST_TRAP_IN(MODE_S, 16, 5, lw t3, 0(s1))
    la t1, na4_page + 4
    li a0, 17
    bne t6, t1, fail
    la s1, na4_page + 4
    MUST_TRAP_IN(MODE_S, 18, 7, sw zero, 0(s1))
    la t1, na4_page + 4
    li a0, 19
    bne t6, t1, fail
    /* an access that matches only part of an entry fails */
    la s1, na4_page
    MUST_TRAP_IN(MODE_S, 20, 5, ld t3, 0(s1))
    /* TOR without X: fetch -> 1 */
    la s1, tor_lo
    MUST_TRAP_IN(MODE_S, 21, 1, jalr s1)
    la t1, tor_lo
    li a0, 22
    bne t6, t1, fail
    /* no entry matches: S is denied (load 5, store 7, fetch 1) */
    li s1, NOMATCH + 8
    MUST_TRAP_IN(MODE_S, 23, 5, ld t3, 0(s1))
    CHECK_EQ(24, t6, NOMATCH + 8)
    li s1, NOMATCH + 16
    MUST_TRAP_IN(MODE_S, 25, 7, sd zero, 0(s1))
    CHECK_EQ(26, t6, NOMATCH + 16)
    li s1, NOMATCH
    MUST_TRAP_IN(MODE_S, 27, 1, jalr s1)
    CHECK_EQ(28, t6, NOMATCH)

    /* ---- U mode: the same rules ---- */
    la s1, r_page
    MUST_TRAP_IN(MODE_U, 29, 8, ld t3, 0(s1); ecall)
    la s1, r_page
    MUST_TRAP_IN(MODE_U, 30, 7, sd zero, 0(s1))
    li s1, NOMATCH
    MUST_TRAP_IN(MODE_U, 31, 5, ld t3, 0(s1))
    CHECK_EQ(32, t6, NOMATCH)

    /* ---- M mode: unlocked entries and no match do not restrict it ---- */
    EXPECT_NO_TRAP(33)
    li t1, NOMATCH
    li t3, 0x7777
    sd t3, 0(t1)
    ld t3, 0(t1)
    CHECK_EQ(34, t3, 0x7777)
    la t1, na4_page + 4
    lw t3, 0(t1)
    CHECK_EQ(35, t3, 0x22222222)
    la t1, r_page
    sd zero, 8(t1)
    la t1, tor_lo
    jalr t1
    /* ... except for a partial match, which fails in every mode */
    la s1, na4_page
    MUST_TRAP(36, 5, ld t3, 0(s1))
    /* MPRV with MPP = U: M's loads are checked as U's */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MPRV
    csrs mstatus, t0
    li s1, NOMATCH
    MUST_TRAP(37, 5, ld t3, 0(s1))
    li t0, MPRV
    csrc mstatus, t0
    /* page-table walks are S-mode accesses: a root table where S has no
     * access gives an access fault (of the access's type), tval = the VA */
    li t1, NOMATCH
    li t2, ((0x80000000 >> 12) << 10) | 0xcf   /* identity gigapage, RWX A D */
    sd t2, 16(t1)
    li t1, (NOMATCH >> 12) | (SATP_SV39 << 60)
    csrw satp, t1
    sfence.vma
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MPRV | (MODE_S << 11)
    csrs mstatus, t0
    la s1, r_page
    MUST_TRAP(38, 5, ld t3, 0(s1))
    la t1, r_page
    li a0, 39
    bne t6, t1, fail
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MODE_S << 11
    csrs mstatus, t0
    la s1, tor_data
    MUST_TRAP(40, 7, sd zero, 0(s1))
    /* a translated access that PMP denies: access fault, tval = the VA
     * (pt_root[0] maps VA 0 to PA 0x8000_0000) */
    li t0, MPRV
    csrc mstatus, t0
    la t1, pt_root
    li t2, ((0x80000000 >> 12) << 10) | 0xcf
    sd t2, 0(t1)
    SET_SATP(SATP_SV39, pt_root)
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, MPRV | (MODE_S << 11)
    csrs mstatus, t0
    li s1, NOMATCH - 0x80000000 + 0x28
    MUST_TRAP(58, 5, ld t3, 0(s1))
    CHECK_EQ(59, t6, NOMATCH - 0x80000000 + 0x28)
    li t0, MPRV
    csrc mstatus, t0
    csrw satp, zero
    sfence.vma

    /* ---- locks ---- */
    /* lock entry 1 (NA4, no access): now M is denied too */
    li t1, L << 8
    csrs pmpcfg0, t1
    la s1, na4_page + 4
    MUST_TRAP(41, 5, lw t3, 0(s1))
    la t1, na4_page + 4
    li a0, 42
    bne t6, t1, fail
    la s1, na4_page + 4
    MUST_TRAP(43, 7, sw zero, 0(s1))
    /* writes to a locked entry's pmpcfg byte and pmpaddr are ignored; the
     * other bytes of the same pmpcfg register still change */
    li t1, CFG0 | (L << 8) | (W << 0)      /* entry 0: R -> RW */
    li t2, 0x1f << 8                       /* entry 1: try RWX NAPOT, unlocked */
    xor t1, t1, t2
    li t2, (L | A_NA4) << 8
    xor t1, t1, t2
    csrw pmpcfg0, t1
    csrr t2, pmpcfg0
    CHECK_EQ(44, t2, CFG0 | (L << 8) | W)
    csrr t3, pmpaddr1
    csrw pmpaddr1, zero
    csrr t2, pmpaddr1
    li a0, 45
    bne t2, t3, fail
    EXPECT_NO_TRAP(46)
    GOTO_MODE(MODE_S, 1f)
1:  la t1, r_page                           /* entry 0 took the change */
    li t3, 0x1212
    sd t3, 0(t1)
    ECALL_TO_M(47, 9)
    /* lock entry 3 (TOR, RW): M cannot fetch there (cause 1), may read and
     * write; pmpaddr2 (its bottom) and pmpaddr3 ignore writes */
    li t1, L << 24
    csrs pmpcfg0, t1
    la s1, tor_lo
    MUST_TRAP(48, 1, jalr s1)
    la t1, tor_lo
    li a0, 49
    bne t6, t1, fail
    EXPECT_NO_TRAP(50)
    la t1, tor_data
    li t3, 0x5757
    sd t3, 0(t1)
    ld t3, 0(t1)
    CHECK_EQ(51, t3, 0x5757)
    csrr t3, pmpaddr2
    csrw pmpaddr2, zero
    csrr t2, pmpaddr2
    li a0, 52
    bne t2, t3, fail
    csrr t3, pmpaddr3
    li t1, -1
    csrw pmpaddr3, t1
    csrr t2, pmpaddr3
    li a0, 53
    bne t2, t3, fail
    /* a locked entry does not lock its neighbours: pmpaddr4 still writes */
    li t1, 0x1234
    csrw pmpaddr4, t1
    csrr t2, pmpaddr4
    CHECK_EQ(54, t2, 0x1234)
    j pass
