#include "dev/syscon.h"

#include <gtest/gtest.h>

#include <vector>

#include "dev_test_util.h"

namespace xvm::dev {
namespace {

struct SysconTest : ::testing::Test {
    struct Call {
        Syscon::Action action;
        int code;
    };
    std::vector<Call> calls;
    Syscon syscon{[this](Syscon::Action a, int code) { calls.push_back({a, code}); }};
};

TEST_F(SysconTest, PassPowersOff) {
    ASSERT_TRUE(test::wr32(syscon, 0, 0x5555));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].action, Syscon::Action::kPoweroff);
    EXPECT_EQ(calls[0].code, 0);
}

TEST_F(SysconTest, FailCarriesItsExitCode) {
    ASSERT_TRUE(test::wr32(syscon, 0, 0x3333 | (42u << 16)));
    ASSERT_TRUE(test::wr32(syscon, 0, 0x3333 | (0xffffu << 16)));
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].action, Syscon::Action::kFail);
    EXPECT_EQ(calls[0].code, 42);
    EXPECT_EQ(calls[1].code, 0xffff);
}

TEST_F(SysconTest, ResetReboots) {
    ASSERT_TRUE(test::wr32(syscon, 0, 0x7777));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].action, Syscon::Action::kReboot);
}

TEST_F(SysconTest, HalfwordWritesWorkToo) {
    ASSERT_TRUE(syscon.write(0, 2, 0x5555));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].action, Syscon::Action::kPoweroff);
}

TEST_F(SysconTest, OtherValuesDoNothing) {
    for (uint32_t v : {0u, 1u, 0x1234u, 0x5554u, 0x55550000u, 0xffffffffu})
        EXPECT_TRUE(test::wr32(syscon, 0, v));
    EXPECT_TRUE(calls.empty());
    EXPECT_EQ(test::rd32(syscon, 0), 0u);
}

TEST_F(SysconTest, RefusesBytesDoublewordsAndOtherOffsets) {
    uint64_t v;
    EXPECT_FALSE(syscon.write(0, 1, 0x55));
    EXPECT_FALSE(syscon.write(0, 8, 0x5555));
    EXPECT_FALSE(syscon.write(4, 4, 0x5555));
    EXPECT_FALSE(syscon.read(8, 4, v));
    EXPECT_TRUE(calls.empty());
}

TEST_F(SysconTest, WithoutACallbackWritesAreHarmless) {
    Syscon bare{nullptr};
    EXPECT_TRUE(test::wr32(bare, 0, 0x5555));
}

TEST_F(SysconTest, HostileAccessesNeverCrash) {
    test::hammer(syscon, Syscon::kSize);
    for (const auto& c : calls) EXPECT_GE(c.code, 0);
}

}  // namespace
}  // namespace xvm::dev
