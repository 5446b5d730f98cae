// Pre-decoded guest blocks: what the interpreter executes and, later, what the
// JIT compiles. A block is straight-line guest code ending in a control transfer,
// a trap-raising instruction, or a length/page limit.
#pragma once

#include <cstdint>

#include "isa/riscv/insn.h"

namespace xvm::engine {

// One instruction prepared for threaded dispatch: 32 bytes, two per cache line.
struct Insn {
    uint16_t handler;  // index into the interpreter's label table (an Op, or a kHandler*)
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;
    uint8_t len;
    int64_t imm;
    uint64_t pc;
    uint32_t raw;
    uint32_t reserved;
};
static_assert(sizeof(Insn) == 32);

// Handlers beyond the Op range.
enum : uint16_t {
    kHandlerEnd = riscv::kOpCount,  // falls through to the next block
    kHandlerCount,
};

struct Block {
    uint64_t pc;
    uint64_t end_pc;         // address after the last instruction
    uint32_t count;          // guest instructions, not counting the synthetic end
    uint32_t exec_count = 0;
    Block* link[2] = {};     // last successors seen: [0] taken/jump, [1] fall-through
    Insn* insns;             // count + 1 entries when the block needs a synthetic end
};

}  // namespace xvm::engine
