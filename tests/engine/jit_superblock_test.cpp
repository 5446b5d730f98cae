// Superblocks: in tiered mode the JIT goes on past a branch the interpreter saw
// going one way nearly always; the other way becomes a side exit. Whatever path
// the guest takes, state and instret must equal the interpreter's.
#include <gtest/gtest.h>

#include <cstring>

#include "jit_harness.h"
#include "rv_asm.h"

namespace xvm::test {
namespace {

using engine::Engine;
using engine::EngineKind;

Image image_of(const Asm& a) {
    Image img;
    img.code.resize(a.words.size() * 4);
    std::memcpy(img.code.data(), a.words.data(), img.code.size());
    img.cpu.pc = kCode;
    return img;
}

// for (i = 0; i != n; ++i) { if ((i & mask) == 0) ++rare; sum += i; }
// The inner branch skips the rare increment: taken (mask+1-1)/(mask+1) of the time.
Asm biased_loop(int64_t n, int32_t mask, uint64_t& loop_pc) {
    Asm a;
    a.li(5, 0).li(6, n).li(7, 0).li(8, 0);
    const int32_t loop = a.here();
    loop_pc = kCode + static_cast<uint64_t>(loop);
    a.emit(Asm::i(0x13, 7, 9, 5, mask));  // andi x9, x5, mask
    a.bne(9, 0, 8);                       // common case: skip the next instruction
    a.addi(8, 8, 1);                      // rare
    a.add(7, 7, 5).addi(5, 5, 1);
    a.bne(5, 6, loop - a.here());
    a.ecall();
    return a;
}

Config tiered(uint32_t threshold) {
    Config c;
    c.name = fmt::format("tiered-{}", threshold);
    c.kind = EngineKind::Tiered;
    c.threshold = threshold;
    return c;
}

TEST(JitSuperblock, SideExitTakenRarelyAgreesWithTheInterpreter) {
    const int64_t n = 5000;
    uint64_t loop_pc = 0;
    const Image img = image_of(biased_loop(n, 63, loop_pc));
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.error, "");
    EXPECT_EQ(ref.cpu.x[7], static_cast<uint64_t>(n * (n - 1) / 2));
    EXPECT_EQ(ref.cpu.x[8], static_cast<uint64_t>((n + 63) / 64));
    for (uint32_t threshold : {40u, 100u}) {
        SCOPED_TRACE(threshold);
        std::unique_ptr<Engine> e;
        const Outcome o = run_image(img, tiered(threshold), 8, &e);
        EXPECT_EQ(compare(ref, o), "");
        // The loop head was compiled as a superblock with one side exit (to the
        // rare increment), and compiled code ran the loop.
        const jit::JitBlock* b = e->jit()->find(loop_pc);
        ASSERT_NE(b, nullptr);
        ASSERT_EQ(b->side_exits.size(), 1u);
        EXPECT_EQ(b->side_exits[0].target_pc, loop_pc + 8);
        EXPECT_GT(o.jit.blocks_compiled, 0u);
    }
}

TEST(JitSuperblock, BranchThatChangesItsMindLater) {
    // The bias the interpreter saw (taken) reverses after compiling: every
    // iteration then leaves through the side exit, and still agrees.
    Asm a;
    a.li(5, 0).li(6, 3000).li(7, 0).li(10, 200);
    const int32_t loop = a.here();
    const uint64_t loop_pc = kCode + static_cast<uint64_t>(loop);
    a.emit(Asm::b(4, 5, 10, 8));  // blt x5, x10, +8: taken for i < 200, then never
    a.addi(7, 7, 3);
    a.add(7, 7, 5).addi(5, 5, 1);
    a.bne(5, 6, loop - a.here());
    a.ecall();
    const Image img = image_of(a);
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.error, "");
    std::unique_ptr<Engine> e;
    const Outcome o = run_image(img, tiered(40), 8, &e);
    EXPECT_EQ(compare(ref, o), "");
    const jit::JitBlock* b = e->jit()->find(loop_pc);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->side_exits.size(), 1u);
}

TEST(JitSuperblock, UnbiasedBranchEndsTheBlock) {
    uint64_t loop_pc = 0;
    const Image img = image_of(biased_loop(3000, 1, loop_pc));  // every other iteration
    const Outcome ref = run_image(img, interp_config());
    std::unique_ptr<Engine> e;
    const Outcome o = run_image(img, tiered(40), 8, &e);
    EXPECT_EQ(compare(ref, o), "");
    const jit::JitBlock* b = e->jit()->find(loop_pc);
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(b->side_exits.empty());
}

// A loop whose exit test heads it ("while (i != n) { ... }"): compiled after
// two entries, before the interpreter has a profile of its branch, the JIT still
// goes on into the body (it comes back to the head), so the loop is one block
// that jumps to itself, runs with its registers pinned, and leaves through the
// side exit.
TEST(JitSuperblock, UnprofiledLoopHeadTakesInTheBody) {
    Asm a;
    a.li(5, 0).li(6, 4000).li(7, 0);
    const int32_t head = a.here();
    const uint64_t head_pc = kCode + static_cast<uint64_t>(head);
    a.beq(5, 6, 16);  // out of the loop, past the jump back
    a.add(7, 7, 5).addi(5, 5, 1);
    a.emit(Asm::j(0, head - a.here()));
    a.ecall();
    const Image img = image_of(a);
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.error, "");
    EXPECT_EQ(ref.cpu.x[7], 4000u * 3999u / 2u);
    std::unique_ptr<Engine> e;
    const Outcome o = run_image(img, tiered(2), 8, &e);
    EXPECT_EQ(compare(ref, o), "");
    const jit::JitBlock* b = e->jit()->find(head_pc);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->guest_insns, 4u);
    EXPECT_EQ(b->side_exits.size(), 1u);
    EXPECT_FALSE(b->pinned.empty());
    EXPECT_LE(o.jit_entries, 4u) << "the loop went back to the engine";
}

}  // namespace
}  // namespace xvm::test
