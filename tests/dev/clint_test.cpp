#include "dev/clint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "dev_test_util.h"

namespace xvm::dev {
namespace {

using test::RecordingSink;

constexpr uint64_t MSIP = 0x0000, MTIMECMP = 0x4000, MTIME = 0xbff8;
constexpr unsigned kMsip = 3, kMtip = 7;

struct ClintTest : ::testing::Test {
    Clint clint{2};
    RecordingSink hart[2];
    void SetUp() override {
        clint.connect(0, &hart[0]);
        clint.connect(1, &hart[1]);
    }
    uint64_t mtime() { return test::rd(clint, MTIME, 8); }
};

TEST_F(ClintTest, MtimeStartsNearZeroAndRunsAtTenMegahertz) {
    EXPECT_LT(mtime(), 10 * Clint::kTimebaseHz);  // well under ten seconds since construction
    const auto host0 = std::chrono::steady_clock::now();
    const uint64_t t0 = mtime();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const uint64_t t1 = mtime();
    const auto host1 = std::chrono::steady_clock::now();
    const uint64_t host_ticks =
        std::chrono::duration_cast<std::chrono::nanoseconds>(host1 - host0).count() / 100;
    // At least the sleep (50 ms = 500,000 ticks), at most the host time that passed.
    EXPECT_GE(t1 - t0, 500'000u);
    EXPECT_LE(t1 - t0, host_ticks + 1);
    EXPECT_NEAR(static_cast<double>(clint.time()), static_cast<double>(mtime()), 1e6);
}

TEST_F(ClintTest, MtimeNeverGoesBackwards) {
    uint64_t last = 0;
    for (int i = 0; i < 100000; ++i) {
        const uint64_t t = clint.time();
        ASSERT_GE(t, last);
        last = t;
    }
}

TEST_F(ClintTest, MtimeHalvesAgreeWithTheWhole) {
    const uint64_t lo = test::rd(clint, MTIME, 4);
    const uint64_t hi = test::rd(clint, MTIME + 4, 4);
    const uint64_t whole = mtime();
    EXPECT_LE(lo | hi << 32, whole);
    EXPECT_LE(hi, 0xffffffffu);
    ASSERT_TRUE(clint.write(MTIME, 8, 0x1'0000'0000ull));
    EXPECT_EQ(test::rd(clint, MTIME + 4, 4), 1u);
    EXPECT_GE(mtime(), 0x1'0000'0000ull);
    EXPECT_LT(mtime(), 0x1'0000'0000ull + 10 * Clint::kTimebaseHz);
    ASSERT_TRUE(clint.write(MTIME + 4, 4, 0));  // high half only
    EXPECT_LT(mtime(), 10 * Clint::kTimebaseHz);
}

TEST_F(ClintTest, MtimecmpInThePastRaisesMtipAndTheFarFutureClearsIt) {
    EXPECT_FALSE(hart[0].level(kMtip));
    EXPECT_EQ(clint.ns_until_timer(0), UINT64_MAX);
    ASSERT_TRUE(clint.write(MTIMECMP, 8, 0));
    EXPECT_TRUE(hart[0].level(kMtip));
    EXPECT_FALSE(hart[1].level(kMtip));
    EXPECT_EQ(clint.ns_until_timer(0), 0u);
    ASSERT_TRUE(clint.write(MTIMECMP, 8, ~0ull));
    EXPECT_FALSE(hart[0].level(kMtip));
    EXPECT_EQ(test::rd(clint, MTIMECMP, 8), ~0ull);

    // Halves, as RV32 software writes them (high first to avoid a spurious match).
    ASSERT_TRUE(clint.write(MTIMECMP + 8 + 4, 4, 0));
    ASSERT_TRUE(clint.write(MTIMECMP + 8, 4, 5));
    EXPECT_EQ(test::rd(clint, MTIMECMP + 8, 8), 5u);
    EXPECT_TRUE(hart[1].level(kMtip));
}

TEST_F(ClintTest, UpdateNoticesThatTimePassedTheCompare) {
    const uint64_t soon = clint.time() + 2000;  // 200 µs
    ASSERT_TRUE(clint.write(MTIMECMP, 8, soon));
    EXPECT_LE(clint.ns_until_timer(0), 200'000u);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_FALSE(hart[0].level(kMtip));  // nobody looked yet
    clint.update(0);
    EXPECT_TRUE(hart[0].level(kMtip));
    EXPECT_EQ(clint.ns_until_timer(0), 0u);
    const int calls = hart[0].calls();
    clint.update(0);  // unchanged: no sink call
    EXPECT_EQ(hart[0].calls(), calls);
}

TEST_F(ClintTest, NsUntilTimerCountsDownToTheCompare) {
    ASSERT_TRUE(clint.write(MTIMECMP, 8, clint.time() + Clint::kTimebaseHz));  // one second
    const uint64_t ns = clint.ns_until_timer(0);
    EXPECT_GT(ns, 500'000'000u);
    EXPECT_LE(ns, 1'000'000'000u);
}

TEST_F(ClintTest, MsipRaisesTheSoftwareInterruptOfItsHartOnly) {
    ASSERT_TRUE(clint.write(MSIP + 4, 4, 0xffffffff));
    EXPECT_TRUE(hart[1].level(kMsip));
    EXPECT_FALSE(hart[0].level(kMsip));
    EXPECT_EQ(test::rd(clint, MSIP + 4, 4), 1u);  // bit 0 only
    EXPECT_EQ(test::rd(clint, MSIP, 4), 0u);
    ASSERT_TRUE(clint.write(MSIP + 4, 4, 0));
    EXPECT_FALSE(hart[1].level(kMsip));
}

TEST_F(ClintTest, RefusesWrongSizesAndHartsThatDoNotExist) {
    uint64_t v;
    EXPECT_FALSE(clint.read(MSIP, 8, v));
    EXPECT_FALSE(clint.read(MSIP, 1, v));
    EXPECT_FALSE(clint.read(MSIP + 8, 4, v));  // hart 2
    EXPECT_FALSE(clint.read(MTIMECMP + 16, 8, v));
    EXPECT_FALSE(clint.read(MTIMECMP + 4, 8, v));  // misaligned
    EXPECT_FALSE(clint.read(MTIME, 2, v));
    EXPECT_FALSE(clint.read(0x8000, 4, v));
    EXPECT_FALSE(clint.write(MTIMECMP + 16, 8, 0));
    EXPECT_EQ(clint.ns_until_timer(7), UINT64_MAX);
    clint.update(7);  // ignored
}

TEST_F(ClintTest, ResetClearsEverythingAndRestartsTime) {
    ASSERT_TRUE(clint.write(MSIP, 4, 1));
    ASSERT_TRUE(clint.write(MTIMECMP, 8, 0));
    ASSERT_TRUE(clint.write(MTIME, 8, 1ull << 40));
    clint.reset();
    EXPECT_FALSE(hart[0].level(kMsip));
    EXPECT_FALSE(hart[0].level(kMtip));
    EXPECT_EQ(test::rd(clint, MTIMECMP, 8), ~0ull);
    EXPECT_LT(mtime(), 10 * Clint::kTimebaseHz);
}

TEST_F(ClintTest, HostileAccessesNeverCrash) {
    test::hammer(clint, Clint::kSize);
    Clint big(Clint::kMaxHarts);  // msip and mtimecmp fill their blocks
    test::hammer(big, Clint::kSize, 1, {}, 2);
}

}  // namespace
}  // namespace xvm::dev
