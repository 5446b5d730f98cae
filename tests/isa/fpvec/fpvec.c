// RISC-V F/D test vector generator, run under qemu-riscv64 as the oracle for fp_test.cpp.
//
// Every case runs one instruction with a static rounding mode between fsflags/frflags and
// prints one line:  <mnemonic> <rm> <a> <b> <c> <result> <fflags>  (hex; unused operands 0).
// Operands and the result are 64-bit register values: singles are NaN-boxed (occasionally
// not, on purpose), integers are the x register.
//
//   fpvec [seed [cases-per-op-and-rm]]   generate from a seeded PRNG biased to special values
//   fpvec -                              read "<mnemonic> <rm> <a> <b> <c>" lines on stdin
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t u64;

static double as_double(u64 x) {
    double d;
    memcpy(&d, &x, sizeof d);
    return d;
}
static u64 as_bits(double d) {
    u64 x;
    memcpy(&x, &d, sizeof x);
    return x;
}

// ---- one function per instruction, a switch over the five static rounding modes ----------

#define STR(x) #x
#define SWITCH_RM(ASM, insn)            \
    switch (rm) {                       \
        case 0: ASM(insn, rne); break;  \
        case 1: ASM(insn, rtz); break;  \
        case 2: ASM(insn, rdn); break;  \
        case 3: ASM(insn, rup); break;  \
        default: ASM(insn, rmm); break; \
    }
#define PRE "fsflags zero\n\t"
#define POST "\n\tfrflags %1"

#define ASM_FF_F(insn, RM) \
    __asm__ volatile(PRE insn " %0, %2, %3, " STR(RM) POST : "=f"(z), "=r"(f) : "f"(x), "f"(y))
#define ASM_F_F(insn, RM) \
    __asm__ volatile(PRE insn " %0, %2, " STR(RM) POST : "=f"(z), "=r"(f) : "f"(x))
#define ASM_FFF_F(insn, RM)                                    \
    __asm__ volatile(PRE insn " %0, %2, %3, %4, " STR(RM) POST \
                     : "=f"(z), "=r"(f)                        \
                     : "f"(x), "f"(y), "f"(w))
#define ASM_F_X(insn, RM) \
    __asm__ volatile(PRE insn " %0, %2, " STR(RM) POST : "=r"(i), "=r"(f) : "f"(x))
#define ASM_X_F(insn, RM) \
    __asm__ volatile(PRE insn " %0, %2, " STR(RM) POST : "=f"(z), "=r"(f) : "r"(a))

#define SIG static void
#define ARGS int rm, u64 a, u64 b, u64 c, u64 *r, u64 *fl
#define LOCALS                                                          \
    double x = as_double(a), y = as_double(b), w = as_double(c), z = 0; \
    u64 f = 0, i = 0;                                                   \
    (void)rm, (void)x, (void)y, (void)w, (void)z, (void)i;

#define DEF_RM(fn, insn, ASM, result) \
    SIG fn(ARGS) {                    \
        LOCALS;                       \
        SWITCH_RM(ASM, insn);         \
        *r = result;                  \
        *fl = f;                      \
    }
#define DEF_FF_F(fn, insn) DEF_RM(fn, insn, ASM_FF_F, as_bits(z))
#define DEF_F_F(fn, insn) DEF_RM(fn, insn, ASM_F_F, as_bits(z))
#define DEF_FFF_F(fn, insn) DEF_RM(fn, insn, ASM_FFF_F, as_bits(z))
#define DEF_F_X(fn, insn) DEF_RM(fn, insn, ASM_F_X, i)
#define DEF_X_F(fn, insn) DEF_RM(fn, insn, ASM_X_F, as_bits(z))

// No rounding-mode field; the inputs are the variadic tail.
#define DEF_NORM(fn, operands, OUT, result, ...)                          \
    SIG fn(ARGS) {                                                        \
        LOCALS;                                                           \
        __asm__ volatile(PRE operands POST : OUT, "=r"(f) : __VA_ARGS__); \
        *r = result;                                                      \
        *fl = f;                                                          \
    }
#define DEF_FF_F_NORM(fn, insn) \
    DEF_NORM(fn, insn " %0, %2, %3", "=f"(z), as_bits(z), "f"(x), "f"(y))
#define DEF_FF_X_NORM(fn, insn) DEF_NORM(fn, insn " %0, %2, %3", "=r"(i), i, "f"(x), "f"(y))
#define DEF_X_F_NORM(fn, insn) DEF_NORM(fn, insn " %0, %2", "=f"(z), as_bits(z), "r"(a))
#define DEF_F_F_NORM(fn, insn) DEF_NORM(fn, insn " %0, %2", "=f"(z), as_bits(z), "f"(x))
#define DEF_F_X_NORM(fn, insn) DEF_NORM(fn, insn " %0, %2", "=r"(i), i, "f"(x))

// Conversions that are always exact (fcvt.d.w, fcvt.d.wu, fcvt.d.s) take no rm in the assembler.
#define DEF_PRECISION(P, p, DEF_W)          \
    DEF_FF_F(fadd_##P, "fadd." #p)          \
    DEF_FF_F(fsub_##P, "fsub." #p)          \
    DEF_FF_F(fmul_##P, "fmul." #p)          \
    DEF_FF_F(fdiv_##P, "fdiv." #p)          \
    DEF_F_F(fsqrt_##P, "fsqrt." #p)         \
    DEF_FFF_F(fmadd_##P, "fmadd." #p)       \
    DEF_FFF_F(fmsub_##P, "fmsub." #p)       \
    DEF_FFF_F(fnmsub_##P, "fnmsub." #p)     \
    DEF_FFF_F(fnmadd_##P, "fnmadd." #p)     \
    DEF_FF_F_NORM(fmin_##P, "fmin." #p)     \
    DEF_FF_F_NORM(fmax_##P, "fmax." #p)     \
    DEF_FF_F_NORM(fsgnj_##P, "fsgnj." #p)   \
    DEF_FF_F_NORM(fsgnjn_##P, "fsgnjn." #p) \
    DEF_FF_F_NORM(fsgnjx_##P, "fsgnjx." #p) \
    DEF_FF_X_NORM(feq_##P, "feq." #p)       \
    DEF_FF_X_NORM(flt_##P, "flt." #p)       \
    DEF_FF_X_NORM(fle_##P, "fle." #p)       \
    DEF_F_X_NORM(fclass_##P, "fclass." #p)  \
    DEF_F_X(fcvt_w_##P, "fcvt.w." #p)       \
    DEF_F_X(fcvt_wu_##P, "fcvt.wu." #p)     \
    DEF_F_X(fcvt_l_##P, "fcvt.l." #p)       \
    DEF_F_X(fcvt_lu_##P, "fcvt.lu." #p)     \
    DEF_W(fcvt_##P##_w, "fcvt." #p ".w")    \
    DEF_W(fcvt_##P##_wu, "fcvt." #p ".wu")  \
    DEF_X_F(fcvt_##P##_l, "fcvt." #p ".l")  \
    DEF_X_F(fcvt_##P##_lu, "fcvt." #p ".lu")

DEF_PRECISION(S, s, DEF_X_F)
DEF_PRECISION(D, d, DEF_X_F_NORM)
DEF_F_F(fcvt_s_d, "fcvt.s.d")
DEF_F_F_NORM(fcvt_d_s, "fcvt.d.s")

// Operand kinds: 's' single (boxed register), 'd' double, 'i' integer register.
struct Op {
    const char* name;
    void (*fn)(ARGS);
    const char* args;
    int has_rm;
};

#define OPS_PRECISION(P, p, W)                                                              \
    {"fadd." #p, fadd_##P, #p #p, 1}, {"fsub." #p, fsub_##P, #p #p, 1},                     \
        {"fmul." #p, fmul_##P, #p #p, 1}, {"fdiv." #p, fdiv_##P, #p #p, 1},                 \
        {"fsqrt." #p, fsqrt_##P, #p, 1}, {"fmadd." #p, fmadd_##P, #p #p #p, 1},             \
        {"fmsub." #p, fmsub_##P, #p #p #p, 1}, {"fnmsub." #p, fnmsub_##P, #p #p #p, 1},     \
        {"fnmadd." #p, fnmadd_##P, #p #p #p, 1}, {"fmin." #p, fmin_##P, #p #p, 0},          \
        {"fmax." #p, fmax_##P, #p #p, 0}, {"fsgnj." #p, fsgnj_##P, #p #p, 0},               \
        {"fsgnjn." #p, fsgnjn_##P, #p #p, 0}, {"fsgnjx." #p, fsgnjx_##P, #p #p, 0},         \
        {"feq." #p, feq_##P, #p #p, 0}, {"flt." #p, flt_##P, #p #p, 0},                     \
        {"fle." #p, fle_##P, #p #p, 0}, {"fclass." #p, fclass_##P, #p, 0},                  \
        {"fcvt.w." #p, fcvt_w_##P, #p, 1}, {"fcvt.wu." #p, fcvt_wu_##P, #p, 1},             \
        {"fcvt.l." #p, fcvt_l_##P, #p, 1}, {"fcvt.lu." #p, fcvt_lu_##P, #p, 1},             \
        {"fcvt." #p ".w", fcvt_##P##_w, "i", W}, {"fcvt." #p ".wu", fcvt_##P##_wu, "i", W}, \
        {"fcvt." #p ".l", fcvt_##P##_l, "i", 1}, {                                          \
        "fcvt." #p ".lu", fcvt_##P##_lu, "i", 1                                             \
    }

static const struct Op kOps[] = {
    OPS_PRECISION(S, s, 1),
    OPS_PRECISION(D, d, 0),
    {"fcvt.s.d", fcvt_s_d, "d", 1},
    {"fcvt.d.s", fcvt_d_s, "s", 0},
};
#define NOPS (sizeof kOps / sizeof kOps[0])

// ---- operand generation -------------------------------------------------------------------

static u64 rng = 0x9e3779b97f4a7c15ull;
static u64 rnd(void) {  // xorshift64*
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static int chance(int n) {
    return rnd() % n == 0;
}  // 1 in n
static int range(int lo, int hi) {
    return lo + (int)(rnd() % (u64)(hi - lo + 1));
}

struct Fmt {
    int man, bias, expmax;
};
static const struct Fmt kSingle = {23, 127, 255}, kDouble = {52, 1023, 2047};

static u64 make(const struct Fmt* F, int sign, int exp, u64 man) {
    if (exp < 0) exp = 0;
    if (exp > F->expmax) exp = F->expmax;
    return ((u64)sign << (F->man + (F->man == 23 ? 8 : 11))) | ((u64)exp << F->man) |
           (man & ((1ull << F->man) - 1));
}

static u64 sparse_man(const struct Fmt* F) {
    u64 m = 0;
    for (int n = range(0, 3); n > 0; --n) m |= 1ull << range(0, F->man - 1);
    return m;
}
static u64 random_man(const struct Fmt* F) {
    switch (rnd() % 6) {
        case 0: return sparse_man(F);
        case 1: return (1ull << F->man) - 1 - sparse_man(F);  // mostly ones
        case 2: return (1ull << F->man) - 1;
        default: return rnd();
    }
}

// A value of format F (raw bits, not boxed), biased towards the interesting ones.
static u64 gen_value(const struct Fmt* F) {
    const int s = (int)(rnd() & 1);
    const u64 all = (1ull << F->man) - 1, quiet = 1ull << (F->man - 1);
    switch (rnd() % 14) {
        case 0:  // specials
            switch (rnd() % 14) {
                case 0: return make(F, s, 0, 0);
                case 1: return make(F, s, F->expmax, 0);
                case 2: return make(F, 0, F->expmax, quiet);  // canonical NaN
                case 3: return make(F, s, F->expmax, quiet | (rnd() & all));
                case 4: return make(F, s, F->expmax, 1);  // sNaN
                case 5: return make(F, s, F->expmax, (rnd() & (all >> 1)) | 1);
                case 6: return make(F, s, 0, 1);
                case 7: return make(F, s, 0, all);
                case 8: return make(F, s, 1, 0);
                case 9: return make(F, s, F->expmax - 1, all);
                case 10: return make(F, s, F->bias, 0);
                case 11: return make(F, s, F->bias - 1, all);
                case 12: return make(F, s, F->bias, 1);
                default: return make(F, s, F->bias + range(-2, 3), rnd() % 4 << (F->man - 2));
            }
        case 1: return make(F, s, 0, random_man(F));  // subnormal
        case 2: return make(F, s, range(1, F->man + 4), random_man(F));
        case 3: return make(F, s, F->expmax - range(1, F->man + 4), random_man(F));
        case 4: {  // near the integer conversion bounds 2^31, 2^32, 2^63, 2^64
            static const int bounds[] = {31, 32, 63, 64};
            const int e = F->bias + bounds[rnd() % 4] + range(-1, 0);
            static const u64 mans[] = {0, 1, 2};
            const u64 m = chance(2) ? mans[rnd() % 3] : chance(2) ? all - (rnd() % 3) : rnd();
            return make(F, s, e, m);
        }
        case 5: {  // small integers and halves: ties for conversions
            const int e = F->bias + range(-2, 24);
            const int frac_bits = e - F->bias;  // integer bits above the binary point
            u64 m = rnd() & all;
            if (frac_bits >= 0 && frac_bits < F->man) {
                const int low = F->man - frac_bits;  // fraction bits
                m &= ~((1ull << low) - 1);
                m |= (u64)(rnd() % 4) << (low - 2 < 0 ? 0 : low - 2);
            }
            return make(F, s, e, m);
        }
        case 6: return make(F, s, F->bias + range(-40, 40), sparse_man(F));
        case 7: return make(F, s, F->bias + range(-4, 4), random_man(F));
        case 8: return make(F, s, range(0, F->expmax), random_man(F));
        default: return make(F, s, F->bias + range(-60, 60), rnd());
    }
}

static int exp_of(const struct Fmt* F, u64 v) {
    return (int)(v >> F->man) & F->expmax;
}

// x op y on the guest FPU (frm is RNE) in format F.
static u64 guest_op(const struct Fmt* F, u64 x, u64 y, char op) {
    if (F->man == 23) {
        float fx, fy, fr;
        uint32_t bx = (uint32_t)x, by = (uint32_t)y, br;
        memcpy(&fx, &bx, 4);
        memcpy(&fy, &by, 4);
        fr = op == '*' ? fx * fy : fx / fy;
        memcpy(&br, &fr, 4);
        return br;
    }
    return as_bits(op == '*' ? as_double(x) * as_double(y) : as_double(x) / as_double(y));
}

static u64 min_normal(const struct Fmt* F) {
    return make(F, 0, 1, 0);
}
static u64 max_finite(const struct Fmt* F) {
    return make(F, 0, F->expmax - 1, ~0ull);
}

// b derived from a: shifted exponent (alignment, ties, cancellation), a few ulps away, or an
// exponent that puts a*b or a/b near either end of the range.
static u64 gen_related(const struct Fmt* F, u64 a) {
    const int ea = exp_of(F, a), s = (int)(rnd() & 1), bias = F->bias;
    const u64 man = a & ((1ull << F->man) - 1), sign_bit = 1ull << (F->man == 23 ? 31 : 63);
    switch (rnd() % 7) {
        case 0:
            return make(F, s, ea + range(-(F->man + 3), F->man + 3),
                        chance(2) ? man : sparse_man(F));
        case 1: return (a ^ (s ? sign_bit : 0)) + (u64)range(-3, 3);
        case 2:
            return make(F, s, 1 + bias - ea + range(-(F->man + 2), 2), random_man(F));  // a*b tiny
        case 3: return make(F, s, 3 * bias - ea + range(-2, 2), random_man(F));         // a*b huge
        case 4:
            return make(F, s, ea + bias - 1 + range(-2, F->man + 2), random_man(F));  // a/b tiny
        case 5: return make(F, s, ea - bias + range(-2, 2), random_man(F));           // a/b huge
        default: return a;
    }
}

// b such that a*b or a/b lands within a few ulps of the smallest normal or the largest finite
// value, where the rounding decides tininess (after rounding) and overflow.
static u64 gen_boundary(const struct Fmt* F, u64 a) {
    const u64 abs_a = a & ~(1ull << (F->man == 23 ? 31 : 63)), near = (u64)range(-2, 2);
    const u64 target = chance(3) ? max_finite(F) : min_normal(F);
    const u64 b = chance(2) ? guest_op(F, target, abs_a, '/') : guest_op(F, abs_a, target, '/');
    return (b + near) | (rnd() & 1 ? 1ull << (F->man == 23 ? 31 : 63) : 0);
}

static u64 gen_int(void) {
    switch (rnd() % 8) {
        case 0: return rnd();
        case 1: return (u64)(int64_t)range(-1000, 1000);
        case 2: {
            const u64 v = (1ull << range(0, 63)) + (u64)range(-3, 3);
            return chance(2) ? v : 0 - v;
        }
        case 3: {  // 24..26 or 53..55 significant bits: ties and near-ties when rounded
            const int bits = (chance(2) ? 24 : 53) + range(0, 2);
            u64 m = (rnd() | 1ull << (bits - 1) | 1) & (bits == 64 ? ~0ull : (1ull << bits) - 1);
            if (chance(2)) m = (m >> 2 << 2) | 2;  // exactly halfway below the extra bits
            const int shift = range(0, 64 - bits);
            const u64 v = m << shift;
            return chance(3) ? 0 - v : v;
        }
        case 4: {
            static const u64 k[] = {0,
                                    1,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x100000000ull,
                                    0x7fffffffffffffffull,
                                    0x8000000000000000ull,
                                    ~0ull,
                                    0xffffffff80000000ull};
            return k[rnd() % (sizeof k / sizeof k[0])];
        }
        case 5: return (rnd() << 32) | (u64)(uint32_t)range(-70000, 70000);  // W forms: junk above
        default: return rnd() >> range(0, 63);
    }
}

// NaN-boxed, except now and then on purpose: such a single reads as the canonical NaN.
static u64 box(u64 s) {
    if (chance(40)) {
        u64 hi = chance(2) ? 0 : rnd() >> 32;
        if (hi == 0xffffffffull) hi = 0x7fffffff;
        return hi << 32 | s;
    }
    return 0xffffffff00000000ull | s;
}

static u64 gen_operand(char kind, int index, const u64* prev) {
    if (kind == 'i') return gen_int();
    const struct Fmt* F = kind == 's' ? &kSingle : &kDouble;
    const u64 mask = kind == 's' ? 0xffffffffull : ~0ull, sign_bit = mask ^ (mask >> 1);
    u64 v;
    if (index == 1 && chance(3)) {
        v = gen_related(F, prev[0] & mask);
    } else if (index == 1 && chance(4)) {
        v = gen_boundary(F, prev[0] & mask);
    } else if (index == 2 && chance(2)) {
        // An addend near -(a*b) (cancellation, then ties), or a tiny one that moves a small
        // product across the smallest normal.
        const u64 p = guest_op(F, prev[0] & mask, prev[1] & mask, '*');
        switch (rnd() % 3) {
            case 0: v = (p ^ sign_bit) + (u64)range(-2, 2); break;
            case 1: v = gen_related(F, p); break;
            default: v = make(F, (int)(rnd() & 1), range(0, 1), random_man(F)); break;
        }
    } else if (kind == 'd' && chance(8)) {
        // Doubles that round to a single near its smallest normal or its largest finite value.
        const int e = chance(2) ? 1023 - 127 + range(-2, 0) : 1023 + 127 + range(0, 1);
        v = make(F, (int)(rnd() & 1), e, (~0ull << 29 | (rnd() >> 35)) + (u64)range(-2, 2));
    } else {
        v = gen_value(F);
    }
    if (kind == 's') return box(v & mask);
    return v;
}

// ---- driver -------------------------------------------------------------------------------

static void emit(const struct Op* op, int rm, u64 a, u64 b, u64 c) {
    u64 r, fl;
    op->fn(rm, a, b, c, &r, &fl);
    printf("%s %d %016llx %016llx %016llx %016llx %02llx\n", op->name, rm, (unsigned long long)a,
           (unsigned long long)b, (unsigned long long)c, (unsigned long long)r,
           (unsigned long long)fl);
}

static int from_stdin(void) {
    char name[32];
    int rm;
    unsigned long long a, b, c;
    while (scanf("%31s %d %llx %llx %llx", name, &rm, &a, &b, &c) == 5) {
        size_t k = 0;
        while (k < NOPS && strcmp(kOps[k].name, name) != 0) ++k;
        if (k == NOPS || rm < 0 || rm > 4) {
            fprintf(stderr, "fpvec: bad input '%s %d'\n", name, rm);
            return 1;
        }
        emit(&kOps[k], rm, a, b, c);
    }
    return 0;
}

int main(int argc, char** argv) {
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    if (argc > 1 && strcmp(argv[1], "-") == 0) return from_stdin();
    const u64 seed = argc > 1 ? strtoull(argv[1], 0, 0) : 1;
    const long per = argc > 2 ? strtol(argv[2], 0, 0) : 1000;
    rng ^= seed * 0xd1342543de82ef95ull;
    if (rng == 0) rng = 1;
    for (size_t k = 0; k < NOPS; ++k) {
        const struct Op* op = &kOps[k];
        for (int rm = 0; rm < (op->has_rm ? 5 : 1); ++rm) {
            for (long n = 0; n < per; ++n) {
                u64 v[3] = {0, 0, 0};
                for (int j = 0; op->args[j]; ++j) v[j] = gen_operand(op->args[j], j, v);
                emit(op, rm, v[0], v[1], v[2]);
            }
        }
    }
    return fflush(stdout) != 0;
}
