// Redundant guest-register load elimination. Within a block a guest register
// changes only through SetReg: loads and stores address guest memory, and the
// semantic helpers behind Call* touch only fflags/frm (jit/helpers.h). So a GetReg
// can use the value last written to, or last read from, the same register.
#include <algorithm>
#include <vector>

#include "ir/passes.h"

namespace xvm::ir {

void forward_registers(Block& b) {
    Value known[64];
    std::fill_n(known, 64, kNoValue);
    std::vector<Value> repl(b.insts.size());
    for (Value k = 0; k < repl.size(); ++k) repl[k] = k;

    for (Value k = 0; k < b.insts.size(); ++k) {
        Inst& in = b.insts[k];
        for (unsigned a = 0; a < info(in.op).nargs; ++a) in.args[a] = repl[in.args[a]];
        if (in.op == Opcode::GetReg) {
            Value& v = known[in.imm];
            if (v == kNoValue) {
                v = k;
            } else {
                repl[k] = v;
                in = Inst{};
            }
        } else if (in.op == Opcode::SetReg) {
            known[in.imm] = in.args[0];
        }
    }
    if (b.term.kind == Terminal::Kind::Branch || b.term.kind == Terminal::Kind::Indirect)
        b.term.value = repl[b.term.value];
}

}  // namespace xvm::ir
