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

void verified(const char* name, Block& b) {
#ifndef NDEBUG
    if (std::string e = verify(b); !e.empty()) {
        fmt::print(stderr, "ir pass {} broke block {:#x}: {}\n{}", name, b.pc, e, print(b));
        std::abort();
    }
#else
    (void)name;
    (void)b;
#endif
}

void checked(void (*pass)(Block&), const char* name, Block& b) {
    pass(b);
    verified(name, b);
}

// Whether a pass changed anything, cheaply: a fingerprint of the block.
uint64_t fingerprint(const Block& b) {
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
    for (const Inst& in : b.insts) {
        mix(static_cast<uint64_t>(in.op) | uint64_t{in.args[0]} << 8 | uint64_t{in.args[1]} << 36);
        mix(in.args[2] ^ static_cast<uint64_t>(in.imm));
    }
    mix(static_cast<uint64_t>(b.term.kind) | uint64_t{b.term.value} << 8);
    mix(b.term.taken ^ (b.term.fallthrough << 1));
    return h;
}

}  // namespace

void run_passes(Block& b, const PassOptions& o) {
    if (o.forward_regs) checked(forward_registers, "forward_registers", b);
    if (o.fold) checked(fold_constants, "fold_constants", b);
    if (o.cse) {
        // Merging equal values can expose more folding (a Select of two merged
        // arguments, x - x), which can expose more merging: settle it, stopping
        // as soon as a round changes nothing (most blocks: after one merge).
        for (int round = 0; round < 3; ++round) {
            const bool merged = eliminate_common_subexpressions(b);
            verified("eliminate_common_subexpressions", b);
            if (!merged || !o.fold) break;
            const uint64_t before = fingerprint(b);
            checked(fold_constants, "fold_constants", b);
            if (fingerprint(b) == before) break;
        }
    }
    if (o.dead_stores) checked(remove_dead_stores, "remove_dead_stores", b);
    if (o.dce) checked(remove_dead_code, "remove_dead_code", b);
}

}  // namespace xvm::ir
