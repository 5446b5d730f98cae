// virtio-console: one port, wired to a CharBackend like the UART.
#include <gtest/gtest.h>

#include <string>

#include "dev/char_backend.h"
#include "dev/virtio_console.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

constexpr unsigned kRx = 0, kTx = 1;

class Console : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(d_.negotiate(kAllFeatures));
        d_.setup_queue(kRx, 8);
        d_.setup_queue(kTx, 8);
    }
    std::string bytes(uint64_t pa, size_t n) {
        return std::string(reinterpret_cast<const char*>(d_.host(pa)), n);
    }
    void put(uint64_t pa, const std::string& s) { std::memcpy(d_.host(pa), s.data(), s.size()); }
    size_t receive(const std::string& s) {
        return con_.receive(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }

    BufferBackend backend_;
    VirtioConsole con_{&backend_, 16};
    Machine m_{con_};
    Driver d_{m_};
};

TEST_F(Console, TransmitQueueReachesTheSink) {
    d_.driver_ok();
    EXPECT_EQ(d_.rd(kDeviceId), 3u);
    const uint64_t a = d_.alloc(64), b = d_.alloc(64);
    put(a, "Hello, ");
    put(b, "world\n");
    d_.add(kTx, {{a, 7, false}, {b, 6, false}});
    d_.kick(kTx);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(kTx, u));
    EXPECT_EQ(u.len, 0u);  // nothing written into the chain
    EXPECT_EQ(backend_.output(), "Hello, world\n");
    EXPECT_EQ(con_.stats().bytes_out, 13u);
}

TEST_F(Console, EmergencyWriteWorksBeforeAnyQueue) {
    d_.wr(kStatus, 0);
    EXPECT_TRUE(d_.device_features() & (1ull << 2));
    d_.wr(kConfig + 8, 'A');
    uint64_t v;
    ASSERT_TRUE(d_.try_write(kConfig + 8, 1, 'B'));
    ASSERT_TRUE(d_.try_read(kConfig + 8, 4, v));
    EXPECT_EQ(backend_.output(), "AB");
}

TEST_F(Console, InputWaitsForReceiveBuffers) {
    EXPECT_EQ(receive("ls\n"), 3u);  // before DRIVER_OK: kept
    d_.driver_ok();
    EXPECT_EQ(con_.queued_input(), 3u);
    const uint64_t a = d_.alloc(2), b = d_.alloc(64);
    d_.add(kRx, {{a, 2, true}});
    d_.add(kRx, {{b, 64, true}});
    d_.kick(kRx);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(kRx, u));
    EXPECT_EQ(u.len, 2u);
    EXPECT_EQ(bytes(a, 2), "ls");
    ASSERT_TRUE(d_.pop_used(kRx, u));
    EXPECT_EQ(u.len, 1u);
    EXPECT_EQ(bytes(b, 1), "\n");
    EXPECT_TRUE(m_.irq.level());
    d_.ack_interrupts();

    // With no buffer left, input waits; the next buffer takes it at once.
    EXPECT_EQ(receive("pwd\n"), 4u);
    EXPECT_FALSE(d_.pop_used(kRx, u));
    d_.add(kRx, {{b, 64, true}});
    d_.kick(kRx);
    ASSERT_TRUE(d_.pop_used(kRx, u));
    EXPECT_EQ(bytes(b, u.len), "pwd\n");
    EXPECT_EQ(con_.stats().bytes_in, 7u);
}

TEST_F(Console, InputBeyondTheBufferWaitsInTheBackend) {
    d_.driver_ok();
    EXPECT_EQ(receive(std::string(10, 'x')), 10u);
    EXPECT_EQ(receive(std::string(10, 'y')), 6u);  // a 16-byte buffer
    EXPECT_EQ(receive("z"), 0u);
    // Through the backend: what does not fit stays there...
    backend_.inject("0123456789");
    EXPECT_EQ(backend_.queued_input(), 10u);
    const uint64_t a = d_.alloc(64);
    d_.add(kRx, {{a, 64, true}});
    d_.kick(kRx);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(kRx, u));
    EXPECT_EQ(bytes(a, u.len), std::string(10, 'x') + std::string(6, 'y'));
    // ...and is offered again once the guest made room (after the notify).
    EXPECT_EQ(backend_.queued_input(), 0u);
    EXPECT_EQ(con_.queued_input(), 10u);
    d_.add(kRx, {{a, 64, true}});
    d_.kick(kRx);
    ASSERT_TRUE(d_.pop_used(kRx, u));
    EXPECT_EQ(bytes(a, u.len), "0123456789");
}

TEST_F(Console, InputFlowsStraightThroughWhenTheGuestHasBuffers) {
    d_.driver_ok();
    const uint64_t a = d_.alloc(8 * 8);
    for (int i = 0; i < 8; ++i) d_.add(kRx, {{a + 8 * i, 8, true}});
    d_.kick(kRx);
    backend_.inject(std::string(40, 'k'));  // more than the 16-byte buffer, less than the ring
    EXPECT_EQ(backend_.queued_input(), 0u);
    EXPECT_EQ(con_.stats().bytes_in, 40u);
}

TEST_F(Console, HostileReceiveChainNeedsReset) {
    d_.driver_ok();
    d_.write_desc(kRx, 0, d_.alloc(8), 8, kDescWrite | kDescNext, 0);  // loop
    d_.publish(kRx, 0);
    receive("a");
    EXPECT_TRUE(d_.needs_reset());
    EXPECT_TRUE(m_.irq.level());
}

}  // namespace
}  // namespace xvm::dev::virtio_test
