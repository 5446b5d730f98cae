// Every RV64IM, Zba, Zbb, Zbs, F and D computational instruction on a few hundred
// random operands biased to edge values (zeros, ±1, INT64/INT32 limits, shift
// counts 0/31/32/63; for FP: signed zeros, infinities, quiet and signalling NaNs,
// subnormals, integer-conversion limits, badly NaN-boxed singles), each FP
// operation with every static rounding mode and with dyn under every frm. One
// line per instruction and rounding mode: a hash of all results and fflags.
// qemu-riscv64 is the reference, so this also catches what the interpreter and
// the JIT would share (isa/riscv semantics). `ops_random -v` prints every case.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int verbose;
static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t kIntEdges[] = {
    0, 1, ~0ull, 2, ~1ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000001ull,
    0xffffffffull, 0x80000000ull, 0x7fffffffull, 0xffffffff80000000ull, 0xffffffff7fffffffull,
    0x100000000ull, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x5555555555555555ull, 0x8080808080808080ull, 0x00ff00ff00ff00ffull, 0xfffffffffffff800ull};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t int_operand(void) {
    const unsigned k = (unsigned)(next() % 100);
    if (k < 45) return kIntEdges[next() % N(kIntEdges)];
    if (k < 55) return kIntEdges[next() % N(kIntEdges)] + next() % 5 - 2;
    if (k < 70) return (uint64_t)((int64_t)(next() % 601) - 300);
    if (k < 85) return (uint64_t)(int64_t)(int32_t)next();
    return next();
}

static const uint64_t kDoubleEdges[] = {
    0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000000001ull, 1,
    0x000fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffffffffull, 0x41efffffffe00000ull,
    0x41f0000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x43f0000000000000ull,
    0x3ca0000000000000ull, 0x36a0000000000000ull, 0x47efffffe0000000ull, 0x4330000000000000ull};
static const uint32_t kFloatEdges[] = {
    0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00001, 1, 0x007fffff,
    0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000,
    0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000,
    0x4b000000, 0x33800000};

// Raw f-register contents: a double, or a single (usually NaN-boxed).
static uint64_t fp_operand(int single) {
    const unsigned k = (unsigned)(next() % 100);
    if (single) {
        uint32_t s;
        if (k < 55) s = kFloatEdges[next() % N(kFloatEdges)];
        else if (k < 65) s = kFloatEdges[next() % N(kFloatEdges)] + (uint32_t)(next() % 3) - 1;
        else s = (uint32_t)next();
        if (next() % 100 < 93) return 0xffffffff00000000ull | s;
        return (next() & 0xffffffff00000000ull) | s;  // not a valid NaN box
    }
    if (k < 55) return kDoubleEdges[next() % N(kDoubleEdges)];
    if (k < 65) return kDoubleEdges[next() % N(kDoubleEdges)] + next() % 3 - 1;
    return next();
}

// ---- the operations: raw bits in, raw bits and fflags out --------------------

typedef struct {
    uint64_t value;
    uint64_t flags;
} Result;
typedef Result (*OpFn)(uint64_t a, uint64_t b, uint64_t c, uint64_t frm);
enum Kind { INT, FP_S, FP_D, CVT_FROM_INT };  // operand kind
typedef struct {
    const char* name;
    OpFn fn;
    enum Kind kind;
} Op;

#define RR(id, mn)                                                                 \
    static Result id(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) {           \
        (void)c, (void)frm;                                                        \
        Result r = {0, 0};                                                         \
        __asm__ volatile(mn " %0, %1, %2" : "=r"(r.value) : "r"(a), "r"(b));     \
        return r;                                                                  \
    }
#define R1(id, mn)                                                                 \
    static Result id(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) {           \
        (void)b, (void)c, (void)frm;                                               \
        Result r = {0, 0};                                                         \
        __asm__ volatile(mn " %0, %1" : "=r"(r.value) : "r"(a));                   \
        return r;                                                                  \
    }
#define RI(id, mn, imm)                                                            \
    static Result id(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) {           \
        (void)b, (void)c, (void)frm;                                               \
        Result r = {0, 0};                                                         \
        __asm__ volatile(mn " %0, %1, " #imm : "=r"(r.value) : "r"(a));            \
        return r;                                                                  \
    }
// FP: f registers loaded with fmv.d.x from the raw bits, fflags set to
// g_preset before (every other case accrues NX and some more first: compiled
// code keeps results with an inexact flag already accrued, so both states are
// covered) and read after, frm set (used by the dyn variants).
static uint64_t g_preset;
#define FP_PRE \
    "fsrm %[frm]\n fsflags %[pre]\n fmv.d.x ft0, %[a]\n fmv.d.x ft1, %[b]\n fmv.d.x ft2, %[c]\n"
#define FP_IO [a] "r"(a), [b] "r"(b), [c] "r"(c), [frm] "r"(frm), [pre] "r"(g_preset)
#define FP_CLOBBER "ft0", "ft1", "ft2", "ft3"
#define F_TO_F(id, text)                                                           \
    static Result id(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) {           \
        Result r;                                                                  \
        __asm__ volatile(FP_PRE text "\n fmv.x.d %[v], ft3\n frflags %[f]"         \
                         : [v] "=&r"(r.value), [f] "=&r"(r.flags)                  \
                         : FP_IO                                                   \
                         : FP_CLOBBER);                                            \
        return r;                                                                  \
    }
#define F_TO_X(id, text)                                                           \
    static Result id(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) {           \
        Result r;                                                                  \
        __asm__ volatile(FP_PRE text "\n frflags %[f]"                             \
                         : [v] "=&r"(r.value), [f] "=&r"(r.flags)                  \
                         : FP_IO                                                   \
                         : FP_CLOBBER);                                            \
        return r;                                                                  \
    }

// ---- the instruction lists ------------------------------------------------------

#define INT_RR(X)                                                                              \
    X(add, "add") X(sub, "sub") X(sll, "sll") X(slt, "slt") X(sltu, "sltu") X(xor_, "xor")     \
    X(srl, "srl") X(sra, "sra") X(or_, "or") X(and_, "and") X(addw, "addw") X(subw, "subw")    \
    X(sllw, "sllw") X(srlw, "srlw") X(sraw, "sraw") X(mul, "mul") X(mulh, "mulh")              \
    X(mulhsu, "mulhsu") X(mulhu, "mulhu") X(div_, "div") X(divu, "divu") X(rem, "rem")         \
    X(remu, "remu") X(mulw, "mulw") X(divw, "divw") X(divuw, "divuw") X(remw, "remw")          \
    X(remuw, "remuw") X(sh1add, "sh1add") X(sh2add, "sh2add") X(sh3add, "sh3add")              \
    X(add_uw, "add.uw") X(sh1add_uw, "sh1add.uw") X(sh2add_uw, "sh2add.uw")                    \
    X(sh3add_uw, "sh3add.uw") X(andn, "andn") X(orn, "orn") X(xnor, "xnor") X(max, "max")      \
    X(maxu, "maxu") X(min, "min") X(minu, "minu") X(rol, "rol") X(ror, "ror") X(rolw, "rolw")  \
    X(rorw, "rorw") X(bclr, "bclr") X(bext, "bext") X(binv, "binv") X(bset, "bset")
#define INT_R1(X)                                                                              \
    X(clz, "clz") X(ctz, "ctz") X(cpop, "cpop") X(sext_b, "sext.b") X(sext_h, "sext.h")        \
    X(clzw, "clzw") X(ctzw, "ctzw") X(cpopw, "cpopw") X(zext_h, "zext.h") X(orc_b, "orc.b")    \
    X(rev8, "rev8")
#define IMM12(X, id, mn)                                                                       \
    X(id##_m2048, mn, -2048) X(id##_m1, mn, -1) X(id##_0, mn, 0) X(id##_1, mn, 1)              \
    X(id##_31, mn, 31) X(id##_2047, mn, 2047)
#define SH6(X, id, mn) \
    X(id##_0, mn, 0) X(id##_1, mn, 1) X(id##_31, mn, 31) X(id##_32, mn, 32) X(id##_63, mn, 63)
#define SH5(X, id, mn) X(id##_0, mn, 0) X(id##_1, mn, 1) X(id##_15, mn, 15) X(id##_31, mn, 31)
#define INT_RI(X)                                                                              \
    IMM12(X, addi, "addi") IMM12(X, slti, "slti") IMM12(X, sltiu, "sltiu")                     \
    IMM12(X, xori, "xori") IMM12(X, ori, "ori") IMM12(X, andi, "andi") IMM12(X, addiw, "addiw") \
    SH6(X, slli, "slli") SH6(X, srli, "srli") SH6(X, srai, "srai") SH6(X, rori, "rori")        \
    SH6(X, bclri, "bclri") SH6(X, bexti, "bexti") SH6(X, binvi, "binvi")                       \
    SH6(X, bseti, "bseti") SH6(X, slli_uw, "slli.uw") SH5(X, slliw, "slliw")                   \
    SH5(X, srliw, "srliw") SH5(X, sraiw, "sraiw") SH5(X, roriw, "roriw")

// Each rounding mode, static and dynamic.
#define RMS(X, id, text, kind)                                                                 \
    X(id##_rne, text ", rne", kind) X(id##_rtz, text ", rtz", kind)                            \
    X(id##_rdn, text ", rdn", kind) X(id##_rup, text ", rup", kind)                            \
    X(id##_rmm, text ", rmm", kind) X(id##_dyn, text ", dyn", kind)
// Results in f registers (ft3).
#define FP_TO_F(X)                                                                             \
    RMS(X, fadd_s, "fadd.s ft3, ft0, ft1", FP_S) RMS(X, fsub_s, "fsub.s ft3, ft0, ft1", FP_S)  \
    RMS(X, fmul_s, "fmul.s ft3, ft0, ft1", FP_S) RMS(X, fdiv_s, "fdiv.s ft3, ft0, ft1", FP_S)  \
    RMS(X, fsqrt_s, "fsqrt.s ft3, ft0", FP_S)                                                  \
    RMS(X, fmadd_s, "fmadd.s ft3, ft0, ft1, ft2", FP_S)                                        \
    RMS(X, fmsub_s, "fmsub.s ft3, ft0, ft1, ft2", FP_S)                                        \
    RMS(X, fnmsub_s, "fnmsub.s ft3, ft0, ft1, ft2", FP_S)                                      \
    RMS(X, fnmadd_s, "fnmadd.s ft3, ft0, ft1, ft2", FP_S)                                      \
    RMS(X, fadd_d, "fadd.d ft3, ft0, ft1", FP_D) RMS(X, fsub_d, "fsub.d ft3, ft0, ft1", FP_D)  \
    RMS(X, fmul_d, "fmul.d ft3, ft0, ft1", FP_D) RMS(X, fdiv_d, "fdiv.d ft3, ft0, ft1", FP_D)  \
    RMS(X, fsqrt_d, "fsqrt.d ft3, ft0", FP_D)                                                  \
    RMS(X, fmadd_d, "fmadd.d ft3, ft0, ft1, ft2", FP_D)                                        \
    RMS(X, fmsub_d, "fmsub.d ft3, ft0, ft1, ft2", FP_D)                                        \
    RMS(X, fnmsub_d, "fnmsub.d ft3, ft0, ft1, ft2", FP_D)                                      \
    RMS(X, fnmadd_d, "fnmadd.d ft3, ft0, ft1, ft2", FP_D)                                      \
    RMS(X, fcvt_s_d, "fcvt.s.d ft3, ft0", FP_D)                                                \
    RMS(X, fcvt_s_w, "fcvt.s.w ft3, %[a]", CVT_FROM_INT)                                       \
    RMS(X, fcvt_s_wu, "fcvt.s.wu ft3, %[a]", CVT_FROM_INT)                                     \
    RMS(X, fcvt_s_l, "fcvt.s.l ft3, %[a]", CVT_FROM_INT)                                       \
    RMS(X, fcvt_s_lu, "fcvt.s.lu ft3, %[a]", CVT_FROM_INT)                                     \
    RMS(X, fcvt_d_l, "fcvt.d.l ft3, %[a]", CVT_FROM_INT)                                       \
    RMS(X, fcvt_d_lu, "fcvt.d.lu ft3, %[a]", CVT_FROM_INT)                                     \
    X(fcvt_d_s, "fcvt.d.s ft3, ft0", FP_S) X(fcvt_d_w, "fcvt.d.w ft3, %[a]", CVT_FROM_INT)     \
    X(fcvt_d_wu, "fcvt.d.wu ft3, %[a]", CVT_FROM_INT)                                          \
    X(fsgnj_s, "fsgnj.s ft3, ft0, ft1", FP_S) X(fsgnjn_s, "fsgnjn.s ft3, ft0, ft1", FP_S)      \
    X(fsgnjx_s, "fsgnjx.s ft3, ft0, ft1", FP_S) X(fmin_s, "fmin.s ft3, ft0, ft1", FP_S)        \
    X(fmax_s, "fmax.s ft3, ft0, ft1", FP_S) X(fsgnj_d, "fsgnj.d ft3, ft0, ft1", FP_D)          \
    X(fsgnjn_d, "fsgnjn.d ft3, ft0, ft1", FP_D) X(fsgnjx_d, "fsgnjx.d ft3, ft0, ft1", FP_D)    \
    X(fmin_d, "fmin.d ft3, ft0, ft1", FP_D) X(fmax_d, "fmax.d ft3, ft0, ft1", FP_D)            \
    X(fmv_w_x, "fmv.w.x ft3, %[a]", CVT_FROM_INT) X(fmv_d_x, "fmv.d.x ft3, %[a]", CVT_FROM_INT)
// Results in x registers.
#define FP_TO_X(X)                                                                             \
    RMS(X, fcvt_w_s, "fcvt.w.s %[v], ft0", FP_S) RMS(X, fcvt_wu_s, "fcvt.wu.s %[v], ft0", FP_S) \
    RMS(X, fcvt_l_s, "fcvt.l.s %[v], ft0", FP_S) RMS(X, fcvt_lu_s, "fcvt.lu.s %[v], ft0", FP_S) \
    RMS(X, fcvt_w_d, "fcvt.w.d %[v], ft0", FP_D) RMS(X, fcvt_wu_d, "fcvt.wu.d %[v], ft0", FP_D) \
    RMS(X, fcvt_l_d, "fcvt.l.d %[v], ft0", FP_D) RMS(X, fcvt_lu_d, "fcvt.lu.d %[v], ft0", FP_D) \
    X(feq_s, "feq.s %[v], ft0, ft1", FP_S) X(flt_s, "flt.s %[v], ft0, ft1", FP_S)              \
    X(fle_s, "fle.s %[v], ft0, ft1", FP_S) X(feq_d, "feq.d %[v], ft0, ft1", FP_D)              \
    X(flt_d, "flt.d %[v], ft0, ft1", FP_D) X(fle_d, "fle.d %[v], ft0, ft1", FP_D)              \
    X(fclass_s, "fclass.s %[v], ft0", FP_S) X(fclass_d, "fclass.d %[v], ft0", FP_D)            \
    X(fmv_x_w, "fmv.x.w %[v], ft0", FP_S) X(fmv_x_d, "fmv.x.d %[v], ft0", FP_D)

#define DEF_FF(id, text, kind) F_TO_F(id, text)
#define DEF_FX(id, text, kind) F_TO_X(id, text)
INT_RR(RR)
INT_R1(R1)
INT_RI(RI)
FP_TO_F(DEF_FF)
FP_TO_X(DEF_FX)

#define ROW2(id, mn) {#id, id, INT},
#define ROW3I(id, mn, imm) {#id, id, INT},
#define ROW3F(id, text, kind) {#id, id, kind},
static const Op kOps[] = {INT_RR(ROW2) INT_R1(ROW2) INT_RI(ROW3I) FP_TO_F(ROW3F) FP_TO_X(ROW3F)};

static uint64_t fnv(uint64_t h, uint64_t v) {
    for (int k = 0; k < 8; ++k) h = (h ^ ((v >> (8 * k)) & 0xff)) * 0x100000001b3ull;
    return h;
}

int main(int argc, char** argv) {
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    for (size_t o = 0; o < N(kOps); ++o) {
        const Op* op = &kOps[o];
        uint64_t h = 0xcbf29ce484222325ull;
        const int cases = op->kind == INT ? 600 : 400;
        for (int k = 0; k < cases; ++k) {
            uint64_t a, b, c;
            if (op->kind == INT || op->kind == CVT_FROM_INT) {
                a = int_operand();
                b = int_operand();
                c = int_operand();
            } else {
                const int single = op->kind == FP_S;
                a = fp_operand(single);
                b = fp_operand(single);
                c = fp_operand(single);
            }
            // qemu-riscv64 7.2 computes ctzw of a value whose low word is zero as
            // ctz of all 64 bits (Zbb says 32); keep such values out of the reference.
            if (op->fn == ctzw && (a & 0xffffffffu) == 0) a = 0;
            const uint64_t frm = next() % 5;
            g_preset = (k & 1) ? 1 | (next() % 32) : 0;
            const Result r = op->fn(a, b, c, frm);
            h = fnv(fnv(h, r.value), r.flags);
            if (verbose)
                printf("%s %016llx %016llx %016llx frm=%llu pre=%02llx -> %016llx flags=%02llx\n",
                       op->name, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
                       (unsigned long long)frm, (unsigned long long)g_preset,
                       (unsigned long long)r.value, (unsigned long long)r.flags);
        }
        printf("%-24s %016llx\n", op->name, (unsigned long long)h);
    }
    return 0;
}
