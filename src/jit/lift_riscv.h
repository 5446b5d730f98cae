// RISC-V frontend: lifts guest code at a pc into one IR block. Instructions the IR
// does not cover (system, CSR, atomics, FP with dynamic traps) end the block with
// an Exit so the interpreter runs them.
#pragma once

#include <cstdint>

#include "ir/ir.h"
#include "mem/address_space.h"

namespace xvm::jit {

inline constexpr int kBiasUnknown = 2;

struct LiftOptions {
    unsigned max_insns = 64;
    // F and D instructions: system mode leaves them to the interpreter, which
    // checks mstatus.FS and marks the state dirty.
    bool fp = true;
    // System mode: a GuardFp before the block's first F/D instruction.
    bool fp_guard = false;
    // F/D add, sub, mul, div, sqrt and compares as IR ops the backend runs in
    // SSE (RNE only, exact helpers as the slow path) rather than helper calls.
    bool inline_fp = true;
    // Superblocks: for the basic block starting at pc, +1 when its branch is
    // nearly always taken, -1 when nearly always not, 0 when it goes both ways,
    // kBiasUnknown without a profile (the lifter then stays inside a loop).
    int (*branch_bias)(const void* ctx, uint64_t block_pc) = nullptr;
    const void* bias_ctx = nullptr;
};

// Reads the 16-bit parcel of guest code at pc; false if it cannot be read (the
// block then ends before the instruction).
using CodeReader = bool (*)(const void* ctx, uint64_t pc, uint16_t& parcel);

// Lifts the block at pc. An empty block (guest_insns == 0) means the first
// instruction is not covered or cannot be fetched. Blocks stay within pc's page.
ir::Block lift_riscv(CodeReader read, const void* ctx, uint64_t pc, const LiftOptions& opts = {});
// User mode: code read from the guest address space (executable pages only).
ir::Block lift_riscv(const mem::AddressSpace& space, uint64_t pc, const LiftOptions& opts = {});

}  // namespace xvm::jit
