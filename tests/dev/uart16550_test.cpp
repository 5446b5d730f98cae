#include "dev/uart16550.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "dev/char_backend.h"
#include "dev_test_util.h"

namespace xvm::dev {
namespace {

using test::RecordingSink;

// Register offsets (reg-shift 0) and bits, as a driver names them.
constexpr uint64_t RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
                   LSR = 5, MSR = 6, SCR = 7;
constexpr uint8_t LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
constexpr uint8_t IIR_NONE = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_THRI = 0x02, IIR_MSI = 0x00;
constexpr unsigned kIrq = 10;

struct Uart : ::testing::Test {
    BufferBackend backend;
    RecordingSink plic;
    Uart16550 uart{&backend, IrqLine{&plic, kIrq}};

    uint8_t in(uint64_t reg) { return static_cast<uint8_t>(test::rd(uart, reg, 1)); }
    void out(uint64_t reg, uint8_t v) { ASSERT_TRUE(uart.write(reg, 1, v)); }
    bool irq() const { return plic.level(kIrq); }
};

TEST_F(Uart, ThrBytesReachTheBackendAtOnce) {
    for (char c : std::string("hi\n")) out(THR, static_cast<uint8_t>(c));
    EXPECT_EQ(backend.output(), "hi\n");
    EXPECT_EQ(in(LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
    EXPECT_FALSE(irq());
}

TEST_F(Uart, InputSetsDataReadyAndRaisesTheIrqOnlyWhenEnabled) {
    out(FCR, 0x01);  // FIFOs on
    EXPECT_EQ(in(LSR)&LSR_DR, 0);
    backend.inject("ab");
    EXPECT_EQ(in(LSR)&LSR_DR, LSR_DR);
    EXPECT_FALSE(irq());  // IER = 0
    EXPECT_EQ(in(IIR), 0xc0 | IIR_NONE);
    out(IER, 0x01);  // ERBFI
    EXPECT_TRUE(irq());
    EXPECT_EQ(in(IIR), 0xc0 | IIR_RDA);
    EXPECT_EQ(in(RBR), 'a');
    EXPECT_TRUE(irq());
    EXPECT_EQ(in(RBR), 'b');
    EXPECT_FALSE(irq());
    EXPECT_EQ(in(LSR)&LSR_DR, 0);
    EXPECT_EQ(in(IIR), 0xc0 | IIR_NONE);
}

TEST_F(Uart, IirReportsTheHighestPrioritySource) {
    out(IER, 0x0f);                     // every source; enabling THRI with the THR empty arms it
    EXPECT_EQ(in(IIR)&0x0f, IIR_THRI);  // ... and reading IIR acknowledges it
    EXPECT_EQ(in(IIR)&0x0f, IIR_NONE);
    EXPECT_FALSE(irq());

    backend.inject("x");
    out(THR, 'y');                     // re-arms THR empty
    EXPECT_EQ(in(IIR)&0x0f, IIR_RDA);  // data beats THR empty
    EXPECT_EQ(in(RBR), 'x');
    EXPECT_EQ(in(IIR)&0x0f, IIR_THRI);
    EXPECT_EQ(in(IIR)&0x0f, IIR_NONE);

    // Loopback with the FIFOs off holds one byte: a second one overruns.
    out(MCR, 0x10);
    (void)in(MSR);  // entering loopback changed the modem lines: drop the deltas
    out(THR, '1');
    out(THR, '2');
    EXPECT_EQ(in(IIR)&0x0f, IIR_RLS);                         // line status beats everything
    EXPECT_EQ(in(LSR) & (LSR_OE | LSR_DR), LSR_OE | LSR_DR);  // and the read clears OE
    EXPECT_EQ(in(IIR)&0x0f, IIR_RDA);
    EXPECT_EQ(in(RBR), '1');
    EXPECT_EQ(in(IIR)&0x0f, IIR_THRI);
    EXPECT_EQ(in(IIR)&0x0f, IIR_NONE);

    out(MCR, 0x10 | 0x02);  // RTS drives CTS in loopback: a modem-status change
    EXPECT_EQ(in(IIR)&0x0f, IIR_MSI);
    EXPECT_TRUE(irq());
    EXPECT_EQ(in(MSR), 0x10 | 0x01);  // CTS, delta CTS; reading clears the delta
    EXPECT_EQ(in(IIR)&0x0f, IIR_NONE);
    EXPECT_FALSE(irq());
    EXPECT_EQ(backend.output(), "y");  // loopback bytes never left
}

TEST_F(Uart, ThrEmptyReassertsWhenReenabled) {
    // Linux's 8250 startup check (UART_BUG_THRE): THRI must fire again each time
    // it is enabled while the transmitter is idle.
    out(IER, 0x02);
    EXPECT_TRUE(irq());
    EXPECT_EQ(in(IIR)&0x0f, IIR_THRI);
    EXPECT_FALSE(irq());
    out(IER, 0x00);
    out(IER, 0x02);
    EXPECT_TRUE(irq());
    EXPECT_EQ(in(IIR)&0x0f, IIR_THRI);
    out(IER, 0x00);
    EXPECT_FALSE(irq());
}

TEST_F(Uart, DlabSwitchesOffsetsZeroAndOneToTheDivisor) {
    out(IER, 0x05);
    out(LCR, 0x83);  // DLAB, 8N1
    out(DLL, 0x0c);
    out(DLM, 0x01);
    EXPECT_EQ(in(DLL), 0x0c);
    EXPECT_EQ(in(DLM), 0x01);
    EXPECT_EQ(backend.output(), "");  // a divisor write is not output
    out(LCR, 0x03);
    EXPECT_EQ(in(IER), 0x05);
    EXPECT_EQ(in(LCR), 0x03);
    out(LCR, 0x83);
    EXPECT_EQ(in(DLL), 0x0c);  // kept
}

TEST_F(Uart, IerKeepsOnlyItsFourBitsAndScratchHoldsAnything) {
    out(IER, 0xff);  // Linux autoconfig writes 0x0f and bit 6 (XScale) and reads back
    EXPECT_EQ(in(IER), 0x0f);
    out(SCR, 0xa5);
    EXPECT_EQ(in(SCR), 0xa5);
}

TEST_F(Uart, LoopbackDrivesModemStatusFromModemControl) {
    // Linux's autoconfig existence test: MCR = LOOP | OUT2 | RTS must read back
    // as DCD | CTS in MSR's top nibble.
    out(MCR, 0x10 | 0x0a);
    EXPECT_EQ(in(MSR)&0xf0, 0x90);
    out(MCR, 0x10 | 0x05);  // DTR, OUT1 → DSR, RI
    EXPECT_EQ(in(MSR)&0xf0, 0x60);
    out(MCR, 0x00);
    EXPECT_EQ(in(MSR)&0xf0, 0xb0);  // outside loopback: CTS, DSR, DCD (a cable)
}

TEST_F(Uart, InputBeyondTheFifoWaitsInTheBackend) {
    out(FCR, 0x01);
    std::string sent;
    for (int i = 0; i < 40; ++i) sent.push_back(static_cast<char>('A' + i % 26));
    backend.inject(sent);
    EXPECT_EQ(backend.queued_input(), 40u - 16u);
    std::string got;
    while (in(LSR)&LSR_DR) got.push_back(static_cast<char>(in(RBR)));
    EXPECT_EQ(got, sent);  // nothing dropped, order kept
    EXPECT_EQ(backend.queued_input(), 0u);
}

TEST_F(Uart, ClearingTheReceiveFifoDropsOnlyWhatItHeld) {
    out(FCR, 0x01);
    backend.inject(std::string(16, 'a') + "bc");
    out(FCR, 0x01 | 0x02);  // clear RX: the 16 'a's go, the rest come in
    EXPECT_EQ(in(RBR), 'b');
    EXPECT_EQ(in(RBR), 'c');
    EXPECT_EQ(in(LSR)&LSR_DR, 0);
}

TEST_F(Uart, WithoutFifosOneByteIsHeldAtATime) {
    backend.inject("xyz");
    EXPECT_EQ(backend.queued_input(), 2u);
    EXPECT_EQ(in(IIR)&0xc0, 0);  // FIFOs off
    EXPECT_EQ(in(RBR), 'x');
    EXPECT_EQ(in(RBR), 'y');
    EXPECT_EQ(in(RBR), 'z');
    EXPECT_EQ(in(LSR)&LSR_DR, 0);
}

TEST_F(Uart, OnlyByteAccessesToTheEightRegisters) {
    uint64_t v = 0;
    EXPECT_FALSE(uart.read(LSR, 4, v));
    EXPECT_FALSE(uart.write(THR, 4, 'x'));
    EXPECT_FALSE(uart.read(0, 8, v));
    EXPECT_FALSE(uart.read(8, 1, v));
    EXPECT_FALSE(uart.write(0xff, 1, 0));
    EXPECT_EQ(backend.output(), "");
}

TEST_F(Uart, ResetReturnsToPowerOnState) {
    out(FCR, 0x01);
    out(IER, 0x01);
    out(LCR, 0x83);
    out(SCR, 0x42);
    backend.inject("q");
    EXPECT_TRUE(irq());
    uart.reset();
    EXPECT_FALSE(irq());
    EXPECT_EQ(in(IER), 0);
    EXPECT_EQ(in(LCR), 0);
    EXPECT_EQ(in(SCR), 0);
    EXPECT_EQ(in(IIR), IIR_NONE);
    EXPECT_EQ(in(LSR), LSR_THRE | LSR_TEMT);
}

TEST_F(Uart, InputFromAnotherThreadArrivesWholeAndInOrder) {
    out(FCR, 0x01);
    std::string sent;
    for (int i = 0; i < 20000; ++i) sent.push_back(static_cast<char>(i * 7));
    std::thread feeder([&] {
        for (size_t i = 0; i < sent.size(); i += 333) backend.inject(sent.substr(i, 333));
    });
    std::string got;
    while (got.size() < sent.size()) {
        if (in(LSR)&LSR_DR)
            got.push_back(static_cast<char>(in(RBR)));
        else
            std::this_thread::yield();
    }
    feeder.join();
    EXPECT_EQ(got, sent);
}

TEST_F(Uart, DetachesFromItsBackendWhenDestroyed) {
    BufferBackend b;
    {
        Uart16550 u(&b, IrqLine{});
        b.inject("ab");
        EXPECT_EQ(b.queued_input(), 1u);
    }
    b.inject("c");  // no sink: kept, not delivered to a dead UART
    EXPECT_EQ(b.queued_input(), 2u);
}

TEST_F(Uart, HostileAccessesNeverCrash) {
    backend.inject(std::string(100, 'z'));
    test::hammer(uart, Uart16550::kSize);
    backend.inject("after");
    out(FCR, 0x01);
    uint64_t v;
    EXPECT_TRUE(uart.read(LSR, 1, v));
}

}  // namespace
}  // namespace xvm::dev
