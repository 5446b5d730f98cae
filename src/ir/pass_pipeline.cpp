// The pass pipeline. Forwarding first, so folding sees through guest registers;
// then common subexpressions, alternating with folding;
// folding once is enough because it rewrites arguments before looking at each
// instruction (the tests check that a second run finds nothing); dead stores
// before dead code, so values only a dead SetReg used go too.
#include "ir/passes.h"

#ifndef NDEBUG
#include <fmt/core.h>

#include <cstdlib>
#endif

namespace xvm::ir {

namespace {

void checked(void (*pass)(Block&), const char* name, Block& b) {
    pass(b);
#ifndef NDEBUG
    if (std::string e = verify(b); !e.empty()) {
        fmt::print(stderr, "ir pass {} broke block {:#x}: {}\n{}", name, b.pc, e, print(b));
        std::abort();
    }
#else
    (void)name;
#endif
}

}  // namespace

void run_passes(Block& b, const PassOptions& o) {
    if (o.forward_regs) checked(forward_registers, "forward_registers", b);
    if (o.fold) checked(fold_constants, "fold_constants", b);
    if (o.cse) {
        // Merging equal values can expose more folding (a Select of two merged
        // arguments, x - x), which can expose more merging: settle it.
        for (int round = 0; round < 2; ++round) {
            checked(eliminate_common_subexpressions, "eliminate_common_subexpressions", b);
            if (o.fold) checked(fold_constants, "fold_constants", b);
        }
        checked(eliminate_common_subexpressions, "eliminate_common_subexpressions", b);
    }
    if (o.dead_stores) checked(remove_dead_stores, "remove_dead_stores", b);
    if (o.dce) checked(remove_dead_code, "remove_dead_code", b);
}

}  // namespace xvm::ir
