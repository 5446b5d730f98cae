#include "engine/interpreter.h"

#include <gtest/gtest.h>

#include <cstring>

#include "rv_asm.h"

namespace xvm::engine {
namespace {

using test::Asm;
constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x20000;

class InterpreterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto s = mem::AddressSpace::create();
        ASSERT_TRUE(s.ok()) << s.error().message;
        space = std::move(*s);
        ASSERT_TRUE(space->map(kCode, 0x1000, mem::kProtRead | mem::kProtExec).ok());
        ASSERT_TRUE(space->map(kData, 0x1000, mem::kProtRead | mem::kProtWrite).ok());
        interp = std::make_unique<Interpreter>(cpu, *space);
    }
    void load(const Asm& a) {
        const uint8_t prot = space->prot_at(kCode);
        ASSERT_TRUE(space->protect(kCode, 0x1000, mem::kProtRead | mem::kProtWrite).ok());
        std::memcpy(space->host(kCode), a.words.data(), a.words.size() * 4);
        ASSERT_TRUE(space->protect(kCode, 0x1000, prot).ok());
        cpu.pc = kCode;
    }
    riscv::Cpu cpu;
    std::unique_ptr<mem::AddressSpace> space;
    std::unique_ptr<Interpreter> interp;
};

TEST_F(InterpreterTest, LoopRunsToEcall) {
    // a0 = sum of 1..100 with a counted loop
    Asm a;
    a.addi(10, 0, 0).addi(5, 0, 100);
    const int32_t loop = a.here();
    a.add(10, 10, 5).addi(5, 5, -1);
    a.bne(5, 0, loop - a.here());
    a.ecall();
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::Ecall);
    EXPECT_EQ(cpu.x[10], 5050u);
    EXPECT_EQ(cpu.pc, kCode + a.here() - 4);
    EXPECT_GE(cpu.instret, 300u);
}

TEST_F(InterpreterTest, WritesToX0AreDiscarded) {
    Asm a;
    a.addi(0, 0, 55).add(10, 0, 0).ecall();
    load(a);
    interp->run();
    EXPECT_EQ(cpu.x[0], 0u);
    EXPECT_EQ(cpu.x[10], 0u);
}

TEST_F(InterpreterTest, DivisionByZeroFollowsTheSpec) {
    Asm a;
    a.addi(5, 0, 7).div(10, 5, 0).ecall();
    load(a);
    interp->run();
    EXPECT_EQ(cpu.x[10], ~0ull);
}

TEST_F(InterpreterTest, LoadFromUnmappedMemoryIsAGuestFaultWithPc) {
    Asm a;
    a.addi(5, 0, 0).addi(6, 0, 1).ld(10, 5, 16).ecall();  // load from address 16
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::LoadFault);
    EXPECT_EQ(s.addr, 16u);
    EXPECT_EQ(cpu.pc, kCode + 8);
    EXPECT_EQ(cpu.x[6], 1u);  // earlier instructions completed
}

TEST_F(InterpreterTest, StoreToReadOnlyMemoryIsAStoreFault) {
    Asm a;
    a.emit(Asm::i(0x37, 0, 5, 0, 0) | (kCode & 0xfffff000));  // lui t0, code page
    a.sd(0, 5, 0).ecall();
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::StoreFault);
    EXPECT_EQ(s.addr, kCode);
    EXPECT_EQ(cpu.pc, kCode + 4);
}

TEST_F(InterpreterTest, WildAddressesStayInsideTheGuestRange) {
    // An address far outside the reservation is masked into it, and faults there.
    Asm a;
    a.addi(5, 0, -1).ld(10, 5, 0).ecall();
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::LoadFault);
}

TEST_F(InterpreterTest, FetchFromNonExecutableMemoryFaults) {
    Asm a;
    a.emit(Asm::i(0x37, 0, 5, 0, 0) | (kData & 0xfffff000));  // lui t0, data page
    a.jalr(0, 5, 0);
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::FetchFault);
    EXPECT_EQ(s.addr, kData);
}

TEST_F(InterpreterTest, IllegalInstructionStopsWithItsBits) {
    Asm a;
    a.addi(10, 0, 1).emit(0xffffffff);
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::Illegal);
    EXPECT_EQ(s.bits, 0xffffffffu);
    EXPECT_EQ(cpu.pc, kCode + 4);
    EXPECT_EQ(cpu.x[10], 1u);
}

TEST_F(InterpreterTest, LrScAndAmo) {
    Asm a;
    a.emit(Asm::i(0x37, 0, 5, 0, 0) | (kData & 0xfffff000));
    a.addi(6, 0, 42).sd(6, 5, 0);
    a.lr_d(7, 5).addi(6, 0, 43).sc_d(10, 5, 6);  // succeeds: a0 = 0
    a.sc_d(11, 5, 6);                            // no reservation: a1 = 1
    a.addi(6, 0, 5).amoadd_w(12, 5, 6);          // a2 = old (43)
    a.ld(13, 5, 0).ecall();
    load(a);
    interp->run();
    EXPECT_EQ(cpu.x[7], 42u);
    EXPECT_EQ(cpu.x[10], 0u);
    EXPECT_EQ(cpu.x[11], 1u);
    EXPECT_EQ(cpu.x[12], 43u);
    EXPECT_EQ(cpu.x[13], 48u);
}

TEST_F(InterpreterTest, MisalignedAtomicStops) {
    Asm a;
    a.emit(Asm::i(0x37, 0, 5, 0, 0) | (kData & 0xfffff000));
    a.addi(5, 5, 4).lr_d(7, 5).ecall();
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::Misaligned);
    EXPECT_EQ(s.addr, kData + 4);
}

TEST_F(InterpreterTest, UnknownCsrIsIllegalAndFflagsIsReadable) {
    Asm a;
    a.csrrs(10, 0x001, 0).csrrs(11, 0x7c0, 0);
    load(a);
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::Illegal);
    EXPECT_EQ(cpu.pc, kCode + 4);
}

TEST_F(InterpreterTest, SelfModifyingCodeIsSeenAfterFenceI) {
    ASSERT_TRUE(
        space->protect(kCode, 0x1000, mem::kProtRead | mem::kProtWrite | mem::kProtExec).ok());
    Asm a;
    a.addi(10, 0, 1).ecall();
    load(a);
    EXPECT_EQ(interp->run().reason, StopReason::Ecall);
    EXPECT_EQ(cpu.x[10], 1u);
    // Patch the first instruction, then run again from the start: without a flush
    // the stale block would still run.
    const uint32_t patched = Asm::i(0x13, 0, 10, 0, 2);
    std::memcpy(space->host(kCode), &patched, 4);
    interp->flush_code();
    cpu.pc = kCode;
    EXPECT_EQ(interp->run().reason, StopReason::Ecall);
    EXPECT_EQ(cpu.x[10], 2u);
}

TEST_F(InterpreterTest, ExitRequestStopsAnInfiniteLoop) {
    Asm a;
    a.emit(0x0000006f);  // j .
    load(a);
    interp->request_exit();
    Stop s = interp->run();
    EXPECT_EQ(s.reason, StopReason::Exit);
    EXPECT_EQ(cpu.pc, kCode);
}

}  // namespace
}  // namespace xvm::engine
