// A tiny RISC-V encoder for tests: enough to write guest code in C++ without a
// cross toolchain. Encodings from the unprivileged spec's base formats.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/riscv/insn.h"

namespace xvm::test {

struct Asm {
    std::vector<uint32_t> words;

    static uint32_t r(uint32_t op, uint32_t f3, uint32_t f7, unsigned rd, unsigned rs1,
                      unsigned rs2) {
        return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
    }
    static uint32_t i(uint32_t op, uint32_t f3, unsigned rd, unsigned rs1, int32_t imm) {
        return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
    }
    static uint32_t s(uint32_t op, uint32_t f3, unsigned rs1, unsigned rs2, int32_t imm) {
        const auto u = static_cast<uint32_t>(imm);
        return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
    }
    static uint32_t b(uint32_t f3, unsigned rs1, unsigned rs2, int32_t imm) {
        const auto u = static_cast<uint32_t>(imm);
        return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 |
               rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
    }

    Asm& emit(uint32_t w) {
        words.push_back(w);
        return *this;
    }
    Asm& addi(unsigned rd, unsigned rs1, int32_t imm) { return emit(i(0x13, 0, rd, rs1, imm)); }
    Asm& add(unsigned rd, unsigned rs1, unsigned rs2) { return emit(r(0x33, 0, 0, rd, rs1, rs2)); }
    Asm& sub(unsigned rd, unsigned rs1, unsigned rs2) {
        return emit(r(0x33, 0, 0x20, rd, rs1, rs2));
    }
    Asm& mul(unsigned rd, unsigned rs1, unsigned rs2) { return emit(r(0x33, 0, 1, rd, rs1, rs2)); }
    Asm& div(unsigned rd, unsigned rs1, unsigned rs2) { return emit(r(0x33, 4, 1, rd, rs1, rs2)); }
    Asm& ld(unsigned rd, unsigned rs1, int32_t imm) { return emit(i(0x03, 3, rd, rs1, imm)); }
    Asm& lw(unsigned rd, unsigned rs1, int32_t imm) { return emit(i(0x03, 2, rd, rs1, imm)); }
    Asm& sd(unsigned rs2, unsigned rs1, int32_t imm) { return emit(s(0x23, 3, rs1, rs2, imm)); }
    Asm& sw(unsigned rs2, unsigned rs1, int32_t imm) { return emit(s(0x23, 2, rs1, rs2, imm)); }
    Asm& bne(unsigned rs1, unsigned rs2, int32_t off) { return emit(b(1, rs1, rs2, off)); }
    Asm& beq(unsigned rs1, unsigned rs2, int32_t off) { return emit(b(0, rs1, rs2, off)); }
    Asm& jalr(unsigned rd, unsigned rs1, int32_t imm) { return emit(i(0x67, 0, rd, rs1, imm)); }
    Asm& lr_d(unsigned rd, unsigned rs1) { return emit(r(0x2f, 3, 0x02 << 2, rd, rs1, 0)); }
    Asm& sc_d(unsigned rd, unsigned rs1, unsigned rs2) {
        return emit(r(0x2f, 3, 0x03 << 2, rd, rs1, rs2));
    }
    Asm& amoadd_w(unsigned rd, unsigned rs1, unsigned rs2) {
        return emit(r(0x2f, 2, 0, rd, rs1, rs2));
    }
    Asm& csrrs(unsigned rd, unsigned csr, unsigned rs1) {
        return emit(0x73 | rd << 7 | 2 << 12 | rs1 << 15 | csr << 20);
    }
    Asm& csrrw(unsigned rd, unsigned csr, unsigned rs1) {
        return emit(0x73 | rd << 7 | 1 << 12 | rs1 << 15 | csr << 20);
    }
    Asm& csrrc(unsigned rd, unsigned csr, unsigned rs1) {
        return emit(0x73 | rd << 7 | 3 << 12 | rs1 << 15 | csr << 20);
    }
    Asm& ecall() { return emit(0x73); }
    Asm& ebreak() { return emit(0x00100073); }
    Asm& fence_i() { return emit(0x100f); }
    Asm& lui(unsigned rd, int32_t imm20) {
        return emit(0x37 | rd << 7 | (static_cast<uint32_t>(imm20) & 0xfffff) << 12);
    }
    Asm& addiw(unsigned rd, unsigned rs1, int32_t imm) { return emit(i(0x1b, 0, rd, rs1, imm)); }
    Asm& slli(unsigned rd, unsigned rs1, unsigned sh) {
        return emit(i(0x13, 1, rd, rs1, static_cast<int32_t>(sh & 63)));
    }
    Asm& jal(unsigned rd, int32_t off) { return emit(j(rd, off)); }
    Asm& csrrwi(unsigned rd, unsigned csr, unsigned zimm) {
        return emit(0x73 | rd << 7 | 5 << 12 | (zimm & 31) << 15 | csr << 20);
    }
    Asm& fmv_d_x(unsigned fd, unsigned rs1) { return emit(r(0x53, 0, 0x79, fd, rs1, 0)); }
    // li: the shortest lui/addi(w)/slli sequence for any 64-bit value (the recursive
    // split binutils and LLVM use: low 12 bits, then the rest shifted down).
    Asm& li(unsigned rd, int64_t v) {
        const int64_t lo = sext12(static_cast<uint64_t>(v));
        if (v == static_cast<int32_t>(v)) {
            const auto hi = static_cast<int32_t>((static_cast<uint64_t>(v) - lo) >> 12) & 0xfffff;
            if (hi == 0) return addi(rd, 0, static_cast<int32_t>(lo));
            lui(rd, hi);
            return lo ? addiw(rd, rd, static_cast<int32_t>(lo)) : *this;
        }
        int64_t hi =
            static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(lo)) >> 12;
        const int shift = __builtin_ctzll(static_cast<uint64_t>(hi));
        hi >>= shift;
        li(rd, hi);
        slli(rd, rd, 12 + shift);
        return lo ? addi(rd, rd, static_cast<int32_t>(lo)) : *this;
    }
    static uint32_t j(unsigned rd, int32_t imm) {
        const auto u = static_cast<uint32_t>(imm);
        return 0x6f | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
               ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
    }
    static int64_t sext12(uint64_t v) { return static_cast<int64_t>(v << 52) >> 52; }
    int32_t here() const { return static_cast<int32_t>(words.size() * 4); }
};

// Operand fields of one instruction, for the generic encoder below.
struct Fields {
    unsigned rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    unsigned rm = 0;  // rounding mode (R4, Rm, Rm1 formats)
    int64_t imm = 0;  // immediate, branch/jump offset, shift amount or U-type value
};

// Encodes any row of the instruction table (isa/riscv/insns.inc) from its
// match bits and format, so tests can produce every instruction the decoder knows.
inline uint32_t encode(riscv::Op op, const Fields& f) {
    using riscv::Format;
    const riscv::InsnInfo& in = riscv::info(op);
    const auto u = static_cast<uint32_t>(f.imm);
    uint32_t w = in.match;
    const uint32_t rd = f.rd << 7, rs1 = f.rs1 << 15, rs2 = f.rs2 << 20;
    switch (in.format) {
        case Format::R: w |= rd | rs1 | rs2; break;
        case Format::R1: w |= rd | rs1; break;
        case Format::R4: w |= rd | rs1 | rs2 | f.rs3 << 27 | f.rm << 12; break;
        case Format::Rm: w |= rd | rs1 | rs2 | f.rm << 12; break;
        case Format::Rm1: w |= rd | rs1 | f.rm << 12; break;
        case Format::I: w |= rd | rs1 | (u & 0xfff) << 20; break;
        case Format::S: w |= Asm::s(0, 0, f.rs1, f.rs2, static_cast<int32_t>(f.imm)); break;
        case Format::B: w |= Asm::b(0, f.rs1, f.rs2, static_cast<int32_t>(f.imm)) & ~0x7fu; break;
        case Format::U: w |= rd | (u & 0xfffff000u); break;
        case Format::J: w |= Asm::j(f.rd, static_cast<int32_t>(f.imm)) & ~0x7fu; break;
        case Format::Sh6: w |= rd | rs1 | (u & 63) << 20; break;
        case Format::Sh5: w |= rd | rs1 | (u & 31) << 20; break;
        case Format::Csr: w |= rd | rs1 | (u & 0xfff) << 20; break;
        case Format::Amo:
        case Format::Lr: w |= rd | rs1 | rs2; break;
        case Format::Fence:
        case Format::None: break;
    }
    return w;
}

}  // namespace xvm::test
