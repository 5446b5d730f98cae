// RISC-V F/D semantics: a few spec corner cases by hand, then every operation, rounding mode
// and precision against QEMU's softfloat (the guest program tests/isa/fpvec/fpvec.c, built by
// tests/isa/fpvec.cmake and run under qemu-riscv64).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "isa/riscv/fp.h"

namespace xvm::riscv::fp {
namespace {

constexpr uint32_t kOneS = 0x3f800000;
constexpr uint64_t kOneD = 0x3ff0000000000000;

// ---- corner cases, expectations from the spec text -------------------------------------

TEST(Fp, ConvertNaNToIntSaturatesToMaxPositive) {
    // F chapter, FCVT table: NaN converts like +inf, and NV is set.
    uint32_t flags = 0;
    EXPECT_EQ(to_int<uint32_t>(0xffc00000, IntKind::W, kRTZ, flags), 0x7fffffffu);
    EXPECT_EQ(flags, kNV);
    flags = 0;
    EXPECT_EQ(to_int<uint64_t>(kCanonicalNaN<uint64_t>, IntKind::L, kRNE, flags),
              0x7fffffffffffffffu);
    EXPECT_EQ(flags, kNV);
    // fcvt.wu.s: 2^32-1, sign-extended into the 64-bit register like every W result.
    flags = 0;
    EXPECT_EQ(to_int<uint32_t>(0x7f800001, IntKind::WU, kRNE, flags), ~0ull);
    EXPECT_EQ(flags, kNV);
}

TEST(Fp, ConvertOutOfRangeSaturatesAndSignalsOnlyNV) {
    uint32_t flags = 0;
    EXPECT_EQ(to_int<uint32_t>(0xbf800000, IntKind::WU, kRNE, flags), 0u);  // -1.0
    EXPECT_EQ(flags, kNV);
    flags = 0;
    EXPECT_EQ(to_int<uint64_t>(0xfff0000000000000, IntKind::W, kRNE, flags),
              0xffffffff80000000u);  // -inf -> INT32_MIN, sign-extended
    EXPECT_EQ(flags, kNV);
    flags = 0;  // -0.5 rounds to 0, which fits: inexact, not invalid
    EXPECT_EQ(to_int<uint32_t>(0xbf000000, IntKind::WU, kRTZ, flags), 0u);
    EXPECT_EQ(flags, kNX);
    flags = 0;  // ... but under RDN it rounds to -1
    EXPECT_EQ(to_int<uint32_t>(0xbf000000, IntKind::WU, kRDN, flags), 0u);
    EXPECT_EQ(flags, kNV);
}

TEST(Fp, ConvertFromIntReadsWFormsFromLow32Bits) {
    uint32_t flags = 0;
    EXPECT_EQ(from_int<uint64_t>(0x12345678ffffffff, IntKind::W, kRNE, flags),
              0xbff0000000000000u);  // -1.0
    EXPECT_EQ(from_int<uint64_t>(0x12345678ffffffff, IntKind::WU, kRNE, flags),
              0x41efffffffe00000u);  // 4294967295.0
    EXPECT_EQ(flags, 0u);
    EXPECT_EQ(from_int<uint32_t>(0xffffffff, IntKind::WU, kRNE, flags), 0x4f800000u);  // 2^32
    EXPECT_EQ(flags, kNX);
}

TEST(Fp, MinMaxOrderZerosAndIgnoreOneNaN) {
    uint32_t flags = 0;
    EXPECT_EQ(min<uint32_t>(0x00000000, 0x80000000, flags), 0x80000000u);
    EXPECT_EQ(max<uint32_t>(0x80000000, 0x00000000, flags), 0x00000000u);
    EXPECT_EQ(min<uint32_t>(0x7fc00001, kOneS, flags), kOneS);  // quiet NaN: no flag
    EXPECT_EQ(flags, 0u);
    EXPECT_EQ(max<uint32_t>(kOneS, 0x7f800001, flags), kOneS);  // signalling NaN: NV
    EXPECT_EQ(flags, kNV);
    EXPECT_EQ(min<uint64_t>(0xfff8000000000001, 0x7ff0000000000001, flags),
              kCanonicalNaN<uint64_t>);
}

TEST(Fp, ImproperlyBoxedSingleReadsAsCanonicalNaN) {
    // D chapter, NaN boxing: a single not boxed in 64 bits is the canonical NaN.
    EXPECT_EQ(unbox(0x000000003f800000), kCanonicalNaN<uint32_t>);
    EXPECT_EQ(unbox(0xfffffffe3f800000), kCanonicalNaN<uint32_t>);
    EXPECT_EQ(unbox(box(kOneS)), kOneS);
    uint32_t flags = 0;
    EXPECT_EQ(box(add(unbox(0x3f800000), kOneS, kRNE, flags)), 0xffffffff7fc00000u);
    EXPECT_EQ(flags, 0u);  // the canonical NaN is quiet
}

TEST(Fp, NaNResultsAreCanonical) {
    uint32_t flags = 0;
    EXPECT_EQ(mul<uint64_t>(0xfff8000000001234, kOneD, kRNE, flags), 0x7ff8000000000000u);
    EXPECT_EQ(flags, 0u);
    EXPECT_EQ(sub<uint32_t>(0x7f800000, 0x7f800000, kRNE, flags), 0x7fc00000u);  // inf - inf
    EXPECT_EQ(flags, kNV);
    flags = 0;
    EXPECT_EQ(s_to_d(0x7f800001, flags), 0x7ff8000000000000u);
    EXPECT_EQ(flags, kNV);
}

TEST(Fp, FmaInfTimesZeroIsInvalidEvenWithQuietNaNAddend) {
    // F chapter: "must set the invalid operation exception flag when the multiplicands are
    // inf and zero, even when the addend is a quiet NaN".
    for (unsigned rm = 0; rm < 5; ++rm) {
        uint32_t flags = 0;
        EXPECT_EQ(fmadd<uint32_t>(0x7f800000, 0, 0x7fc00000, rm, flags), 0x7fc00000u);
        EXPECT_EQ(flags, kNV);
        flags = 0;
        EXPECT_EQ(fnmadd<uint64_t>(0, 0xfff0000000000000, 0x7ff8000000000000, rm, flags),
                  0x7ff8000000000000u);
        EXPECT_EQ(flags, kNV);
    }
}

TEST(Fp, FeqIsQuietFltAndFleSignal) {
    uint32_t flags = 0;
    EXPECT_EQ(feq<uint32_t>(0x7fc00000, kOneS, flags), 0u);
    EXPECT_EQ(flags, 0u);
    EXPECT_EQ(feq<uint32_t>(0x7f800001, kOneS, flags), 0u);
    EXPECT_EQ(flags, kNV);
    flags = 0;
    EXPECT_EQ(flt<uint32_t>(0x7fc00000, kOneS, flags), 0u);
    EXPECT_EQ(flags, kNV);
    flags = 0;
    EXPECT_EQ(feq<uint64_t>(0x8000000000000000, 0, flags), 1u);  // -0 == +0
    EXPECT_EQ(flt<uint64_t>(0x8000000000000000, 0, flags), 0u);
    EXPECT_EQ(fle<uint64_t>(0, 0x8000000000000000, flags), 1u);
    EXPECT_EQ(flags, 0u);
}

TEST(Fp, ClassifiesEveryKind) {
    EXPECT_EQ(fclass<uint32_t>(0xff800000), 1u << 0);
    EXPECT_EQ(fclass<uint32_t>(0xbf800000), 1u << 1);
    EXPECT_EQ(fclass<uint32_t>(0x80000001), 1u << 2);
    EXPECT_EQ(fclass<uint32_t>(0x80000000), 1u << 3);
    EXPECT_EQ(fclass<uint32_t>(0x00000000), 1u << 4);
    EXPECT_EQ(fclass<uint32_t>(0x007fffff), 1u << 5);
    EXPECT_EQ(fclass<uint32_t>(0x3f800000), 1u << 6);
    EXPECT_EQ(fclass<uint32_t>(0x7f800000), 1u << 7);
    EXPECT_EQ(fclass<uint32_t>(0x7f800001), 1u << 8);
    EXPECT_EQ(fclass<uint32_t>(0x7fc00000), 1u << 9);
}

TEST(Fp, RmmBreaksTiesAwayFromZero) {
    const uint32_t half_ulp = 0x33800000;  // 2^-24: 1 + 2^-24 is halfway to 1 + 2^-23
    uint32_t flags = 0;
    EXPECT_EQ(add(kOneS, half_ulp, kRNE, flags), kOneS);
    EXPECT_EQ(add(kOneS, half_ulp, kRMM, flags), kOneS + 1);
    EXPECT_EQ(sub(kOneS ^ kSign<uint32_t>, half_ulp, kRMM, flags), (kOneS + 1) | kSign<uint32_t>);
    EXPECT_EQ(flags, kNX);
}

TEST(Fp, TininessIsDetectedAfterRounding) {
    // 2^-126 * (1 - 2^-25) rounds to 2^-126 at full precision: not tiny, so no UF under RNE;
    // truncated it stays subnormal and inexact: UF.
    const uint64_t below_min_normal = 0x380fffffffe00000;
    uint32_t flags = 0;
    EXPECT_EQ(d_to_s(below_min_normal, kRNE, flags), 0x00800000u);
    EXPECT_EQ(flags, kNX);
    flags = 0;
    EXPECT_EQ(d_to_s(below_min_normal, kRTZ, flags), 0x007fffffu);
    EXPECT_EQ(flags, kUF | kNX);
    // (1 - 2^-24) * 2^-126 is exact at full precision, hence tiny, yet rounds up to 2^-126.
    flags = 0;
    EXPECT_EQ(mul<uint32_t>(0x3f7fffff, 0x00800000, kRNE, flags), 0x00800000u);
    EXPECT_EQ(flags, kUF | kNX);
    flags = kNX;  // the same with NX already accrued (the fast path's shortcut)
    EXPECT_EQ(mul<uint32_t>(0x3f7fffff, 0x00800000, kRNE, flags), 0x00800000u);
    EXPECT_EQ(flags, kUF | kNX);
    // (1 + 2^-52) * (2^-1022 - 2^-1074) = 2^-1022 - 2^-1126: below 2^-1022 only before
    // rounding, so no UF (this one runs on the host's SSE unit).
    flags = 0;
    EXPECT_EQ(mul<uint64_t>(0x3ff0000000000001, 0x000fffffffffffff, kRNE, flags),
              0x0010000000000000u);
    EXPECT_EQ(flags, kNX);
}

TEST(Fp, OverflowDependsOnRoundingDirection) {
    const uint64_t max = 0x7fefffffffffffff;
    uint32_t flags = 0;
    EXPECT_EQ(mul<uint64_t>(max, 0x4000000000000000, kRNE, flags), kInf<uint64_t>);
    EXPECT_EQ(mul<uint64_t>(max, 0x4000000000000000, kRTZ, flags), max);
    EXPECT_EQ(mul<uint64_t>(max, 0xc000000000000000, kRUP, flags), max | kSign<uint64_t>);
    EXPECT_EQ(flags, kOF | kNX);
}

TEST(Fp, ExactZeroDifferenceIsNegativeOnlyWhenRoundingDown) {
    uint32_t flags = 0;
    for (unsigned rm = 0; rm < 5; ++rm)
        EXPECT_EQ(sub<uint64_t>(kOneD, kOneD, rm, flags), rm == kRDN ? kSign<uint64_t> : 0) << rm;
    EXPECT_EQ(flags, 0u);
}

TEST(Fp, HostFpuStateIsLeftAlone) {
    ASSERT_TRUE(host_fpu_ok());
    uint32_t flags = 0;
    for (unsigned rm = 0; rm < 5; ++rm) fmadd<uint64_t>(kOneD, 0x3ff8000000000001, 1, rm, flags);
    EXPECT_TRUE(host_fpu_ok());
}

// ---- the QEMU oracle ----------------------------------------------------------------------

using u64 = uint64_t;
using Eval = u64 (*)(unsigned rm, u64 a, u64 b, u64 c, uint32_t& flags);

// A register operand as the instruction reads it, and a result as the register receives it.
template <class T>
T in(u64 r) {
    if constexpr (sizeof(T) == 4)
        return unbox(r);
    else
        return r;
}
template <class T>
u64 out(T v) {
    if constexpr (sizeof(T) == 4)
        return box(v);
    else
        return v;
}

// Each mnemonic with up to three implementations: the public entry point, the out-of-line
// host path (detail::arith) and the integer path (detail::soft_arith), all must agree.
struct Impl {
    Eval pub, host = nullptr, soft = nullptr;
};

#define XVM_EVAL(T, expr)                                                  \
    [](unsigned rm, u64 a, u64 b, u64 c, uint32_t& f) -> u64 {             \
        [[maybe_unused]] const T x = in<T>(a), y = in<T>(b), z = in<T>(c); \
        (void)rm, (void)f;                                                 \
        return expr;                                                       \
    }
#define XVM_ARITH(T, pub_expr, op, A, B, C)                                            \
    Impl {                                                                             \
        XVM_EVAL(T, out<T>(pub_expr)),                                                 \
            XVM_EVAL(T, out<T>(detail::arith<T>(detail::Op::op, A, B, C, rm, f))),     \
            XVM_EVAL(T, out<T>(detail::soft_arith<T>(detail::Op::op, A, B, C, rm, f))) \
    }

template <class T>
void add_precision(std::map<std::string, Impl>& m, const std::string& p) {
    constexpr T s = kSign<T>;
    m["fadd" + p] = XVM_ARITH(T, add(x, y, rm, f), Add, x, y, 0);
    m["fsub" + p] = XVM_ARITH(T, sub(x, y, rm, f), Add, x, T(y ^ s), 0);
    m["fmul" + p] = XVM_ARITH(T, mul(x, y, rm, f), Mul, x, y, 0);
    m["fdiv" + p] = XVM_ARITH(T, div(x, y, rm, f), Div, x, y, 0);
    m["fsqrt" + p] = XVM_ARITH(T, sqrt(x, rm, f), Sqrt, x, 0, 0);
    m["fmadd" + p] = XVM_ARITH(T, fmadd(x, y, z, rm, f), Fma, x, y, z);
    m["fmsub" + p] = XVM_ARITH(T, fmsub(x, y, z, rm, f), Fma, x, y, T(z ^ s));
    m["fnmsub" + p] = XVM_ARITH(T, fnmsub(x, y, z, rm, f), Fma, T(x ^ s), y, z);
    m["fnmadd" + p] = XVM_ARITH(T, fnmadd(x, y, z, rm, f), Fma, T(x ^ s), y, T(z ^ s));
    m["fmin" + p] = {XVM_EVAL(T, out<T>(min(x, y, f)))};
    m["fmax" + p] = {XVM_EVAL(T, out<T>(max(x, y, f)))};
    m["fsgnj" + p] = {XVM_EVAL(T, out<T>(sgnj(x, y)))};
    m["fsgnjn" + p] = {XVM_EVAL(T, out<T>(sgnjn(x, y)))};
    m["fsgnjx" + p] = {XVM_EVAL(T, out<T>(sgnjx(x, y)))};
    m["feq" + p] = {XVM_EVAL(T, feq(x, y, f))};
    m["flt" + p] = {XVM_EVAL(T, flt(x, y, f))};
    m["fle" + p] = {XVM_EVAL(T, fle(x, y, f))};
    m["fclass" + p] = {XVM_EVAL(T, fclass(x))};
    m["fcvt.w" + p] = {XVM_EVAL(T, to_int(x, IntKind::W, rm, f))};
    m["fcvt.wu" + p] = {XVM_EVAL(T, to_int(x, IntKind::WU, rm, f))};
    m["fcvt.l" + p] = {XVM_EVAL(T, to_int(x, IntKind::L, rm, f))};
    m["fcvt.lu" + p] = {XVM_EVAL(T, to_int(x, IntKind::LU, rm, f))};
    m["fcvt" + p + ".w"] = {XVM_EVAL(T, out<T>(from_int<T>(a, IntKind::W, rm, f)))};
    m["fcvt" + p + ".wu"] = {XVM_EVAL(T, out<T>(from_int<T>(a, IntKind::WU, rm, f)))};
    m["fcvt" + p + ".l"] = {XVM_EVAL(T, out<T>(from_int<T>(a, IntKind::L, rm, f)))};
    m["fcvt" + p + ".lu"] = {XVM_EVAL(T, out<T>(from_int<T>(a, IntKind::LU, rm, f)))};
}

std::map<std::string, Impl> implementations() {
    std::map<std::string, Impl> m;
    add_precision<uint32_t>(m, ".s");
    add_precision<uint64_t>(m, ".d");
    m["fcvt.s.d"] = {XVM_EVAL(uint64_t, box(d_to_s(a, rm, f)))};
    m["fcvt.d.s"] = {XVM_EVAL(uint32_t, s_to_d(x, f))};
    return m;
}

std::string describe(const std::string& op, unsigned rm, u64 a, u64 b, u64 c) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s rm=%u a=%016llx b=%016llx c=%016llx", op.c_str(), rm,
                  (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
    return buf;
}

std::string oracle_command() {
#ifndef XVM_FPVEC
    return {};
#else
    const char* seed = std::getenv("XVM_FPVEC_SEED");  // to explore beyond the fixed seed
    return std::string(XVM_QEMU_RISCV64) + " " + XVM_FPVEC + " " + (seed ? seed : "1") + " 1500";
#endif
}

TEST(FpOracle, MatchesQemuSoftfloatOnEveryOpRoundingModeAndPrecision) {
#ifndef XVM_FPVEC
    FAIL() << "XVM_FPVEC is not defined: add include(${CMAKE_CURRENT_SOURCE_DIR}/isa/fpvec.cmake) "
              "to tests/CMakeLists.txt after xvm_layer_tests(test_isa ...)";
#else
    ASSERT_EQ(access(XVM_QEMU_RISCV64, X_OK), 0)
        << "qemu-riscv64 not found (got '" XVM_QEMU_RISCV64 "'); install Debian's qemu-user";
    ASSERT_EQ(access(XVM_FPVEC, R_OK), 0)
        << "the RISC-V vector generator " XVM_FPVEC " was not built; the cross compiler is '"
        << XVM_FPVEC_CC << "' (install gcc-riscv64-linux-gnu and reconfigure)";
    const std::map<std::string, Impl> impls = implementations();
    const std::string cmd = oracle_command();
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << cmd;

    std::map<std::string, long> cases, failures;
    std::vector<std::string> report;
    long total = 0, bad = 0, bad_lines = 0;
    char line[256], name[32];
    unsigned rm;
    unsigned long long a, b, c, want;
    unsigned want_flags;
    while (std::fgets(line, sizeof line, pipe)) {
        if (std::sscanf(line, "%31s %u %llx %llx %llx %llx %x", name, &rm, &a, &b, &c, &want,
                        &want_flags) != 7) {
            if (++bad_lines <= 5) ADD_FAILURE() << "unparsable oracle line: " << line;
            continue;
        }
        const auto it = impls.find(name);
        if (it == impls.end()) {
            if (++bad_lines <= 5) ADD_FAILURE() << "oracle op without an implementation: " << name;
            continue;
        }
        ++total;
        ++cases[name];
        const Impl& impl = it->second;
        // Public entry with fresh flags, with NX already accrued (the fast path skips the
        // exactness test then), and the two out-of-line implementations.
        const struct {
            const char* path;
            Eval fn;
            uint32_t before;
        } runs[] = {{"public", impl.pub, 0},
                    {"public, NX accrued", impl.pub, kNX},
                    {"detail::arith", impl.host, 0},
                    {"detail::soft_arith", impl.soft, 0}};
        for (const auto& run : runs) {
            if (!run.fn) continue;
            uint32_t flags = run.before;
            const u64 got = run.fn(rm, a, b, c, flags);
            const uint32_t expect_flags = want_flags | run.before;
            if (got == want && flags == expect_flags) continue;
            ++bad;
            ++failures[std::string(name) + " [" + run.path + "]"];
            if (report.size() < 25) {
                char buf[160];
                std::snprintf(buf, sizeof buf,
                              ": want %016llx fflags %02x, got %016llx fflags %02x", want,
                              expect_flags, (unsigned long long)got, flags);
                report.push_back(describe(name, rm, a, b, c) + buf + " [" + run.path + "]");
            }
        }
    }
    const int status = pclose(pipe);
    EXPECT_EQ(status, 0) << cmd << " failed";
    EXPECT_TRUE(host_fpu_ok());

    EXPECT_GE(total, 200000) << "too few oracle cases";
    for (const auto& [op, impl] : impls) EXPECT_GT(cases[op], 0) << op << " never tested";
    std::string summary;
    for (const auto& [what, n] : failures) summary += "  " + what + ": " + std::to_string(n) + "\n";
    for (const auto& r : report) summary += "  " + r + "\n";
    EXPECT_EQ(bad, 0) << bad << " mismatches against QEMU in " << total << " cases:\n" << summary;
    std::printf("[ oracle   ] %ld cases, %zu mnemonics, %ld mismatches\n", total, cases.size(),
                bad);
#endif
}

}  // namespace
}  // namespace xvm::riscv::fp
