// Differential test of the passes: random blocks run on the reference interpreter
// before and after optimisation must leave the same guest state, stores, fault and
// next pc. Fixed seeds, so a failure reproduces.
#include <gtest/gtest.h>

#include "ir/passes.h"
#include "listing.h"
#include "reference.h"

namespace xvm::ir::test {
namespace {

void expect_same(const Outcome& want, const Outcome& got, const std::string& context) {
    for (unsigned r = 0; r < 64; ++r)
        ASSERT_EQ(want.regs[r], got.regs[r]) << "register " << r << context;
    ASSERT_EQ(want.faulted, got.faulted) << context;
    ASSERT_EQ(want.fault_pc, got.fault_pc) << context;
    ASSERT_EQ(want.exits, got.exits) << context;
    ASSERT_EQ(want.next_pc, got.next_pc) << context;
    ASSERT_EQ(want.fflags, got.fflags) << context;
    ASSERT_TRUE(want.stores == got.stores) << context;
}

// Runs `optimise` on `blocks` random blocks and compares each on a few register files.
template <typename F>
void check_random(uint64_t seed, unsigned blocks, bool lifted_like, F optimise) {
    std::mt19937_64 rng(seed);
    for (unsigned i = 0; i < blocks; ++i) {
        const Block before = random_block(rng, lifted_like);
        ASSERT_EQ(verify(before), "") << print(before);
        Block after = before;
        optimise(after);
        const std::string context = "\nseed " + std::to_string(seed) + " block " +
                                    std::to_string(i) + "\nbefore:\n" + print(before) + "after:\n" +
                                    print(after);
        ASSERT_EQ(verify(after), "") << context;
        for (int run = 0; run < 4; ++run) {
            uint64_t regs[64];
            random_regs(rng, regs);
            ASSERT_NO_FATAL_FAILURE(
                expect_same(interpret(before, regs), interpret(after, regs), context));
        }
    }
}

TEST(RandomBlocks, FullPipelinePreservesSemantics) {
    check_random(1, 20000, false, [](Block& b) { run_passes(b); });
}

TEST(RandomBlocks, FullPipelinePreservesSemanticsOfLiftedShapes) {
    check_random(2, 20000, true, [](Block& b) { run_passes(b); });
}

TEST(RandomBlocks, EveryPassCombinationPreservesSemantics) {
    for (unsigned mask = 0; mask < 16; ++mask) {
        const PassOptions o{bool(mask & 1), bool(mask & 2), bool(mask & 4), bool(mask & 8)};
        for (bool lifted : {false, true}) {
            SCOPED_TRACE("options mask " + std::to_string(mask));
            check_random(100 + mask, 1000, lifted, [&](Block& b) { run_passes(b, o); });
        }
    }
}

TEST(RandomBlocks, EachPassAloneThenDce) {
    using Pass = void (*)(Block&);
    for (Pass p : {fold_constants, forward_registers, remove_dead_stores, remove_dead_code}) {
        for (bool lifted : {false, true}) {
            check_random(7, 2000, lifted, [&](Block& b) {
                p(b);
                remove_dead_code(b);
            });
        }
    }
}

// Every op on every pair of edge-case constants folds to what the reference computes.
TEST(RandomBlocks, FoldingMatchesTheReferenceOnEdgeCases) {
    const std::vector<uint64_t> special = special_values();
    const uint64_t regs[64] = {};
    for (auto op = unsigned(Opcode::Add); op <= unsigned(Opcode::Select); ++op) {
        for (uint64_t a : special) {
            for (uint64_t c : special) {
                Block b;
                Builder ir(b);
                const Value va = ir.constant(int64_t(a)), vc = ir.constant(int64_t(c));
                const Value r = ir.emit(Opcode(op), va, info(Opcode(op)).nargs > 1 ? vc : kNoValue,
                                        info(Opcode(op)).nargs > 2 ? ir.constant(42) : kNoValue);
                ir.set_reg(1, r);
                Block folded = b;
                fold_constants(folded);
                remove_dead_code(folded);
                ASSERT_EQ(live(folded), 2u) << print(folded);
                ASSERT_EQ(interpret(b, regs).regs[1], interpret(folded, regs).regs[1])
                    << info(Opcode(op)).name << " " << a << ", " << c;
            }
        }
    }
}

// Every pass does all it can in one run: a second pipeline run changes nothing.
TEST(RandomBlocks, PipelineIsIdempotent) {
    std::mt19937_64 rng(3);
    for (unsigned i = 0; i < 5000; ++i) {
        Block b = random_block(rng, i % 2);
        run_passes(b);
        const std::string once = print(b);
        run_passes(b);
        ASSERT_EQ(once, print(b)) << "block " << i;
    }
}

}  // namespace
}  // namespace xvm::ir::test
