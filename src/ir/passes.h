// Optimisation passes over one IR block (style.md, pattern 4): one function per
// pass, one file per pass, each switchable so it can be A/B measured and bisected.
//
// Every pass keeps positions: it rewrites uses (instruction arguments and the
// terminal's value) to an equivalent value defined earlier and turns instructions
// that lost their purpose into Nop. Nothing is inserted, moved or renumbered.
#pragma once

#include "ir/ir.h"

namespace xvm::ir {

struct PassOptions {
    bool fold = true;
    bool forward_regs = true;
    bool dead_stores = true;
    bool dce = true;
    bool cse = true;
};

// The pipeline: forward_registers, fold_constants, eliminate_common_subexpressions,
// remove_dead_stores, remove_dead_code, each when enabled. Debug builds verify() after every pass.
void run_passes(Block& b, const PassOptions& o = {});

// Constant folding and propagation, algebraic identities, constant branch and
// indirect-jump targets. Folds with the backend's exact semantics (opcodes.inc).
// A Branch on "x == 0" becomes a Branch on x with taken and fallthrough swapped.
void fold_constants(Block& b);

// GetReg after SetReg or GetReg of the same register uses the known value.
void forward_registers(Block& b);

// SetReg overwritten before any read or faulting point, and SetReg of the value
// the register already holds, become Nop.
void remove_dead_stores(Block& b);

// Values nobody uses and whose computation has no effect become Nop.
void remove_dead_code(Block& b);

// A pure instruction equal to an earlier one (op, arguments, immediate) uses the
// earlier value. Returns whether it merged anything.
bool eliminate_common_subexpressions(Block& b);

}  // namespace xvm::ir
