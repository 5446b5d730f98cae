// Out-of-line paths of fp.h: the host op under a temporary MXCSR, and exact integer arithmetic
// for RMM (and for FMA on hosts without FMA3).
#include "isa/riscv/fp.h"

namespace xvm::riscv::fp::detail {

const bool host_has_fma = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma");
}();

namespace {

using u128 = unsigned __int128;

// MXCSR (Intel SDM vol. 1, 10.2.3): all exceptions masked, no DAZ/FTZ, and the rounding
// control for RNE, RTZ, RDN, RUP.
constexpr uint32_t kMxcsrMasked = 0x1f80;
constexpr uint32_t kRoundingControl[4] = {0u << 13, 3u << 13, 1u << 13, 2u << 13};

// MXCSR status IE, DE, ZE, OE, UE, PE (bits 0-5) to fflags. DE (a denormal operand) has no
// RISC-V counterpart.
constexpr uint32_t to_fflags(uint32_t m) {
    uint32_t f = 0;
    if (m & 1) f |= kNV;
    if (m & 4) f |= kDZ;
    if (m & 8) f |= kOF;
    if (m & 16) f |= kUF;
    if (m & 32) f |= kNX;
    return f;
}

template <class T>
bool inf_times_zero(T a, T b) {
    return (is_inf(a) && is_zero(b)) || (is_zero(a) && is_inf(b));
}

// One instruction between ldmxcsr and stmxcsr, in one asm block so nothing can be scheduled
// into the window and the compiler cannot fold the op at compile time.
#define XVM_FP_HOST_OP(insn, ...)                                                       \
    asm volatile("ldmxcsr %[mode]\n\t" insn "\n\tstmxcsr %[status]\n\tldmxcsr %[saved]" \
                 : [status] "=m"(status), __VA_ARGS__                                   \
                 : [mode] "m"(mode), [saved] "m"(saved))

template <class T>
T host_arith(Op op, T a, T b, T c, unsigned rm, uint32_t& flags) {
    Host<T> x = host(a), y = host(b), z = host(c);
    const uint32_t mode = kMxcsrMasked | kRoundingControl[rm];
    uint32_t saved, status;
    asm volatile("stmxcsr %0" : "=m"(saved));
    constexpr bool kSingle = sizeof(T) == 4;
    switch (op) {
        case Op::Add:
            if constexpr (kSingle)
                XVM_FP_HOST_OP("addss %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            else
                XVM_FP_HOST_OP("addsd %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            break;
        case Op::Mul:
            if constexpr (kSingle)
                XVM_FP_HOST_OP("mulss %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            else
                XVM_FP_HOST_OP("mulsd %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            break;
        case Op::Div:
            if constexpr (kSingle)
                XVM_FP_HOST_OP("divss %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            else
                XVM_FP_HOST_OP("divsd %[y], %[x]", [x] "+x"(x), [y] "+x"(y));
            break;
        case Op::Sqrt:
            if constexpr (kSingle)
                XVM_FP_HOST_OP("sqrtss %[x], %[x]", [x] "+x"(x));
            else
                XVM_FP_HOST_OP("sqrtsd %[x], %[x]", [x] "+x"(x));
            break;
        case Op::Fma:
            if constexpr (kSingle) {
                XVM_FP_HOST_OP(
                    "vfmadd231ss %[y], %[x], %[z]", [x] "+x"(x), [y] "+x"(y), [z] "+x"(z));
            } else {
                XVM_FP_HOST_OP(
                    "vfmadd231sd %[y], %[x], %[z]", [x] "+x"(x), [y] "+x"(y), [z] "+x"(z));
            }
            x = z;
            break;
    }
    flags |= to_fflags(status);
    const T r = std::bit_cast<T>(x);
    if (!is_nan(r)) return r;
    // RISC-V: "must set the invalid operation exception flag when the multiplicands are inf
    // and zero, even when the addend is a quiet NaN"; x86 leaves that choice open.
    if (op == Op::Fma && inf_times_zero(a, b)) flags |= kNV;
    return kCanonicalNaN<T>;
}

#undef XVM_FP_HOST_OP

int countl_zero128(u128 x) {
    const uint64_t hi = uint64_t(x >> 64);
    return hi ? std::countl_zero(hi) : 64 + std::countl_zero(uint64_t(x));
}

u128 shift_right_jam(u128 x, int n) {
    if (n == 0) return x;
    if (n >= 128) return x != 0;
    return (x >> n) | ((x << (128 - n)) != 0);
}

// Rounds sign * sig * 2^exp (sig != 0), folding the low bits of a 128-bit sig into a sticky bit.
template <class T>
T round_pack128(bool sign, int exp, u128 sig, unsigned rm, uint32_t& flags) {
    const int drop = 64 - countl_zero128(sig);
    if (drop > 0) {
        sig = shift_right_jam(sig, drop);
        exp += drop;
    }
    return round_pack<T>(sign, exp, uint64_t(sig), rm, flags);
}

template <class T>
T signed_zero(bool negative) {
    return negative ? kSign<T> : 0;
}

// a*b + c (or a*b alone without an addend), rounded once. Exact sums and differences carry
// kMan+1 significant bits at bit 125 of a 128-bit word; an operand shifted right keeps a
// sticky bit, which after normalisation lies far below the rounding position.
template <class T>
T soft_fma(T a, T b, T c, bool has_addend, unsigned rm, uint32_t& flags) {
    if (is_nan(a) || is_nan(b) || (has_addend && is_nan(c))) {
        if (is_snan(a) || is_snan(b) || (has_addend && is_snan(c)) || inf_times_zero(a, b))
            flags |= kNV;
        return kCanonicalNaN<T>;
    }
    const bool product_sign = (a ^ b) & kSign<T>;
    const bool addend_sign = c & kSign<T>;
    if (is_inf(a) || is_inf(b)) {
        if (inf_times_zero(a, b) || (has_addend && is_inf(c) && addend_sign != product_sign)) {
            flags |= kNV;
            return kCanonicalNaN<T>;
        }
        return signed_zero<T>(product_sign) | kInf<T>;
    }
    if (has_addend && is_inf(c)) return c;
    if (is_zero(a) || is_zero(b)) {
        if (!has_addend) return signed_zero<T>(product_sign);
        if (!is_zero(c)) return c;
        // IEEE 754 6.3: an exact zero sum of opposite signs is +0, except -0 under RDN.
        return signed_zero<T>(product_sign == addend_sign ? product_sign : rm == kRDN);
    }
    const Unpacked ua = unpack(a), ub = unpack(b);
    u128 product = u128(ua.sig) * ub.sig;
    int product_exp = ua.exp + ub.exp;
    if (!has_addend || is_zero(c))
        return round_pack128<T>(product_sign, product_exp, product, rm, flags);

    const Unpacked uc = unpack(c);
    u128 addend = uc.sig;
    int addend_exp = uc.exp;
    const int pn = countl_zero128(product) - 2, cn = countl_zero128(addend) - 2;
    product <<= pn;
    product_exp -= pn;
    addend <<= cn;
    addend_exp -= cn;

    // Both now have their leading bit at 125: the larger exponent is the larger magnitude.
    const bool product_big =
        product_exp > addend_exp || (product_exp == addend_exp && product >= addend);
    u128 big = product_big ? product : addend, small = product_big ? addend : product;
    const int exp = product_big ? product_exp : addend_exp;
    const bool sign = product_big ? product_sign : addend_sign;
    const int distance = product_big ? product_exp - addend_exp : addend_exp - product_exp;
    small = shift_right_jam(small, distance);
    const u128 sum = product_sign == addend_sign ? big + small : big - small;
    if (sum == 0) return signed_zero<T>(rm == kRDN);
    return round_pack128<T>(sign, exp, sum, rm, flags);
}

template <class T>
T soft_div(T a, T b, unsigned rm, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) {
        if (is_snan(a) || is_snan(b)) flags |= kNV;
        return kCanonicalNaN<T>;
    }
    const T sign = (a ^ b) & kSign<T>;
    if (is_inf(a)) {
        if (is_inf(b)) return (flags |= kNV, kCanonicalNaN<T>);
        return sign | kInf<T>;
    }
    if (is_inf(b)) return sign;
    if (is_zero(b)) {
        if (is_zero(a)) return (flags |= kNV, kCanonicalNaN<T>);
        flags |= kDZ;
        return sign | kInf<T>;
    }
    if (is_zero(a)) return sign;
    Unpacked ua = unpack(a), ub = unpack(b);
    const int na = std::countl_zero(ua.sig), nb = std::countl_zero(ub.sig);
    const uint64_t x = ua.sig << na, y = ub.sig << nb;
    // x, y in [2^63, 2^64): the quotient x * 2^63 / y lies in (2^62, 2^64).
    const u128 num = u128(x) << 63;
    const uint64_t q = uint64_t(num / y);
    const bool rest = num - u128(q) * y != 0;
    return round_pack<T>(sign, ua.exp - na - (ub.exp - nb) - 63, q | rest, rm, flags);
}

template <class T>
T soft_sqrt(T a, unsigned rm, uint32_t& flags) {
    if (is_nan(a)) {
        if (is_snan(a)) flags |= kNV;
        return kCanonicalNaN<T>;
    }
    if (is_zero(a)) return a;
    if (a & kSign<T>) return (flags |= kNV, kCanonicalNaN<T>);
    if (is_inf(a)) return a;
    Unpacked u = unpack(a);
    // Scale to an even exponent with the radicand near 2^126, so the root has ~63 bits.
    int shift = std::countl_zero(u.sig) + 62;
    if ((u.exp - shift) & 1) --shift;
    u128 x = u128(u.sig) << shift;
    const int exp = (u.exp - shift) / 2;
    u128 root = 0, bit = u128(1) << 126;
    while (bit > x) bit >>= 2;
    for (; bit != 0; bit >>= 2) {  // digit-by-digit square root
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    return round_pack<T>(false, exp, uint64_t(root) | (x != 0), rm, flags);
}

}  // namespace

template <class T>
T soft_arith(Op op, T a, T b, T c, unsigned rm, uint32_t& flags) {
    switch (op) {
        case Op::Add: return soft_fma<T>(a, T(kBias<T>) << kMan<T>, b, true, rm, flags);
        case Op::Mul: return soft_fma<T>(a, b, 0, false, rm, flags);
        case Op::Div: return soft_div(a, b, rm, flags);
        case Op::Sqrt: return soft_sqrt(a, rm, flags);
        case Op::Fma: return soft_fma(a, b, c, true, rm, flags);
    }
    assert(!"unknown fp op");
    return kCanonicalNaN<T>;
}

template <class T>
T arith(Op op, T a, T b, T c, unsigned rm, uint32_t& flags) {
    if (op == Op::Sqrt && rm == kRMM) rm = kRNE;  // a square root is never a tie (fp.h)
    if (rm == kRMM || (op == Op::Fma && !host_has_fma)) return soft_arith(op, a, b, c, rm, flags);
    return host_arith(op, a, b, c, rm, flags);
}

template uint32_t arith(Op, uint32_t, uint32_t, uint32_t, unsigned, uint32_t&);
template uint64_t arith(Op, uint64_t, uint64_t, uint64_t, unsigned, uint32_t&);
template uint32_t soft_arith(Op, uint32_t, uint32_t, uint32_t, unsigned, uint32_t&);
template uint64_t soft_arith(Op, uint64_t, uint64_t, uint64_t, unsigned, uint32_t&);

}  // namespace xvm::riscv::fp::detail
