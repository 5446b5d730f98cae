#include "dev/goldfish_rtc.h"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <thread>

#include "dev_test_util.h"

namespace xvm::dev {
namespace {

using test::rd32;
using test::RecordingSink;
using test::wr32;

constexpr uint64_t TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c,
                   IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18,
                   CLEAR_INTERRUPT = 0x1c;
constexpr unsigned kIrq = 11;

uint64_t host_ns() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

struct RtcTest : ::testing::Test {
    RecordingSink plic;
    GoldfishRtc rtc{IrqLine{&plic, kIrq}};

    // As Linux's rtc-goldfish reads it: low (latching high), then high.
    uint64_t read_time() {
        const uint64_t lo = rd32(rtc, TIME_LOW);
        return lo | uint64_t(rd32(rtc, TIME_HIGH)) << 32;
    }
    void set_alarm(uint64_t ns) {
        ASSERT_TRUE(wr32(rtc, ALARM_HIGH, static_cast<uint32_t>(ns >> 32)));
        ASSERT_TRUE(wr32(rtc, ALARM_LOW, static_cast<uint32_t>(ns)));
    }
    bool wait_for_irq(std::chrono::milliseconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!plic.level(kIrq) && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return plic.level(kIrq);
    }
};

TEST_F(RtcTest, TimeIsTheHostsRealtimeInNanoseconds) {
    const uint64_t before = host_ns();
    const uint64_t t = read_time();
    const uint64_t after = host_ns();
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
    EXPECT_GT(t, 1'600'000'000ull * 1'000'000'000ull);  // after 2020
}

TEST_F(RtcTest, TimeHighIsLatchedByTheLowRead) {
    // Put the clock just below a 2^32 ns boundary, latch, let it cross, read high.
    ASSERT_TRUE(wr32(rtc, TIME_HIGH, 5));
    ASSERT_TRUE(wr32(rtc, TIME_LOW, 0xffffffff - 20'000'000));  // 20 ms before the carry
    const uint32_t lo = rd32(rtc, TIME_LOW);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    const uint32_t hi = rd32(rtc, TIME_HIGH);
    EXPECT_EQ(hi, 5u);  // what it was at the low read, not what it is now
    EXPECT_GE(lo, 0xffffffffu - 20'000'000u);
    EXPECT_EQ(read_time() >> 32, 6u);  // the clock kept running across the carry
    EXPECT_EQ(rd32(rtc, TIME_HIGH), 6u);
}

TEST_F(RtcTest, SettingTheTimeKeepsItRunning) {
    const uint64_t want = 1'000'000'000'000'000'000ull;
    ASSERT_TRUE(wr32(rtc, TIME_HIGH, static_cast<uint32_t>(want >> 32)));
    ASSERT_TRUE(wr32(rtc, TIME_LOW, static_cast<uint32_t>(want)));
    const uint64_t t0 = read_time();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const uint64_t t1 = read_time();
    EXPECT_GE(t0, want);
    EXPECT_LT(t0 - want, 1'000'000'000u);
    EXPECT_GE(t1 - t0, 5'000'000u);
    rtc.reset();  // the time survives a machine reset
    EXPECT_GE(read_time(), t1);
}

TEST_F(RtcTest, AlarmFiresAndRaisesTheIrqWhenEnabled) {
    ASSERT_TRUE(wr32(rtc, IRQ_ENABLED, 1));
    EXPECT_EQ(rd32(rtc, IRQ_ENABLED), 1u);
    set_alarm(read_time() + 20'000'000);  // 20 ms
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 1u);
    EXPECT_FALSE(plic.level(kIrq));
    EXPECT_TRUE(wait_for_irq(std::chrono::seconds(5)));
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 0u);
    ASSERT_TRUE(wr32(rtc, CLEAR_INTERRUPT, 1));
    EXPECT_FALSE(plic.level(kIrq));
}

TEST_F(RtcTest, AnAlarmInThePastFiresAtOnce) {
    ASSERT_TRUE(wr32(rtc, IRQ_ENABLED, 1));
    set_alarm(read_time() - 1'000'000'000);
    EXPECT_TRUE(plic.level(kIrq));
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 0u);
}

TEST_F(RtcTest, AlarmWithTheIrqDisabledOnlyRaisesItOnceEnabled) {
    const uint64_t when = read_time() + 1'000'000;
    set_alarm(when);
    EXPECT_EQ(rd32(rtc, ALARM_LOW), static_cast<uint32_t>(when));
    EXPECT_EQ(rd32(rtc, ALARM_HIGH), static_cast<uint32_t>(when >> 32));
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (rd32(rtc, ALARM_STATUS) && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 0u);
    EXPECT_FALSE(plic.level(kIrq));
    ASSERT_TRUE(wr32(rtc, IRQ_ENABLED, 1));
    EXPECT_TRUE(plic.level(kIrq));
}

TEST_F(RtcTest, ClearAlarmDisarmsIt) {
    ASSERT_TRUE(wr32(rtc, IRQ_ENABLED, 1));
    set_alarm(read_time() + 30'000'000);
    ASSERT_TRUE(wr32(rtc, CLEAR_ALARM, 1));
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    EXPECT_FALSE(plic.level(kIrq));
}

TEST_F(RtcTest, ResetDisarmsAndLowersTheIrq) {
    ASSERT_TRUE(wr32(rtc, IRQ_ENABLED, 1));
    set_alarm(0);
    EXPECT_TRUE(plic.level(kIrq));
    rtc.reset();
    EXPECT_FALSE(plic.level(kIrq));
    EXPECT_EQ(rd32(rtc, IRQ_ENABLED), 0u);
    EXPECT_EQ(rd32(rtc, ALARM_STATUS), 0u);
}

TEST_F(RtcTest, RefusesAnythingButAlignedWordsOfItsRegisters) {
    uint64_t v;
    EXPECT_FALSE(rtc.read(TIME_LOW, 8, v));
    EXPECT_FALSE(rtc.read(TIME_LOW, 1, v));
    EXPECT_FALSE(rtc.read(TIME_LOW + 2, 4, v));
    EXPECT_FALSE(rtc.read(0x20, 4, v));
    EXPECT_FALSE(rtc.write(0xffc, 4, 0));
}

TEST_F(RtcTest, HostileAccessesNeverCrash) {
    test::hammer(rtc, GoldfishRtc::kSize);
    // Whatever alarm the noise left armed, the destructor still stops the thread.
    set_alarm(read_time() + 3'600'000'000'000ull);
}

}  // namespace
}  // namespace xvm::dev
