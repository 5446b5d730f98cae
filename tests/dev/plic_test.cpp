#include "dev/plic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "dev_test_util.h"

namespace xvm::dev {
namespace {

using test::rd32;
using test::RecordingSink;
using test::wr32;

constexpr unsigned kMeip = 11, kSeip = 9;
constexpr uint64_t priority(unsigned src) {
    return 4ull * src;
}
constexpr uint64_t pending(unsigned word) {
    return 0x1000 + 4ull * word;
}
constexpr uint64_t enable(unsigned ctx, unsigned word) {
    return 0x2000 + 0x80ull * ctx + 4 * word;
}
constexpr uint64_t threshold(unsigned ctx) {
    return 0x200000 + 0x1000ull * ctx;
}
constexpr uint64_t claim(unsigned ctx) {
    return threshold(ctx) + 4;
}

struct PlicTest : ::testing::Test {
    Plic plic{2};  // contexts 0 (hart 0 M), 1 (hart 0 S), 2 (hart 1 M), 3 (hart 1 S)
    RecordingSink hart[2];
    void SetUp() override {
        plic.connect(0, &hart[0]);
        plic.connect(1, &hart[1]);
    }
    void enable_source(unsigned ctx, unsigned src) {
        const uint64_t reg = enable(ctx, src / 32);
        ASSERT_TRUE(wr32(plic, reg, rd32(plic, reg) | 1u << (src % 32)));
    }
};

TEST_F(PlicTest, ClaimAndCompleteALevelSource) {
    ASSERT_TRUE(wr32(plic, priority(10), 1));
    enable_source(1, 10);
    plic.set_level(10, true);
    EXPECT_TRUE(hart[0].level(kSeip));
    EXPECT_FALSE(hart[0].level(kMeip));  // context 0 does not enable it
    EXPECT_EQ(rd32(plic, pending(0)), 1u << 10);

    EXPECT_EQ(rd32(plic, claim(1)), 10u);
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_EQ(rd32(plic, pending(0)), 0u);
    EXPECT_EQ(rd32(plic, claim(1)), 0u);  // nothing else

    plic.set_level(10, false);  // the driver serviced the device
    ASSERT_TRUE(wr32(plic, claim(1), 10));
    EXPECT_EQ(rd32(plic, pending(0)), 0u);
    EXPECT_FALSE(hart[0].level(kSeip));
}

TEST_F(PlicTest, ASourceStillHighAtCompletionIsPendingAgain) {
    ASSERT_TRUE(wr32(plic, priority(5), 3));
    enable_source(0, 5);
    plic.set_level(5, true);
    EXPECT_EQ(rd32(plic, claim(0)), 5u);
    EXPECT_FALSE(hart[0].level(kMeip));
    plic.set_level(5, true);  // re-asserted while claimed: the gateway holds it
    EXPECT_FALSE(hart[0].level(kMeip));
    ASSERT_TRUE(wr32(plic, claim(0), 5));
    EXPECT_TRUE(hart[0].level(kMeip));
    EXPECT_EQ(rd32(plic, claim(0)), 5u);
}

TEST_F(PlicTest, ASourceThatDropsBeforeItsClaimIsNoLongerPending) {
    ASSERT_TRUE(wr32(plic, priority(4), 1));
    enable_source(1, 4);
    plic.set_level(4, true);
    EXPECT_TRUE(hart[0].level(kSeip));
    plic.set_level(4, false);
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_EQ(rd32(plic, claim(1)), 0u);
}

TEST_F(PlicTest, ClaimsGoByPriorityThenLowestId) {
    const unsigned srcs[] = {3, 7, 5, 40, 95};
    const uint32_t prios[] = {2, 5, 5, 1, 6};
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(wr32(plic, priority(srcs[i]), prios[i]));
        enable_source(1, srcs[i]);
        plic.set_level(srcs[i], true);
    }
    EXPECT_EQ(rd32(plic, pending(1)), 1u << 8);   // source 40
    EXPECT_EQ(rd32(plic, pending(2)), 1u << 31);  // source 95
    for (unsigned want : {95u, 5u, 7u, 3u, 40u}) EXPECT_EQ(rd32(plic, claim(1)), want);
    EXPECT_EQ(rd32(plic, claim(1)), 0u);
    EXPECT_FALSE(hart[0].level(kSeip));
}

TEST_F(PlicTest, ThresholdMasksPrioritiesAtOrBelowIt) {
    ASSERT_TRUE(wr32(plic, priority(9), 3));
    enable_source(1, 9);
    ASSERT_TRUE(wr32(plic, threshold(1), 3));
    EXPECT_EQ(rd32(plic, threshold(1)), 3u);
    plic.set_level(9, true);
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_EQ(rd32(plic, claim(1)), 0u);
    ASSERT_TRUE(wr32(plic, threshold(1), 2));
    EXPECT_TRUE(hart[0].level(kSeip));
    ASSERT_TRUE(wr32(plic, priority(9), 0));  // priority 0: never
    EXPECT_FALSE(hart[0].level(kSeip));
    ASSERT_TRUE(wr32(plic, threshold(1), 0));
    EXPECT_FALSE(hart[0].level(kSeip));
}

TEST_F(PlicTest, ContextsOfTwoHartsShareASourceUntilOneClaimsIt) {
    ASSERT_TRUE(wr32(plic, priority(1), 1));
    enable_source(0, 1);  // hart 0 M
    enable_source(3, 1);  // hart 1 S
    plic.set_level(1, true);
    EXPECT_TRUE(hart[0].level(kMeip));
    EXPECT_TRUE(hart[1].level(kSeip));
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_FALSE(hart[1].level(kMeip));
    EXPECT_EQ(rd32(plic, claim(3)), 1u);
    EXPECT_FALSE(hart[0].level(kMeip));  // claimed by the other: gone for both
    EXPECT_FALSE(hart[1].level(kSeip));
    EXPECT_EQ(rd32(plic, claim(0)), 0u);
    // Completion from a context that does not enable the source is ignored.
    ASSERT_TRUE(wr32(plic, claim(1), 1));
    EXPECT_EQ(rd32(plic, claim(3)), 0u);
    EXPECT_FALSE(hart[1].level(kSeip));
    ASSERT_TRUE(wr32(plic, claim(3), 1));
    EXPECT_TRUE(hart[1].level(kSeip));  // still high: pending again
    EXPECT_TRUE(hart[0].level(kMeip));
}

TEST_F(PlicTest, DisablingASourceDropsTheContextLine) {
    ASSERT_TRUE(wr32(plic, priority(33), 2));
    enable_source(1, 33);
    EXPECT_EQ(rd32(plic, enable(1, 1)), 1u << 1);
    plic.set_level(33, true);
    EXPECT_TRUE(hart[0].level(kSeip));
    ASSERT_TRUE(wr32(plic, enable(1, 1), 0));
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_EQ(rd32(plic, pending(1)), 1u << 1);  // still pending, just not enabled
}

TEST_F(PlicTest, WarlFieldsAndHardwiredZeros) {
    ASSERT_TRUE(wr32(plic, priority(2), 0xffffffff));
    EXPECT_EQ(rd32(plic, priority(2)), 7u);
    ASSERT_TRUE(wr32(plic, priority(0), 5));
    EXPECT_EQ(rd32(plic, priority(0)), 0u);  // source 0 does not exist
    ASSERT_TRUE(wr32(plic, priority(500), 5));
    EXPECT_EQ(rd32(plic, priority(500)), 0u);  // nor do sources past 95
    ASSERT_TRUE(wr32(plic, enable(0, 0), 0xffffffff));
    EXPECT_EQ(rd32(plic, enable(0, 0)), 0xfffffffeu);
    ASSERT_TRUE(wr32(plic, enable(0, 31), 0xffffffff));
    EXPECT_EQ(rd32(plic, enable(0, 31)), 0u);
    ASSERT_TRUE(wr32(plic, threshold(0), 0xff));
    EXPECT_EQ(rd32(plic, threshold(0)), 7u);
    ASSERT_TRUE(wr32(plic, pending(0), 0xffffffff));  // read-only
    EXPECT_EQ(rd32(plic, pending(0)), 0u);
    plic.set_level(0, true);    // ignored
    plic.set_level(96, true);   // ignored
    plic.set_level(~0u, true);  // ignored
    EXPECT_EQ(rd32(plic, pending(3)), 0u);
}

TEST_F(PlicTest, RefusesOddSizesHolesAndMissingContexts) {
    uint64_t v;
    EXPECT_FALSE(plic.read(priority(1), 8, v));
    EXPECT_FALSE(plic.read(priority(1), 1, v));
    EXPECT_FALSE(plic.read(priority(1) + 2, 4, v));
    EXPECT_FALSE(plic.read(0x1080, 4, v));        // between pending and enables
    EXPECT_FALSE(plic.read(enable(4, 0), 4, v));  // context 4 does not exist
    EXPECT_FALSE(plic.read(threshold(4), 4, v));
    EXPECT_FALSE(plic.read(threshold(0) + 8, 4, v));  // reserved in a context block
    EXPECT_FALSE(plic.write(claim(7), 4, 1));
    EXPECT_FALSE(plic.read(Plic::kSize, 4, v));
}

TEST_F(PlicTest, ResetClearsRegistersButKeepsDeviceLines) {
    ASSERT_TRUE(wr32(plic, priority(6), 1));
    enable_source(1, 6);
    plic.set_level(6, true);
    EXPECT_EQ(rd32(plic, claim(1)), 6u);
    plic.reset();
    EXPECT_EQ(rd32(plic, priority(6)), 0u);
    EXPECT_EQ(rd32(plic, enable(1, 0)), 0u);
    EXPECT_FALSE(hart[0].level(kSeip));
    EXPECT_EQ(rd32(plic, pending(0)), 1u << 6);  // the line is still high: a fresh request
}

TEST_F(PlicTest, ManyDevicesAndHartsAtOnce) {
    Plic p(4);
    RecordingSink sinks[4];
    for (unsigned h = 0; h < 4; ++h) p.connect(h, &sinks[h]);
    for (unsigned s = 1; s < 32; ++s) ASSERT_TRUE(wr32(p, priority(s), 1 + s % 7));
    for (unsigned ctx = 1; ctx < 8; ctx += 2) ASSERT_TRUE(wr32(p, enable(ctx, 0), 0xfffffffe));
    std::atomic<bool> done{false};
    std::atomic<int> claims{0};
    std::vector<std::thread> devices;
    for (unsigned t = 0; t < 3; ++t)
        devices.emplace_back([&, t] {
            for (int i = 0; i < 20000; ++i) p.set_level(1 + (t * 10 + i) % 31, i % 3 != 0);
        });
    std::vector<std::thread> harts;
    for (unsigned h = 0; h < 4; ++h)
        harts.emplace_back([&, h] {
            while (!done.load()) {
                const uint32_t id = rd32(p, claim(2 * h + 1));
                if (id == 0) continue;
                ASSERT_LT(id, 32u);
                ++claims;
                ASSERT_TRUE(wr32(p, claim(2 * h + 1), id));
            }
        });
    for (auto& t : devices) t.join();
    // On a busy machine the devices may finish before any hart ran: leave one
    // source raised so the harts certainly claim something before stopping.
    p.set_level(5, true);
    while (claims.load() == 0) std::this_thread::yield();
    done = true;
    for (auto& t : harts) t.join();
    EXPECT_GT(claims.load(), 0);
}

TEST_F(PlicTest, HostileAccessesNeverCrash) {
    // Every aligned word of the whole 6 MiB; every offset and size where the
    // registers are.
    test::hammer(plic, Plic::kSize, 4,
                 {{0, 0x400},
                  {0x1000, 0x1100},
                  {0x2000, 0x2300},
                  {0x200000, 0x200010},
                  {0x203000, 0x203010},
                  {0x5ffff0, 0x600000}});
    plic.set_level(3, true);
    EXPECT_EQ(rd32(plic, claim(1)), 0u);  // after reset nothing is enabled
}

}  // namespace
}  // namespace xvm::dev
