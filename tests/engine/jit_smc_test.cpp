// Self-modifying code at the engine level: guest code rewrites instructions in
// its own (writable, executable) pages and executes fence.i, in a loop long
// enough for the rewritten code to be compiled (and linked) before each rewrite.
// Every engine must see each new instruction exactly when the interpreter does.
#include <gtest/gtest.h>

#include "jit_harness.h"
#include "rv_asm.h"

namespace xvm::test {
namespace {

using engine::StopReason;

constexpr unsigned kRa = 1, kT0 = 5, kT1 = 6, kS1 = 9, kA0 = 10, kS2 = 18, kS3 = 19, kS4 = 20;

Image writable(const Asm& a) {
    Image img;
    img.code.resize(a.words.size() * 4);
    std::memcpy(img.code.data(), a.words.data(), img.code.size());
    img.code_at = kCode;
    img.cpu.pc = kCode;
    img.code_prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
    return img;
}

std::vector<Config> configs() {
    Config tiered = jit_config();
    tiered.name = "tiered-threshold-2";
    tiered.kind = engine::EngineKind::Tiered;
    tiered.threshold = 2;
    return {jit_config(), jit_nopass_config(), tiered};
}

// Runs until the final ecall (each fence.i is a stop of its own).
Outcome run_to_ecall(const Image& img, const Config& c) {
    return run_image(img, c, 100000);
}

// A function at kCode + 0x400 ("addi a0, x0, K; ret") is called 5 times through
// jalr (indirect entries: hot for tiering), then rewritten with the next K (and
// fence.i when `fence`), 60 times; s3 sums what the calls return.
Image rewriting_program(bool fence) {
    constexpr int32_t kF = 0x400;
    constexpr unsigned kS5 = 21;
    Asm a;
    a.li(kS1, 60).li(kS2, static_cast<int64_t>(kCode)).li(kT1, 0x513).addi(kS3, 0, 0);
    const int32_t loop = a.here();
    a.addi(kS5, 0, 5);
    const int32_t calls = a.here();
    a.jalr(kRa, kS2, kF);
    a.add(kS3, kS3, kA0);
    a.addi(kS5, kS5, -1).bne(kS5, 0, calls - a.here());
    a.slli(kT0, kS1, 20).emit(Asm::r(0x33, 6, 0, kT0, kT0, kT1));  // or t0, t0, t1
    a.sw(kT0, kS2, kF);
    if (fence) a.fence_i();
    a.addi(kS1, kS1, -1).bne(kS1, 0, loop - a.here());
    a.ecall();
    while (a.here() < kF) a.emit(0x13);  // nop up to the function
    a.addi(kA0, 0, 0).jalr(0, kRa, 0);
    return writable(a);
}

TEST(JitSmc, RewrittenFunctionIsRecompiled) {
    const Image img = rewriting_program(true);
    const Outcome ref = run_to_ecall(img, interp_config());
    ASSERT_EQ(ref.stop.reason, StopReason::Ecall);
    EXPECT_EQ(ref.cpu.x[kS3], 5u * 1829u);  // 5 * (0 + 60 + 59 + ... + 2)
    for (const Config& c : configs()) {
        const Outcome o = run_to_ecall(img, c);
        EXPECT_EQ(compare(ref, o), "") << c.name;
        EXPECT_GE(o.jit.blocks_compiled, 60u) << c.name << ": the function was not recompiled";
    }
}

// The loop body patches an instruction of its own, after the fence.i:
//   sw t0, 12(s4); fence.i; X: addi a0, x0, K; add s3, s3, a0; ...
TEST(JitSmc, LoopPatchesItsOwnInstruction) {
    Asm a;
    a.li(kS1, 80).li(kT1, 0x513).addi(kS3, 0, 0);
    a.emit(encode(riscv::Op::auipc, {kS4, 0, 0, 0, 0, 0}));  // s4 = here
    const int32_t auipc = a.here() - 4;
    const int32_t loop = a.here();
    a.slli(kT0, kS1, 20).emit(Asm::r(0x33, 6, 0, kT0, kT0, kT1));
    const int32_t store = a.here();
    a.sw(kT0, kS4, 0);  // offset patched below
    a.fence_i();
    const int32_t x = a.here();
    a.addi(kA0, 0, 0);
    a.add(kS3, kS3, kA0);
    a.addi(kS1, kS1, -1).bne(kS1, 0, loop - a.here());
    a.ecall();
    a.words[store / 4] = Asm::s(0x23, 2, kS4, kT0, x - auipc);
    const Image img = writable(a);
    const Outcome ref = run_to_ecall(img, interp_config());
    ASSERT_EQ(ref.stop.reason, StopReason::Ecall);
    EXPECT_EQ(ref.cpu.x[kS3], 80u * 81u / 2u);
    for (const Config& c : configs()) {
        const Outcome o = run_to_ecall(img, c);
        EXPECT_EQ(compare(ref, o), "") << c.name;
    }
}

// Without fence.i: the store to the function hits a page its code was
// translated from, and the next call (an indirect jump, where every engine looks
// at exit requests) runs the new instruction. No stop reaches the caller.
TEST(JitSmc, StoreWithoutFenceIIsSeenByTheNextCall) {
    const Image img = rewriting_program(false);
    std::vector<Config> all = configs();
    all.insert(all.begin(), interp_config());
    for (const Config& c : all) {
        std::unique_ptr<engine::Engine> eng;
        std::unique_ptr<mem::AddressSpace> space;
        std::unique_ptr<riscv::Cpu> cpu;
        const Outcome o = run_image(img, c, 1, &eng, &space, &cpu);
        ASSERT_EQ(o.error, "") << c.name;
        ASSERT_EQ(o.stop.reason, StopReason::Ecall) << c.name;
        EXPECT_EQ(o.cpu.x[kS3], 5u * 1829u) << c.name;
        EXPECT_EQ(space->code_page_writes(), 60u) << c.name;
        EXPECT_EQ(eng->code_write_flushes(), 60u) << c.name;
    }
}

// A page the guest made read-only after its code ran stays read-only: the
// store is the guest's fault, not a write to translated code.
TEST(JitSmc, StoreToReadOnlyCodeStillFaults) {
    Asm a;
    a.li(kS2, static_cast<int64_t>(kCode)).addi(kS1, 0, 3);
    const int32_t loop = a.here();
    a.addi(kS1, kS1, -1).bne(kS1, 0, loop - a.here());
    a.sw(0, kS2, 0);
    a.ecall();
    Image img = writable(a);
    img.code_prot = mem::kProtRead | mem::kProtExec;
    std::vector<Config> all = configs();
    all.insert(all.begin(), interp_config());
    for (const Config& c : all) {
        const Outcome o = run_image(img, c, 1);
        ASSERT_EQ(o.error, "") << c.name;
        EXPECT_EQ(o.stop.reason, StopReason::StoreFault) << c.name;
        EXPECT_EQ(o.stop.addr, kCode) << c.name;
    }
}

}  // namespace
}  // namespace xvm::test
