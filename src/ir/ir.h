// xvm's IR: one basic block of guest code as a list of typed SSA values, ended by
// one terminal from a closed set (style.md, patterns 2 and 3). Guest-independent:
// a frontend lifts guest instructions into it, passes rewrite it, a backend
// compiles it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xvm::ir {

enum class Type : uint8_t { Void, I64 };

enum class Opcode : uint8_t {
#define XVM_IR_OP(name, ...) name,
#include "ir/opcodes.inc"
    Count,
};

struct OpInfo {
    const char* name;
    Type result;
    uint8_t nargs;
};
const OpInfo& info(Opcode op);

// Groups of ops (each contiguous in opcodes.inc).
inline bool is_load(Opcode op) {
    return op >= Opcode::Load8S && op <= Opcode::Load64;
}
inline bool is_memory(Opcode op) {
    return op >= Opcode::Load8S && op <= Opcode::Store64;
}
inline bool is_call(Opcode op) {
    return op >= Opcode::Call0 && op <= Opcode::Call3;
}
// The inline F/D ops: imm = helper id | rm << 16 | single << 24, the helper
// being their slow path; they may set fflags.
inline bool is_fp(Opcode op) {
    return op >= Opcode::FAdd && op <= Opcode::FCvt;
}

// Whether swapping the two arguments keeps the result.
bool commutative(Opcode op);

// Whether executing the op matters beyond its result: guest state, memory,
// fflags, faults (loads stay although they only produce a value: a fault is
// part of the guest's behaviour), or leaving the block.
bool has_effect(Opcode op);

using Value = uint32_t;  // index of the producing instruction in Block::insts
inline constexpr Value kNoValue = ~0u;

struct Inst {
    Opcode op = Opcode::Nop;
    // Memory ops: which guest instruction of the block they belong to (0-based)
    // and its length, so a fault or an exit after the access knows the
    // instructions retired before it and the pc after it.
    uint8_t insn_len = 0;
    uint16_t insn = 0;
    Value args[3] = {kNoValue, kNoValue, kNoValue};
    int64_t imm = 0;
};

// How a block ends. Jump and Branch targets are guest pcs the backend may chain
// to directly; Indirect goes through the jump cache; Exit returns to the engine.
struct Terminal {
    enum class Kind : uint8_t {
        Jump,      // to `taken`
        Branch,    // `value` != 0 ? taken : fallthrough
        Indirect,  // to the address in `value`
        Exit,      // hand over to the engine at `taken` (an instruction the IR does not cover)
    };
    Kind kind = Kind::Exit;
    Value value = kNoValue;
    uint64_t taken = 0;
    uint64_t fallthrough = 0;
};

struct Block {
    uint64_t pc = 0;           // guest address of the first instruction
    uint32_t guest_insns = 0;  // guest instructions covered
    std::vector<Inst> insts;
    Terminal term;
};

// Appends instructions to a block; every helper returns the new value.
class Builder {
  public:
    explicit Builder(Block& b) : b_(b) {}
    Value emit(Opcode op, Value a = kNoValue, Value b = kNoValue, Value c = kNoValue,
               int64_t imm = 0);
    Value constant(int64_t v) { return emit(Opcode::Const, kNoValue, kNoValue, kNoValue, v); }
    Value get_reg(unsigned r) {
        return r == 0 ? constant(0) : emit(Opcode::GetReg, kNoValue, kNoValue, kNoValue, r);
    }
    void set_reg(unsigned r, Value v) {
        if (r != 0) emit(Opcode::SetReg, v, kNoValue, kNoValue, r);
    }
    Block& block() { return b_; }

  private:
    Block& b_;
};

// Human-readable listing (`--dump-ir`).
std::string print(const Block& b);

// Checks types, argument counts and that every use follows its definition.
// Returns an empty string when the block is well formed, else the first problem.
std::string verify(const Block& b);

}  // namespace xvm::ir
