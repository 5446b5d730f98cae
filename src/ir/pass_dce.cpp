// Dead code elimination: a value nobody uses is not computed, unless computing it
// has an effect. One backward sweep reaches the fixpoint because arguments always
// come before their users.
#include <vector>

#include "ir/passes.h"

namespace xvm::ir {

namespace {

// Loads stay although they only produce a value: they can fault, and the fault is
// part of the guest's behaviour. Calls update fflags.
bool has_effect(Opcode op) {
    switch (op) {
        case Opcode::SetReg:
        case Opcode::Load8S:
        case Opcode::Load8U:
        case Opcode::Load16S:
        case Opcode::Load16U:
        case Opcode::Load32S:
        case Opcode::Load32U:
        case Opcode::Load64:
        case Opcode::Store8:
        case Opcode::Store16:
        case Opcode::Store32:
        case Opcode::Store64:
        case Opcode::Call0:
        case Opcode::Call1:
        case Opcode::Call2:
        case Opcode::Call3:
        case Opcode::FAdd:
        case Opcode::FSub:
        case Opcode::FMul:
        case Opcode::FDiv:
        case Opcode::FSqrt:
        case Opcode::FEq:
        case Opcode::FLt:
        case Opcode::FLe:
        case Opcode::GuardFp:
        case Opcode::ExitIf:
        case Opcode::ExitIfNot: return true;
        default: return false;
    }
}

}  // namespace

void remove_dead_code(Block& b) {
    std::vector<uint32_t> uses(b.insts.size(), 0);
    for (const Inst& in : b.insts)
        for (unsigned a = 0; a < info(in.op).nargs; ++a) ++uses[in.args[a]];
    if (b.term.kind == Terminal::Kind::Branch || b.term.kind == Terminal::Kind::Indirect)
        ++uses[b.term.value];

    for (size_t k = b.insts.size(); k-- > 0;) {
        Inst& in = b.insts[k];
        if (in.op == Opcode::Nop || uses[k] != 0 || has_effect(in.op)) continue;
        for (unsigned a = 0; a < info(in.op).nargs; ++a) --uses[in.args[a]];
        in = Inst{};
    }
}

}  // namespace xvm::ir
