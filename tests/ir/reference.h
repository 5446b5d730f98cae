// A reference interpreter for IR blocks, written from opcodes.inc independently of
// the passes, and a generator of random blocks: the randomized pass tests run a
// block before and after optimisation and compare everything the engine can see.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "ir/ir.h"

namespace xvm::ir::test {

// Guest memory for the reference: an access faults when its address ends in 7;
// a load returns the last value stored at exactly that address, or a hash of it.
struct Store {
    ir::Opcode op;
    uint64_t addr, value;
    bool operator==(const Store&) const = default;
};

struct Outcome {
    uint64_t regs[64] = {};
    bool faulted = false;
    uint64_t fault_pc = 0;  // imm of the faulting load or store
    bool exits = false;     // Exit terminal: the engine runs the next instruction
    uint64_t next_pc = 0;
    uint64_t fflags = 0;  // every call mixes its result in, in order
    std::vector<Store> stores;
};

Outcome interpret(const Block& b, const uint64_t (&regs)[64]);

// Random blocks. `lifted_like` builds them from RISC-V-like instruction templates
// (as jit/lift_riscv.cpp does); otherwise from arbitrary ops over few registers.
Block random_block(std::mt19937_64& rng, bool lifted_like);
void random_regs(std::mt19937_64& rng, uint64_t (&regs)[64]);
std::vector<uint64_t> special_values();  // edge cases for every op

}  // namespace xvm::ir::test
