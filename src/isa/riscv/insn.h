// Decoded RISC-V instructions and the static facts about each operation, all
// generated from insns.inc / insns_c.inc.
#pragma once

#include <cstdint>
#include <span>

namespace xvm::riscv {

enum class Op : uint16_t {
#define XVM_INSN(id, mn, ops, ext, fmt, ...) id,
#include "isa/riscv/insns.inc"
    illegal,  // not an instruction xvm knows, or a reserved encoding
    count,
};
inline constexpr unsigned kOpCount = static_cast<unsigned>(Op::count);

enum class Ext : uint8_t { I, M, A, F, D, C, Zicsr, Zifencei, Zba, Zbb, Zbs, Priv };

// Which fields an encoding carries (unprivileged spec, "Base Instruction Formats").
enum class Format : uint8_t {
    R,      // rd, rs1, rs2
    R1,     // rd, rs1 (rs2 field fixed by the encoding)
    R4,     // rd, rs1, rs2, rs3, rm
    Rm,     // rd, rs1, rs2, rm
    Rm1,    // rd, rs1, rm
    I,      // rd, rs1, imm[11:0]
    S,      // rs1, rs2, imm[11:0]
    B,      // rs1, rs2, imm[12:1]
    U,      // rd, imm[31:12]
    J,      // rd, imm[20:1]
    Sh6,    // rd, rs1, shamt[5:0]
    Sh5,    // rd, rs1, shamt[4:0]
    Csr,    // rd, rs1 (or zimm), imm = CSR number
    Amo,    // rd, rs1, rs2, aq/rl in `rm`
    Lr,     // rd, rs1, aq/rl in `rm`
    Fence,  // imm = fm:pred:succ (bits 31:20)
    None,
};

struct InsnInfo {
    const char* mnemonic;
    const char* operands;  // see the legend at the top of insns.inc
    Ext ext;
    Format format;
    uint32_t match;
    uint32_t mask;
};

// Indexed by Op.
extern const InsnInfo kInsnInfo[kOpCount];

inline const InsnInfo& info(Op op) {
    return kInsnInfo[static_cast<unsigned>(op)];
}

// One decoded instruction. Register numbers are the architectural ones (0-31).
struct Decoded {
    Op op = Op::illegal;
    uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    uint8_t rm = 0;    // rounding mode (F/D), or aq<<1|rl (A)
    uint8_t len = 4;   // 2 for compressed encodings
    int64_t imm = 0;   // immediate, shift amount, CSR number or fence bits
    uint32_t raw = 0;  // the instruction bits as fetched (16 or 32)
    uint16_t cop = 0;  // compressed row index + 1, 0 for 32-bit encodings
};

// Length in bytes of the instruction starting with these low 16 bits.
constexpr unsigned insn_length(uint16_t low) {
    return (low & 3) == 3 ? 4 : 2;
}

// Decodes one instruction. `bits` holds the instruction (upper 16 bits ignored for
// a compressed one). Unknown or reserved encodings give op == Op::illegal.
Decoded decode(uint32_t bits);

// Mnemonic of the compressed row a Decoded came from ("c.addi"), or nullptr.
const char* compressed_mnemonic(const Decoded& d);

}  // namespace xvm::riscv
