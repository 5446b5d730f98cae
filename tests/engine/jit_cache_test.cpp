// Code cache reclaim: a generated guest program with 2,000 small functions,
// called in a loop directly and indirectly, runs with a cache far too small for
// its ~4,000 blocks. The cache must be flushed (reclaimed) many times on the way,
// and the result must still equal the interpreter's.
#include <gtest/gtest.h>

#include <functional>

#include "jit_harness.h"
#include "rv_asm.h"

namespace xvm::test {
namespace {

using engine::StopReason;
using riscv::Op;

constexpr unsigned kFuncs = 2000;
constexpr unsigned kA0 = 10, kT0 = 5, kT1 = 6, kRa = 1, kS1 = 9, kS2 = 18;

// auipc t1 + jalr ra, t1: an indirect call to `target` from `pc`.
void call_indirect(Asm& a, uint64_t pc, uint64_t target) {
    const auto off = static_cast<int64_t>(target - pc);
    const int64_t hi = (off + 0x800) >> 12;
    const int64_t lo = off - (hi << 12);
    a.emit(encode(Op::auipc, {kT1, 0, 0, 0, 0, hi << 12}));
    a.jalr(kRa, kT1, static_cast<int32_t>(lo));
}

// Code main runs before and after its loop (each at most kHookBytes), and code
// placed at kHookAt, near the end of the code pages.
struct Hooks {
    std::function<void(Asm&)> before, after;
    std::vector<uint32_t> fixed;
};
constexpr uint64_t kHookBytes = 64;
constexpr uint64_t kHookAt = kCode + 0xff00;

// main: `rounds` times, call f_0 .. f_1999 (odd ones through auipc+jalr), then
// ecall. Function i mixes a0 in its own way and sometimes stores it.
Image many_functions(unsigned rounds, const std::vector<unsigned>& order = {},
                     const Hooks& hooks = {}) {
    // Sizes first: main is fixed-size, so function addresses are known.
    const uint64_t main_bytes = 4 * (2 + 2 * kFuncs + 4) + 2 * kHookBytes;
    const uint64_t funcs_at = kCode + ((main_bytes + 0xff) & ~0xffull);
    std::vector<uint64_t> fn(kFuncs);
    Asm f;
    for (unsigned i = 0; i < kFuncs; ++i) {
        fn[i] = funcs_at + static_cast<uint64_t>(f.here());
        f.addi(kA0, kA0, static_cast<int32_t>(i % 2000) - 1000);
        f.emit(Asm::i(0x13, 4, kA0, kA0, static_cast<int32_t>((i * 37) & 0x7ff)));  // xori
        f.slli(kT0, kA0, i % 13 + 1);
        f.add(kA0, kA0, kT0);
        if (i % 4 == 0) f.sd(kA0, kS2, static_cast<int32_t>((i % 256) * 8));
        f.jalr(0, kRa, 0);
    }
    Asm m;
    m.li(kS2, static_cast<int64_t>(kData));
    if (hooks.before) hooks.before(m);
    m.li(kS1, rounds);
    const int32_t outer = m.here();
    for (unsigned k = 0; k < kFuncs; ++k) {
        const unsigned i = order.empty() ? k : order[k];
        const uint64_t pc = kCode + static_cast<uint64_t>(m.here());
        if (i % 2)
            call_indirect(m, pc, fn[i]);
        else
            m.jal(kRa, static_cast<int32_t>(fn[i] - pc));
    }
    m.addi(kS1, kS1, -1).beq(kS1, 0, 8).jal(0, outer - m.here());
    if (hooks.after) hooks.after(m);
    m.ecall();
    EXPECT_LE(static_cast<uint64_t>(m.here()), funcs_at - kCode);
    Image img;
    img.code_bytes = 0x10000;  // kCode up to kData
    img.code.assign(funcs_at - kCode + f.words.size() * 4, 0);
    std::memcpy(img.code.data(), m.words.data(), m.words.size() * 4);
    std::memcpy(img.code.data() + (funcs_at - kCode), f.words.data(), f.words.size() * 4);
    EXPECT_LE(img.code.size(), kHookAt - kCode);
    if (!hooks.fixed.empty()) {
        img.code.resize(kHookAt - kCode + 4 * hooks.fixed.size());
        std::memcpy(img.code.data() + (kHookAt - kCode), hooks.fixed.data(),
                    4 * hooks.fixed.size());
    }
    EXPECT_LE(img.code.size(), img.code_bytes);
    img.code_at = kCode;
    img.cpu.pc = kCode;
    return img;
}

Config small_cache(const char* name, engine::EngineKind kind, size_t bytes, uint32_t threshold) {
    Config c = jit_config();
    c.name = name;
    c.kind = kind;
    c.cache_bytes = bytes;
    c.threshold = threshold;
    return c;
}

TEST(JitCache, ReclaimKeepsResultsExact) {
    const Image img = many_functions(3);
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.stop.reason, StopReason::Ecall);
    const Config configs[] = {
        small_cache("jit-128K", engine::EngineKind::Jit, 128u << 10, 100),
        // Just above the backend's 64 KiB per-block headroom: a handful of blocks
        // fit between two flushes.
        small_cache("jit-72K", engine::EngineKind::Jit, 72u << 10, 100),
        small_cache("tiered-128K-threshold-1", engine::EngineKind::Tiered, 128u << 10, 1),
        small_cache("jit-64M", engine::EngineKind::Jit, 64u << 20, 100),
    };
    for (const Config& c : configs) {
        const Outcome o = run_image(img, c);
        EXPECT_EQ(compare(ref, o), "") << c.name;
        fmt::print(
            "JitCache.ReclaimKeepsResultsExact {}: {} blocks compiled, {} flushes, {} "
            "links, {} entries from the engine\n",
            c.name, o.jit.blocks_compiled, o.jit.cache_flushes, o.jit.links, o.jit_entries);
        if (c.cache_bytes < (1u << 20)) {
            EXPECT_GT(o.jit.cache_flushes, 2u) << c.name;
            EXPECT_GT(o.jit.blocks_compiled, 4000u) << c.name << ": blocks were not recompiled";
        } else {
            EXPECT_EQ(o.jit.cache_flushes, 0u) << c.name;
        }
    }
}

// The same with the calls in a shuffled order, so blocks are compiled and linked
// in an order unrelated to their addresses, and the cache fills in the middle of
// chains of linked blocks.
TEST(JitCache, ReclaimWithShuffledCalls) {
    std::vector<unsigned> order(kFuncs);
    for (unsigned k = 0; k < kFuncs; ++k) order[k] = (k * 1237u + 11u) % kFuncs;  // a permutation
    const Image img = many_functions(2, order);
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.stop.reason, StopReason::Ecall);
    for (const Config& c :
         {small_cache("jit-96K", engine::EngineKind::Jit, 96u << 10, 100),
          small_cache("tiered-96K-threshold-1", engine::EngineKind::Tiered, 96u << 10, 1)}) {
        const Outcome o = run_image(img, c);
        EXPECT_EQ(compare(ref, o), "") << c.name;
        EXPECT_GT(o.jit.cache_flushes, 2u) << c.name;
    }
}

// A hot loop entered from interpreted code (the call follows an AMO, which the
// JIT leaves to the interpreter, in the same interpreter block), before and after
// the code cache is reclaimed.
Image loop_after_reclaim() {
    constexpr unsigned kS3 = 19;
    Hooks h;
    Asm l;  // at kHookAt: the loop, counted by s3; returns
    l.addi(kA0, kA0, 3).emit(Asm::r(0x33, 4, 0, kT0, kT0, kA0));  // xor t0, t0, a0
    l.addi(kS3, kS3, -1).bne(kS3, 0, -12).jalr(0, kRa, 0);
    h.fixed = l.words;
    auto call_loop = [](unsigned n) {
        return [n](Asm& m) {
            m.amoadd_w(0, kS2, kT0).li(kS3, n);
            m.jal(kRa, static_cast<int32_t>(kHookAt - (kCode + static_cast<uint64_t>(m.here()))));
        };
    };
    h.before = call_loop(100);
    h.after = call_loop(200000);
    return many_functions(1, {}, h);
}

TEST(JitCache, LoopEnteredFromTheInterpreterAfterReclaim) {
    const Image img = loop_after_reclaim();
    const Outcome ref = run_image(img, interp_config());
    ASSERT_EQ(ref.stop.reason, StopReason::Ecall);
    for (const Config& c :
         {small_cache("jit-128K", engine::EngineKind::Jit, 128u << 10, 100),
          small_cache("tiered-72K-threshold-1", engine::EngineKind::Tiered, 72u << 10, 1),
          small_cache("jit-64M", engine::EngineKind::Jit, 64u << 20, 100)}) {
        const Outcome o = run_image(img, c);
        EXPECT_EQ(compare(ref, o), "") << c.name;
    }
}

// In --engine jit, a block the interpreter had marked as compiled keeps its mark
// after a reclaim; when the interpreter reaches it again, the engine must compile
// it again rather than run it interpreted for ever (it once did: ~37 ns per loop
// iteration instead of ~1 ns).
TEST(JitCache, LoopIsCompiledAgainAfterReclaim) {
    const Image img = loop_after_reclaim();
    std::unique_ptr<engine::Engine> e;
    std::unique_ptr<mem::AddressSpace> space;
    std::unique_ptr<riscv::Cpu> cpu;
    const Outcome o =
        run_image(img, small_cache("jit-128K", engine::EngineKind::Jit, 128u << 10, 100), 8, &e,
                  &space, &cpu);
    ASSERT_GT(o.jit.cache_flushes, 0u);
    EXPECT_TRUE(e->jit()->find(kHookAt) != nullptr)
        << "the loop ran interpreted after the reclaim (" << o.jit.cache_flushes << " flushes, "
        << o.jit_entries << " entries into compiled code)";
}

}  // namespace
}  // namespace xvm::test
