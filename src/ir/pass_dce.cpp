// Dead code elimination: a value nobody uses is not computed, unless computing it
// has an effect (ir::has_effect). One backward sweep reaches the fixpoint because arguments always
// come before their users.
#include <vector>

#include "ir/passes.h"

namespace xvm::ir {

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
