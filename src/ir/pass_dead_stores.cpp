// Redundant guest-register store elimination. A SetReg is redundant when the
// register already holds the value, or when a later SetReg of the same register
// overwrites it before anything can observe it. The engine observes guest
// registers at every point that can fault (a Load or Store: the trap handler needs
// them current in memory) and at the block's end. Calls cannot fault: the semantic
// helpers only update fflags (jit/helpers.h).
#include <cstdint>
#include <vector>

#include "ir/passes.h"

namespace xvm::ir {

namespace {

// Points where the engine may take over (a fault, or a guard leaving the block).
bool may_fault(Opcode op) {
    return is_memory(op) || op == Opcode::GuardFp || op == Opcode::ExitIf ||
           op == Opcode::ExitIfNot;
}

// SetReg r, v when r is known to hold v already (read from r, or written before).
void remove_rewrites(Block& b) {
    std::vector<Value> holds(64, kNoValue);
    for (Value k = 0; k < b.insts.size(); ++k) {
        Inst& in = b.insts[k];
        if (in.op == Opcode::GetReg) {
            holds[in.imm] = k;
        } else if (in.op == Opcode::SetReg) {
            if (holds[in.imm] == in.args[0])
                in = Inst{};
            else
                holds[in.imm] = in.args[0];
        }
    }
}

// SetReg r followed by SetReg r with no GetReg r and no faulting point between.
void remove_overwritten(Block& b) {
    uint64_t overwritten = 0;  // bit r: a later SetReg r comes before any observer
    for (size_t k = b.insts.size(); k-- > 0;) {
        Inst& in = b.insts[k];
        if (in.op == Opcode::SetReg) {
            const uint64_t bit = uint64_t{1} << in.imm;
            if (overwritten & bit)
                in = Inst{};
            else
                overwritten |= bit;
        } else if (in.op == Opcode::GetReg) {
            overwritten &= ~(uint64_t{1} << in.imm);
        } else if (may_fault(in.op)) {
            overwritten = 0;
        }
    }
}

}  // namespace

// In this order: dropping an overwritten store can make a later one a rewrite
// (x = a; load; x = b; x = a), never the other way round.
void remove_dead_stores(Block& b) {
    remove_overwritten(b);
    remove_rewrites(b);
}

}  // namespace xvm::ir
