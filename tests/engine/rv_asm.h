// A tiny RISC-V encoder for tests: enough to write guest code in C++ without a
// cross toolchain. Encodings from the unprivileged spec's base formats.
#pragma once

#include <cstdint>
#include <vector>

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
    Asm& ecall() { return emit(0x73); }
    Asm& ebreak() { return emit(0x00100073); }
    Asm& fence_i() { return emit(0x100f); }
    int32_t here() const { return static_cast<int32_t>(words.size() * 4); }
};

}  // namespace xvm::test
