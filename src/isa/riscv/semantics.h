// Integer semantics of the RISC-V instructions that are more than one host
// operator. Written once; the interpreter inlines them and the JIT calls or
// mirrors them. Spec references are to the unprivileged ISA manual.
#pragma once

#include <bit>
#include <cstdint>

namespace xvm::riscv::sem {

inline uint64_t sext32(uint64_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
}

// "M" chapter, table "Semantics for division by zero and division overflow".
inline uint64_t div(uint64_t a, uint64_t b) {
    const auto sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
    if (b == 0) return ~0ull;
    if (sa == INT64_MIN && sb == -1) return a;
    return static_cast<uint64_t>(sa / sb);
}
inline uint64_t divu(uint64_t a, uint64_t b) {
    return b == 0 ? ~0ull : a / b;
}
inline uint64_t rem(uint64_t a, uint64_t b) {
    const auto sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
    if (b == 0) return a;
    if (sa == INT64_MIN && sb == -1) return 0;
    return static_cast<uint64_t>(sa % sb);
}
inline uint64_t remu(uint64_t a, uint64_t b) {
    return b == 0 ? a : a % b;
}
inline uint64_t divw(uint64_t a, uint64_t b) {
    const auto sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
    if (sb == 0) return ~0ull;
    if (sa == INT32_MIN && sb == -1) return sext32(static_cast<uint32_t>(sa));
    return sext32(static_cast<uint32_t>(sa / sb));
}
inline uint64_t divuw(uint64_t a, uint64_t b) {
    const auto ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    return ub == 0 ? ~0ull : sext32(ua / ub);
}
inline uint64_t remw(uint64_t a, uint64_t b) {
    const auto sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
    if (sb == 0) return sext32(static_cast<uint32_t>(sa));
    if (sa == INT32_MIN && sb == -1) return 0;
    return sext32(static_cast<uint32_t>(sa % sb));
}
inline uint64_t remuw(uint64_t a, uint64_t b) {
    const auto ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    return sext32(ub == 0 ? ua : ua % ub);
}
inline uint64_t mulh(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<__int128>(static_cast<int64_t>(a)) *
                                  static_cast<__int128>(static_cast<int64_t>(b))) >>
                                 64);
}
inline uint64_t mulhu(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}
inline uint64_t mulhsu(uint64_t a, uint64_t b) {
    // signed a times unsigned b: the high word of the unsigned product, corrected
    // by b when a is negative (two's complement).
    uint64_t hi = mulhu(a, b);
    if (static_cast<int64_t>(a) < 0) hi -= b;
    return hi;
}

// Zbb
inline uint64_t orc_b(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff) r |= 0xffull << i;
    return r;
}
inline uint64_t rol(uint64_t a, uint64_t b) {
    return std::rotl(a, static_cast<int>(b & 63));
}
inline uint64_t ror(uint64_t a, uint64_t b) {
    return std::rotr(a, static_cast<int>(b & 63));
}
inline uint64_t rolw(uint64_t a, uint64_t b) {
    return sext32(std::rotl(static_cast<uint32_t>(a), static_cast<int>(b & 31)));
}
inline uint64_t rorw(uint64_t a, uint64_t b) {
    return sext32(std::rotr(static_cast<uint32_t>(a), static_cast<int>(b & 31)));
}

}  // namespace xvm::riscv::sem
