// virtio-rng: device-writable buffers come back full of host randomness.
#include <gtest/gtest.h>

#include <string>

#include "dev/virtio_rng.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

class Rng : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(d_.negotiate(kAllFeatures));
        d_.setup_queue(0, 16);
        d_.driver_ok();
    }
    std::string bytes(uint64_t pa, size_t n) {
        return std::string(reinterpret_cast<const char*>(d_.host(pa)), n);
    }
    VirtioRng rng_;
    Machine m_{rng_};
    Driver d_{m_};
};

TEST_F(Rng, FillsWritableBuffers) {
    EXPECT_EQ(d_.rd(kDeviceId), 4u);
    const uint64_t a = d_.alloc(256), b = d_.alloc(256);
    d_.add(0, {{a, 256, true}});
    d_.add(0, {{b, 256, true}});
    d_.kick(0);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(0, u));
    EXPECT_EQ(u.len, 256u);
    ASSERT_TRUE(d_.pop_used(0, u));
    EXPECT_EQ(u.len, 256u);
    EXPECT_NE(bytes(a, 256), std::string(256, '\0'));
    EXPECT_NE(bytes(a, 256), bytes(b, 256));
    EXPECT_TRUE(m_.irq.level());
    EXPECT_EQ(rng_.bytes_provided(), 512u);
}

TEST_F(Rng, FillsEverySegmentAndLeavesReadableOnesAlone) {
    const uint64_t r = d_.alloc(64), w1 = d_.alloc(3), w2 = d_.alloc(1000);
    std::memset(d_.host(r), 0x77, 64);
    d_.add(0, {{r, 64, false}, {w1, 3, true}, {w2, 1000, true}});
    d_.kick(0);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(0, u));
    EXPECT_EQ(u.len, 1003u);
    EXPECT_EQ(bytes(r, 64), std::string(64, '\x77'));
    EXPECT_NE(bytes(w2, 1000), std::string(1000, '\0'));
}

TEST_F(Rng, ThroughAnIndirectTable) {
    const uint64_t a = d_.alloc(128);
    d_.add(0, {{a, 64, true}, {a + 64, 64, true}}, true);
    d_.kick(0);
    Driver::Used u;
    ASSERT_TRUE(d_.pop_used(0, u));
    EXPECT_EQ(u.len, 128u);
    EXPECT_NE(bytes(a + 64, 64), std::string(64, '\0'));
}

}  // namespace
}  // namespace xvm::dev::virtio_test
