// RISC-V frontend: lifts guest code at a pc into one IR block. Instructions the IR
// does not cover (system, CSR, atomics, FP with dynamic traps) end the block with
// an Exit so the interpreter runs them.
#pragma once

#include <cstdint>

#include "ir/ir.h"
#include "mem/address_space.h"

namespace xvm::jit {

struct LiftOptions {
    unsigned max_insns = 64;
};

// Lifts the block at pc. An empty block (guest_insns == 0) means the first
// instruction is not covered or cannot be fetched.
ir::Block lift_riscv(const mem::AddressSpace& space, uint64_t pc, const LiftOptions& opts = {});

}  // namespace xvm::jit
