// Bit-exact RISC-V F and D arithmetic (unprivileged spec, chapters "F" and "D") for an x86-64
// host. Values are raw IEEE bit patterns: T = uint32_t (single) or uint64_t (double).
//
// Why it is built this way:
// - The RNE fast path runs the host SSE op in the host's default state (MXCSR 0x1f80: RNE, all
//   exceptions masked, no DAZ/FTZ; xvm never changes it outside this file, host_fpu_ok() checks)
//   and never touches MXCSR: on the development host (AMD EPYC, Zen 4) a stmxcsr costs ~5 ns
//   and an ldmxcsr/stmxcsr/ldmxcsr round trip ~13 ns, ten times the op itself. A result whose
//   exponent is neither the lowest binade nor all-ones cannot raise UF, OF, DZ or NV, so only NX
//   is left. `flags` should be the guest's accrued fflags: NX is then almost always set already
//   and costs nothing; when it is not, an error-free transform decides it (Fast2Sum for add, an
//   FMA residual for mul/div/sqrt where the residual cannot underflow; FMA takes the slow path).
// - Everything else (RTZ/RDN/RUP, results near the ends of the range, NaN, inf, zero) goes out
//   of line to the same host op under a temporary MXCSR. Its flags map one to one onto fflags:
//   SSE detects tininess after rounding and sets UE only when also inexact, as RISC-V does
//   (checked against QEMU by tests/isa/fp_test.cpp). Fixed up afterwards: x86 propagates NaN
//   payloads and its default NaN is negative, RISC-V always returns the canonical NaN; and x86
//   does not raise invalid for inf*0 + qNaN, which RISC-V requires.
// - RMM (ties away) has no x86 mode: add/sub/mul/div/fma then use exact integer arithmetic
//   (detail::soft_arith, __int128; also FMA on hosts without FMA3). sqrt needs none: an exact
//   square root of a float is never halfway between two floats, so RMM and RNE agree.
// - Conversions, compares, min/max and fclass are integer code: x86's forms differ (integer
//   indefinite 0x80000000 instead of saturation, no unsigned conversions before AVX-512) and
//   the integer code costs about as much as a hardware op plus the fix-ups.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>

#if !defined(__x86_64__)
#error "fp.h uses the x86-64 SSE unit; port the host ops before building on another host"
#endif

namespace xvm::riscv::fp {

// fflags bits and rounding modes, unprivileged spec, F chapter ("fcsr").
enum : uint32_t { kNX = 1, kUF = 2, kOF = 4, kDZ = 8, kNV = 16 };
enum : unsigned { kRNE = 0, kRTZ = 1, kRDN = 2, kRUP = 3, kRMM = 4 };
enum class IntKind { W, WU, L, LU };

template <class T>
struct Format;
template <>
struct Format<uint32_t> {
    using Host = float;
    static constexpr int kManBits = 23, kExpBits = 8;
};
template <>
struct Format<uint64_t> {
    using Host = double;
    static constexpr int kManBits = 52, kExpBits = 11;
};

template <class T>
inline constexpr int kMan = Format<T>::kManBits;
template <class T>
inline constexpr int kBias = (1 << (Format<T>::kExpBits - 1)) - 1;
template <class T>
inline constexpr unsigned kExpMax = (1u << Format<T>::kExpBits) - 1;
template <class T>
inline constexpr T kSign = T(1) << (sizeof(T) * 8 - 1);
template <class T>
inline constexpr T kInf = T(kExpMax<T>) << kMan<T>;
template <class T>
inline constexpr T kManMask = T(~T(0)) >> (sizeof(T) * 8 - kMan<T>);
template <class T>
inline constexpr T kQuiet = T(1) << (kMan<T> - 1);
template <class T>
inline constexpr T kCanonicalNaN = kInf<T> | kQuiet<T>;  // spec: "canonical NaN"

template <class T>
constexpr T magnitude(T a) {
    return a & ~kSign<T>;
}
template <class T>
constexpr bool is_nan(T a) {
    return magnitude(a) > kInf<T>;
}
template <class T>
constexpr bool is_snan(T a) {
    return is_nan(a) && !(a & kQuiet<T>);
}
template <class T>
constexpr bool is_inf(T a) {
    return magnitude(a) == kInf<T>;
}
template <class T>
constexpr bool is_zero(T a) {
    return magnitude(a) == 0;
}
template <class T>
constexpr unsigned exp_field(T a) {
    return unsigned(a >> kMan<T>) & kExpMax<T>;
}

// NaN-boxing (D chapter, "NaN Boxing of Narrower Values").
inline constexpr uint64_t box(uint32_t s) {
    return 0xffffffff'00000000ull | s;
}
inline constexpr uint32_t unbox(uint64_t r) {
    return (r >> 32) == 0xffffffffu ? uint32_t(r) : kCanonicalNaN<uint32_t>;
}

// fsgnj, fsgnjn, fsgnjx: pure bit operations on (unboxed) operands, no flags.
template <class T>
constexpr T sgnj(T a, T b) {
    return magnitude(a) | (b & kSign<T>);
}
template <class T>
constexpr T sgnjn(T a, T b) {
    return magnitude(a) | (~b & kSign<T>);
}
template <class T>
constexpr T sgnjx(T a, T b) {
    return a ^ (b & kSign<T>);
}

// True if MXCSR is in the state the fast paths assume (flag bits ignored).
inline bool host_fpu_ok() {
    uint32_t m;
    asm volatile("stmxcsr %0" : "=m"(m));
    return (m & ~0x3fu) == 0x1f80;
}

// Puts MXCSR in that state (engines call it when a vCPU thread starts).
inline void reset_host_fpu() {
    uint32_t m = 0x1f80;
    asm volatile("ldmxcsr %0" : : "m"(m));
}

namespace detail {

enum class Op { Add, Mul, Div, Sqrt, Fma };

extern const bool host_has_fma;  // FMA3, probed once at startup

// The exact out-of-line path: host op under MXCSR for RNE/RTZ/RDN/RUP, soft_arith for RMM.
template <class T>
T arith(Op op, T a, T b, T c, unsigned rm, uint32_t& flags);
// Exact integer arithmetic for every rounding mode (b is ignored for Sqrt, c unless Fma).
template <class T>
T soft_arith(Op op, T a, T b, T c, unsigned rm, uint32_t& flags);

template <class T>
using Host = typename Format<T>::Host;

template <class T>
Host<T> host(T a) {
    return std::bit_cast<Host<T>>(a);
}

// a*b + c rounded once in the host's current (default RNE) mode. Only when host_has_fma.
template <class H>
H host_fma(H a, H b, H c) {
    if constexpr (sizeof(H) == 4) {
        asm volatile("vfmadd231ss %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
    } else {
        asm volatile("vfmadd231sd %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
    }
    return c;
}

// In place: sqrtsd keeps the destination's upper lane, so a separate output register would
// make each call wait for whatever last wrote that register.
template <class H>
H host_sqrt(H a) {
    if constexpr (sizeof(H) == 4) {
        asm("sqrtss %0, %0" : "+x"(a));
    } else {
        asm("sqrtsd %0, %0" : "+x"(a));
    }
    return a;
}

// A result in this exponent range raises at most NX: not tiny, not overflowed, not NaN.
template <class T>
constexpr bool plain_result(T r) {
    return exp_field(r) - 2 < kExpMax<T> - 2;
}

// Residuals a*b - p, a - q*b, a - s*s are exact when the operand exponent leaves kMan+2
// binades above the subnormal range (the residual's lowest bit stays representable).
template <class T>
constexpr bool residual_exact(T r) {
    return exp_field(r) >= unsigned(kMan<T>) + 3 && exp_field(r) < kExpMax<T>;
}

// Whether to add one unit to a truncated magnitude. `rest` holds the discarded bits and
// `half` the weight of the first of them; rm is resolved by the caller (0..4).
constexpr bool round_up(unsigned rm, bool sign, bool odd, uint64_t rest, uint64_t half) {
    switch (rm) {
        case kRNE: return rest > half || (rest == half && odd);
        case kRTZ: return false;
        case kRDN: return sign && rest != 0;
        case kRUP: return !sign && rest != 0;
        default: assert(rm == kRMM); return rest >= half;
    }
}

// Splits sig into the bits kept after dropping `shift` low bits (shift >= 1) and the rest.
struct Split {
    uint64_t kept, rest, half;
};
constexpr Split split(uint64_t sig, int shift) {
    if (shift < 64) return {sig >> shift, sig & ((1ull << shift) - 1), 1ull << (shift - 1)};
    if (shift == 64) return {0, sig, 1ull << 63};
    return {0, sig != 0, 2};  // below half of the lowest unit
}

template <class T>
T overflow(bool sign, unsigned rm, uint32_t& flags) {
    flags |= kOF | kNX;
    const bool to_inf = rm == kRNE || rm == kRMM || (rm == kRDN && sign) || (rm == kRUP && !sign);
    return (sign ? kSign<T> : 0) | (to_inf ? kInf<T> : kInf<T> - 1);
}

// Rounds sign * sig * 2^exp (sig != 0) to T. Tininess is detected after rounding: the value
// is tiny if, rounded to full precision with an unbounded exponent, it is below 2^emin.
template <class T>
T round_pack(bool sign, int exp, uint64_t sig, unsigned rm, uint32_t& flags) {
    const int lz = std::countl_zero(sig);
    sig <<= lz;
    int e = exp - lz + 63 + kBias<T>;  // biased exponent of the leading bit
    if (e >= int(kExpMax<T>)) return overflow<T>(sign, rm, flags);
    int shift = 63 - kMan<T>;
    bool tiny = false;
    if (e < 1) {
        if (e < 0) {
            tiny = true;
        } else {
            const Split n = split(sig, shift);
            const bool all_ones = n.kept == 2 * uint64_t(kManMask<T>) + 1;
            tiny = !all_ones || !round_up(rm, sign, true, n.rest, n.half);
        }
        shift += 1 - e;
        e = 1;
    }
    Split s = split(sig, shift);
    const T sign_bit = sign ? kSign<T> : 0;
    if (s.rest == 0) return sign_bit | (T(s.kept) + (T(e - 1) << kMan<T>));
    flags |= tiny ? kNX | kUF : kNX;
    s.kept += round_up(rm, sign, s.kept & 1, s.rest, s.half);
    const T bits = T(s.kept) + (T(e - 1) << kMan<T>);  // a carry moves into the exponent
    if (bits >= kInf<T>) return overflow<T>(sign, rm, flags);
    return sign_bit | bits;
}

// A finite nonzero value as sig * 2^exp.
struct Unpacked {
    bool sign;
    int exp;
    uint64_t sig;
};
template <class T>
constexpr Unpacked unpack(T a) {
    const unsigned e = exp_field(a);
    const uint64_t man = a & kManMask<T>;
    return {bool(a & kSign<T>), int(e ? e : 1) - kBias<T> - kMan<T>,
            e ? man | (uint64_t(1) << kMan<T>) : man};
}

template <class T>
T minmax_nan(T a, T b, uint32_t& flags) {
    if (is_snan(a) || is_snan(b)) flags |= kNV;
    if (is_nan(a) && is_nan(b)) return kCanonicalNaN<T>;
    return is_nan(a) ? b : a;
}

// Maps a non-NaN value to an unsigned key in numeric order, with -0 below +0.
template <class T>
constexpr T order_key(T a) {
    return (a & kSign<T>) ? ~a : a | kSign<T>;
}

template <class T>
T fused(T a, T b, T c, unsigned rm, uint32_t& flags) {
    if (rm == kRNE && host_has_fma) [[likely]] {
        const T r = std::bit_cast<T>(host_fma(host(a), host(b), host(c)));
        if (plain_result(r) && (flags & kNX)) return r;
    }
    return arith<T>(Op::Fma, a, b, c, rm, flags);
}

}  // namespace detail

template <class T>
T add(T a, T b, unsigned rm, uint32_t& flags) {
    if (rm == kRNE) [[likely]] {
        const auto x = detail::host(a), y = detail::host(b), s = x + y;
        const T r = std::bit_cast<T>(s);
        // Sums never underflow (a tiny sum is exact), so any finite result is plain.
        if (exp_field(r) != kExpMax<T>) {
            if (!(flags & kNX)) {
                // Fast2Sum: with |big| >= |small|, s - big is exact, so it equals small iff
                // the sum was exact.
                const bool a_big = magnitude(a) >= magnitude(b);
                if (s - (a_big ? x : y) != (a_big ? y : x)) flags |= kNX;
            }
            return r;
        }
    }
    return detail::arith<T>(detail::Op::Add, a, b, 0, rm, flags);
}

template <class T>
T sub(T a, T b, unsigned rm, uint32_t& flags) {
    return add(a, b ^ kSign<T>, rm, flags);
}

template <class T>
T mul(T a, T b, unsigned rm, uint32_t& flags) {
    if (rm == kRNE) [[likely]] {
        const auto x = detail::host(a), y = detail::host(b), p = x * y;
        const T r = std::bit_cast<T>(p);
        if (detail::plain_result(r)) {
            if (flags & kNX) return r;
            if (detail::residual_exact(r) && detail::host_has_fma) {
                if (detail::host_fma(x, y, -p) != 0) flags |= kNX;
                return r;
            }
        }
    }
    return detail::arith<T>(detail::Op::Mul, a, b, 0, rm, flags);
}

template <class T>
T div(T a, T b, unsigned rm, uint32_t& flags) {
    if (rm == kRNE) [[likely]] {
        const auto x = detail::host(a), y = detail::host(b), q = x / y;
        const T r = std::bit_cast<T>(q);
        if (detail::plain_result(r)) {
            if (flags & kNX) return r;
            if (detail::residual_exact(a) && detail::host_has_fma) {
                if (detail::host_fma(-q, y, x) != 0) flags |= kNX;
                return r;
            }
        }
    }
    return detail::arith<T>(detail::Op::Div, a, b, 0, rm, flags);
}

template <class T>
T sqrt(T a, unsigned rm, uint32_t& flags) {
    // RMM == RNE for sqrt (see top of file).
    if ((rm == kRNE || rm == kRMM) && a - 1 < kInf<T> - 1) [[likely]] {  // +0 < a < +inf
        const auto x = detail::host(a), s = detail::host_sqrt(x);
        if (flags & kNX) return std::bit_cast<T>(s);
        if (detail::residual_exact(a) && detail::host_has_fma) {
            if (detail::host_fma(-s, s, x) != 0) flags |= kNX;
            return std::bit_cast<T>(s);
        }
    }
    return detail::arith<T>(detail::Op::Sqrt, a, 0, 0, rm, flags);
}

// fmadd = a*b+c, fmsub = a*b-c, fnmsub = -(a*b)+c, fnmadd = -(a*b)-c, one rounding each.
// Negating an operand is exact, so all four are one fused op.
template <class T>
T fmadd(T a, T b, T c, unsigned rm, uint32_t& flags) {
    return detail::fused(a, b, c, rm, flags);
}
template <class T>
T fmsub(T a, T b, T c, unsigned rm, uint32_t& flags) {
    return detail::fused(a, b, c ^ kSign<T>, rm, flags);
}
template <class T>
T fnmsub(T a, T b, T c, unsigned rm, uint32_t& flags) {
    return detail::fused(a ^ kSign<T>, b, c, rm, flags);
}
template <class T>
T fnmadd(T a, T b, T c, unsigned rm, uint32_t& flags) {
    return detail::fused(a ^ kSign<T>, b, c ^ kSign<T>, rm, flags);
}

// fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): -0 < +0, a NaN operand yields the
// other, two NaNs the canonical NaN, any sNaN raises NV.
template <class T>
T min(T a, T b, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) [[unlikely]]
        return detail::minmax_nan(a, b, flags);
    return detail::order_key(a) < detail::order_key(b) ? a : b;
}
template <class T>
T max(T a, T b, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) [[unlikely]]
        return detail::minmax_nan(a, b, flags);
    return detail::order_key(a) > detail::order_key(b) ? a : b;
}

// feq is quiet (NV only for sNaN); flt and fle signal NV for any NaN.
template <class T>
uint64_t feq(T a, T b, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) [[unlikely]] {
        if (is_snan(a) || is_snan(b)) flags |= kNV;
        return 0;
    }
    return a == b || is_zero(T(a | b));
}
template <class T>
uint64_t flt(T a, T b, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) [[unlikely]] {
        flags |= kNV;
        return 0;
    }
    return !is_zero(T(a | b)) && detail::order_key(a) < detail::order_key(b);
}
template <class T>
uint64_t fle(T a, T b, uint32_t& flags) {
    if (is_nan(a) || is_nan(b)) [[unlikely]] {
        flags |= kNV;
        return 0;
    }
    return is_zero(T(a | b)) || detail::order_key(a) <= detail::order_key(b);
}

// fclass result bits, F chapter table "Format of result of FCLASS instruction".
template <class T>
uint64_t fclass(T a) {
    const bool neg = a & kSign<T>;
    if (is_nan(a)) return is_snan(a) ? 1u << 8 : 1u << 9;
    if (is_inf(a)) return neg ? 1u << 0 : 1u << 7;
    if (is_zero(a)) return neg ? 1u << 3 : 1u << 4;
    if (exp_field(a) == 0) return neg ? 1u << 2 : 1u << 5;
    return neg ? 1u << 1 : 1u << 6;
}

// fcvt.{w,wu,l,lu}.{s,d}: saturating, NV (and not NX) when out of range or NaN; the value the
// rd register receives, W and WU results sign-extended from 32 bits (F chapter, FCVT table).
template <class T>
uint64_t to_int(T a, IntKind k, unsigned rm, uint32_t& flags) {
    const bool narrow = k == IntKind::W || k == IntKind::WU;
    const bool is_signed = k == IntKind::W || k == IntKind::L;
    const uint64_t pos_max = narrow ? (is_signed ? 0x7fffffffull : 0xffffffffull)
                                    : (is_signed ? 0x7fffffffffffffffull : ~0ull);
    const uint64_t neg_max = is_signed ? pos_max + 1 : 0;  // largest magnitude below zero
    const bool sign = (a & kSign<T>)&&!is_nan(a);          // NaN saturates to the positive bound
    bool valid = exp_field(a) != kExpMax<T>;
    bool inexact = false;
    uint64_t mag = 0;
    if (valid && !is_zero(a)) {
        const detail::Unpacked u = detail::unpack(a);
        if (u.exp > 63 - kMan<T>) {
            valid = false;  // |a| >= 2^64
        } else if (u.exp >= 0) {
            mag = u.sig << u.exp;
        } else {
            const detail::Split s = detail::split(u.sig, -u.exp);
            mag = s.kept + detail::round_up(rm, sign, s.kept & 1, s.rest, s.half);
            inexact = s.rest != 0;
        }
    }
    uint64_t r;
    if (!valid || mag > (sign ? neg_max : pos_max)) {
        flags |= kNV;
        r = sign ? 0 - neg_max : pos_max;
    } else {
        if (inexact) flags |= kNX;
        r = sign ? 0 - mag : mag;
    }
    return narrow ? uint64_t(int64_t(int32_t(uint32_t(r)))) : r;
}

// fcvt.{s,d}.{w,wu,l,lu}; v is the rs1 register (W forms read its low 32 bits).
template <class T>
T from_int(uint64_t v, IntKind k, unsigned rm, uint32_t& flags) {
    bool neg = false;
    uint64_t mag = v;
    switch (k) {
        case IntKind::W:
            neg = int32_t(v) < 0;
            mag = neg ? 0 - uint64_t(int64_t(int32_t(v))) : uint32_t(v);
            break;
        case IntKind::WU: mag = uint32_t(v); break;
        case IntKind::L:
            neg = int64_t(v) < 0;
            mag = neg ? 0 - v : v;
            break;
        case IntKind::LU: break;
    }
    if (mag == 0) return 0;
    return detail::round_pack<T>(neg, 0, mag, rm, flags);
}

// fcvt.d.s is exact; only NaNs need care.
inline uint64_t s_to_d(uint32_t a, uint32_t& flags) {
    if (is_nan(a)) [[unlikely]] {
        if (is_snan(a)) flags |= kNV;
        return kCanonicalNaN<uint64_t>;
    }
    return std::bit_cast<uint64_t>(double(std::bit_cast<float>(a)));
}

inline uint32_t d_to_s(uint64_t a, unsigned rm, uint32_t& flags) {
    if (rm == kRNE) [[likely]] {
        const double d = std::bit_cast<double>(a);
        const float f = float(d);  // cvtsd2ss in the host's RNE
        const uint32_t r = std::bit_cast<uint32_t>(f);
        if (detail::plain_result(r)) {
            if (double(f) != d) flags |= kNX;
            return r;
        }
    }
    const uint32_t sign = uint32_t(a >> 32) & kSign<uint32_t>;
    if (exp_field(a) == kExpMax<uint64_t>) {
        if (!is_nan(a)) return sign | kInf<uint32_t>;
        if (is_snan(a)) flags |= kNV;
        return kCanonicalNaN<uint32_t>;
    }
    if (is_zero(a)) return sign;
    const detail::Unpacked u = detail::unpack(a);
    return detail::round_pack<uint32_t>(u.sign, u.exp, u.sig, rm, flags);
}

}  // namespace xvm::riscv::fp
