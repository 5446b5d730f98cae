// Pre-decoded guest blocks: what the interpreter executes and, later, what the
// JIT compiles. A block is straight-line guest code ending in a control transfer,
// a trap-raising instruction, or a length/page limit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "isa/riscv/cpu.h"
#include "isa/riscv/insn.h"

namespace xvm::jit {
struct JitBlock;
}

namespace xvm::engine {

// One instruction prepared for threaded dispatch: 32 bytes, two per cache line.
// `handler` is the address of the interpreter's code for the op, so dispatch is
// one load and an indirect jump.
struct Insn {
    const void* handler;
    int64_t imm;
    uint64_t pc;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;
    uint8_t len;
    uint16_t retired;  // instructions of the block up to and including this one
};
static_assert(sizeof(Insn) == 32);

// Successors of a block, stored right after its terminal instruction so the
// interpreter reaches them from the instruction pointer alone. Direct transfers
// have fixed targets, so a link, once set, stays right until the cache is flushed.
struct BlockLinks {
    const Insn* next[2];  // [0] taken / jump target, [1] fall-through
    uint32_t heat;        // backward transfers taken, for tiering
    // A conditional branch's outcomes, for superblocks (the JIT goes on along a
    // strongly biased branch).
    uint32_t taken = 0, fallen = 0;
};
static_assert(sizeof(BlockLinks) <= sizeof(Insn), "the links take one instruction slot");

// Handler indexes: the Ops, then these.
enum : uint16_t {
    kHandlerEnd = riscv::kOpCount,  // falls through to the next block
    kHandlerJitEntry,               // the block has compiled code: hand over
    kHandlerCount,
};

// Whether the op's destination is an integer register (then rd 0 becomes the
// sink slot, see cpu.h).
inline bool writes_xreg(riscv::Op op) {
    const char* ops = riscv::info(op).operands;
    return ops[0] == 'r' && ops[1] == 'd';
}

// Ops after which every block ends, whatever the mode: control transfers and
// instructions that return to the run loop. Modes may end blocks on more.
inline bool ends_block_always(riscv::Op op) {
    using riscv::Op;
    switch (op) {
        case Op::jal:
        case Op::jalr:
        case Op::beq:
        case Op::bne:
        case Op::blt:
        case Op::bge:
        case Op::bltu:
        case Op::bgeu:
        case Op::ecall:
        case Op::ebreak:
        case Op::fence_i:
        case Op::illegal: return true;
        default: return false;
    }
}

// The Insn for a decoded instruction at pc, dispatched to `handler`.
inline Insn make_insn(const riscv::Decoded& d, uint64_t pc, const void* handler, uint16_t retired) {
    Insn i;
    i.handler = handler;
    i.rd = (d.rd == 0 && writes_xreg(d.op)) ? riscv::kRegSink : d.rd;
    i.rs1 = d.rs1;
    i.rs2 = d.rs2;
    i.rs3 = d.rs3;
    i.rm = d.rm;
    i.len = d.len;
    i.imm = d.imm;
    i.pc = pc;
    i.retired = retired;
    return i;
}

struct Block {
    uint64_t pc;
    uint64_t end_pc;                      // address after the last instruction
    uint32_t count;                       // guest instructions, not counting the synthetic end
    uint32_t exec_count = 0;              // entries through indirect jumps, for tiering
    const void* first_handler = nullptr;  // insns[0]'s own handler while it is kHandlerJitEntry
    // System mode: the physical address the block was decoded from, and that
    // page's code generation then (a write to the page makes the block stale).
    // A block whose one instruction crosses into the next page also depends on
    // that page (pa2 != 0).
    uint64_t pa = 0;
    uint64_t pa2 = 0;
    uint32_t page_gen = 0;
    uint32_t page_gen2 = 0;
    // System mode: the compiled code of the block once it has some (insns[0]'s
    // handler is then kHandlerJitEntry), or whether compiling was refused.
    jit::JitBlock* jit = nullptr;
    Insn* insns;  // count instructions, a synthetic end if needed, then BlockLinks
    BlockLinks& links() { return *reinterpret_cast<BlockLinks*>(insns + terminal() + 1); }
    uint32_t terminal() const { return has_end ? count : count - 1; }
    bool has_end = false;  // the block falls through at a length or page limit
    bool jit_failed = false;

    // BlockCache stores the instructions right after the Block, so the first
    // instruction leads back to its block.
    static constexpr size_t kInsnsOffset = 96;
    static Block* of_first(const Insn* first) {
        return reinterpret_cast<Block*>(
            const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(first) - kInsnsOffset));
    }
};
static_assert(sizeof(Block) <= Block::kInsnsOffset && Block::kInsnsOffset % 16 == 0);

}  // namespace xvm::engine
