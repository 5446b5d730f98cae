// Hostile virtqueues: whatever a driver writes into the rings, the host keeps
// running, the device goes to DEVICE_NEEDS_RESET where the driver broke a rule,
// nothing outside RAM is touched, and the disk image stays as it was.
#include <gtest/gtest.h>

#include "dev/virtio_rng.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

constexpr uint64_t kImageBytes = 256 * 1024;

// A blk rig on a fresh image whose hash is checked when the test ends.
class HostileQueue : public ::testing::Test {
  protected:
    void SetUp() override {
        img_ = std::make_unique<TempImage>(kImageBytes);
        hash_ = img_->hash();
        rig_ = std::make_unique<BlkRig>(img_->path(), false, kAllFeatures, VirtioBlkOptions{}, 8);
        rig_->header(kBlkOut, 0);  // a write: if anything slipped through, the hash shows it
        std::memset(d().host(rig_->data), 0x5a, 4096);
    }
    void TearDown() override {
        rig_.reset();  // destruction flushes
        EXPECT_EQ(img_->hash(), hash_) << "the disk image changed";
    }
    Driver& d() { return *rig_->d; }
    Machine& m() { return *rig_->m; }

    // Publishes `head` (already written by the test), kicks, and expects the
    // device to have entered NEEDS_RESET with a config-change interrupt and
    // returned nothing.
    void expect_needs_reset(uint16_t head, const char* what) {
        d().publish(0, head);
        d().kick(0);
        EXPECT_TRUE(d().needs_reset()) << what;
        EXPECT_TRUE(d().rd(kInterruptStatus) & virtio::kInterruptConfigChange) << what;
        EXPECT_TRUE(m().irq.level()) << what;
        Driver::Used u;
        EXPECT_FALSE(d().pop_used(0, u)) << what;
        EXPECT_NE(m().mmio->last_error(), "") << what;
        // Stuck until reset: further notifies are ignored.
        d().kick(0);
        EXPECT_FALSE(d().pop_used(0, u));
    }
    uint64_t hdr() { return rig_->hdr; }
    uint64_t data() { return rig_->data; }
    uint64_t status() { return rig_->status; }

    std::unique_ptr<TempImage> img_;
    uint64_t hash_ = 0;
    std::unique_ptr<BlkRig> rig_;
};

TEST_F(HostileQueue, DescriptorLoop) {
    d().write_desc(0, 0, hdr(), 16, kDescNext, 1);
    d().write_desc(0, 1, data(), 512, kDescNext, 2);
    d().write_desc(0, 2, status(), 1, kDescWrite | kDescNext, 1);
    expect_needs_reset(0, "loop 1 -> 2 -> 1");
}

TEST_F(HostileQueue, DescriptorPointingAtItself) {
    d().write_desc(0, 3, hdr(), 16, kDescNext, 3);
    expect_needs_reset(3, "self loop");
}

TEST_F(HostileQueue, ChainOfExactlyTheQueueSizeIsFineOneMoreIsNot) {
    // 8 descriptors: header, 6 data sectors (readable), status.
    d().write_desc(0, 0, hdr(), 16, kDescNext, 1);
    for (uint16_t i = 1; i < 7; ++i) d().write_desc(0, i, data(), 512, kDescNext, i + 1);
    d().write_desc(0, 7, status(), 1, kDescWrite, 0);
    d().store<uint32_t>(hdr(), kBlkIn);  // a read, so the image stays untouched...
    d().publish(0, 0);
    d().kick(0);
    Driver::Used u;
    ASSERT_TRUE(d().pop_used(0, u));  // ...and it is refused for its readable data
    EXPECT_EQ(d().load<uint8_t>(status()), kBlkIoErr);
    EXPECT_FALSE(d().needs_reset());
    // Chaining the last back to the first makes it endless.
    d().write_desc(0, 7, status(), 1, kDescWrite | kDescNext, 0);
    expect_needs_reset(0, "chain longer than the queue");
}

TEST_F(HostileQueue, NextIndexPastTheTable) {
    d().write_desc(0, 0, hdr(), 16, kDescNext, 8);
    expect_needs_reset(0, "next = queue size");
}

TEST_F(HostileQueue, HeadIndexPastTheTable) {
    expect_needs_reset(0xffff, "head 0xffff");
}

TEST_F(HostileQueue, AvailIndexJumpingPastTheQueueSize) {
    d().make_chain(0, {{hdr(), 16, false}, {data(), 512, false}, {status(), 1, true}});
    d().set_avail_idx(0, 9);  // 9 new entries in a ring of 8
    d().kick(0);
    EXPECT_TRUE(d().needs_reset());
    Driver::Used u;
    EXPECT_FALSE(d().pop_used(0, u));
}

TEST_F(HostileQueue, AvailIndexGoingBackwards) {
    d().set_avail_idx(0, 0xfff0);  // i.e. 0xfff0 entries "added"
    d().kick(0);
    EXPECT_TRUE(d().needs_reset());
}

TEST_F(HostileQueue, BuffersOutsideRam) {
    const uint64_t end = kRamBase + kRamSize;
    const struct {
        uint64_t addr;
        uint32_t len;
        const char* what;
    } cases[] = {
        {0, 512, "address 0"},
        {0x1000'1000, 4, "the device's own registers"},
        {kRamBase - 512, 512, "just below RAM"},
        {end, 512, "just past RAM"},
        {end - 256, 512, "straddling the end of RAM"},
        {~0ull - 255, 512, "wrapping around 2^64"},
        {kRamBase, 0xffffffff, "4 GiB from the start of RAM"},
    };
    for (const auto& c : cases) {
        ASSERT_TRUE(d().negotiate(kAllFeatures));
        d().setup_queue(0, 8);
        d().driver_ok();
        d().write_desc(0, 0, hdr(), 16, kDescNext, 1);
        d().write_desc(0, 1, c.addr, c.len, kDescNext, 2);
        d().write_desc(0, 2, status(), 1, kDescWrite, 0);
        expect_needs_reset(0, c.what);
    }
}

TEST_F(HostileQueue, ReadableAfterWritable) {
    d().write_desc(0, 0, hdr(), 16, kDescNext, 1);
    d().write_desc(0, 1, status(), 1, kDescWrite | kDescNext, 2);
    d().write_desc(0, 2, data(), 512, kDescNext, 3);
    d().write_desc(0, 3, status(), 1, kDescWrite, 0);
    expect_needs_reset(0, "readable after writable");
}

TEST_F(HostileQueue, ZeroLengthDescriptorsAreSkipped) {
    // Zero-length buffers carry nothing; even an address outside RAM is harmless.
    d().store<uint32_t>(hdr(), kBlkIn);
    d().write_desc(0, 0, hdr(), 16, kDescNext, 1);
    d().write_desc(0, 1, ~0ull, 0, kDescNext, 2);
    d().write_desc(0, 2, data(), 512, kDescWrite | kDescNext, 3);
    d().write_desc(0, 3, 0, 0, kDescWrite | kDescNext, 4);
    d().write_desc(0, 4, status(), 1, kDescWrite, 0);
    d().publish(0, 0);
    d().kick(0);
    Driver::Used u;
    ASSERT_TRUE(d().pop_used(0, u));
    EXPECT_EQ(d().load<uint8_t>(status()), kBlkOk);
    EXPECT_EQ(u.len, 513u);
    EXPECT_EQ(rig_->data_bytes(512), image_bytes(0, 512));
    // But a zero-length readable one after a writable one still breaks the order.
    d().write_desc(0, 5, hdr(), 16, kDescNext, 6);
    d().write_desc(0, 6, status(), 1, kDescWrite | kDescNext, 7);
    d().write_desc(0, 7, data(), 0, 0, 0);
    expect_needs_reset(5, "zero-length readable after writable");
}

TEST_F(HostileQueue, IndirectTablesAreCheckedJustAsStrictly) {
    const uint64_t table = d().alloc(16 * 16, 16);
    auto reset_queue = [&] {
        ASSERT_TRUE(d().negotiate(kAllFeatures));
        d().setup_queue(0, 8);
        d().driver_ok();
    };
    auto indirect = [&](uint64_t addr, uint32_t len, uint16_t flags, const char* what) {
        reset_queue();
        d().write_desc(0, 0, addr, len, kDescIndirect | flags, 1);
        d().write_desc(0, 1, status(), 1, kDescWrite, 0);
        expect_needs_reset(0, what);
    };
    d().write_desc_at(table, hdr(), 16, kDescNext, 1);
    d().write_desc_at(table + 16, status(), 1, kDescWrite, 0);
    indirect(table, 0, 0, "empty table");
    indirect(table, 24, 0, "not a whole number of descriptors");
    indirect(table, 16 * 300, 0, "more descriptors than the queue may hold");
    indirect(kRamBase + kRamSize - 16, 32, 0, "table past the end of RAM");
    indirect(~0ull - 15, 32, 0, "table wrapping around 2^64");
    indirect(table, 32, kDescNext, "INDIRECT together with NEXT");

    // Loops and bad indices inside the table.
    d().write_desc_at(table + 16, status(), 1, kDescWrite | kDescNext, 0);
    indirect(table, 32, 0, "loop inside the table");
    d().write_desc_at(table + 16, status(), 1, kDescWrite | kDescNext, 2);
    indirect(table, 32, 0, "next past the table");
    // An indirect descriptor inside the table.
    d().write_desc_at(table + 16, table, 32, kDescIndirect, 0);
    indirect(table, 32, 0, "nested indirect table");

    // Without the feature negotiated the flag is an error by itself.
    ASSERT_TRUE(d().negotiate(kAllFeatures & ~virtio::kFeatureIndirectDesc));
    d().setup_queue(0, 8);
    d().driver_ok();
    d().write_desc_at(table + 16, status(), 1, kDescWrite, 0);
    d().write_desc(0, 0, table, 32, kDescIndirect, 0);
    expect_needs_reset(0, "indirect without the feature");
}

TEST_F(HostileQueue, TotalLengthBeyond4GiB) {
    // 255 direct descriptors and an indirect table of 256, each covering all of
    // RAM (16 MiB): 8 GiB in all, though every single buffer is in RAM.
    ASSERT_TRUE(d().negotiate(kAllFeatures));
    d().setup_queue(0, 256);
    d().driver_ok();
    const uint64_t table = d().alloc(16 * 256, 16);
    for (uint16_t i = 0; i < 255; ++i) d().write_desc(0, i, kRamBase, kRamSize, kDescNext, i + 1);
    d().write_desc(0, 255, table, 16 * 256, kDescIndirect, 0);
    for (uint16_t i = 0; i < 256; ++i)
        d().write_desc_at(table + 16 * i, kRamBase, kRamSize,
                          kDescWrite | (i < 255 ? kDescNext : 0), i + 1);
    expect_needs_reset(0, "more than 4 GiB");
    EXPECT_NE(m().mmio->last_error().find("4 GiB"), std::string::npos);
}

TEST_F(HostileQueue, ABadChainAfterGoodOnesKeepsTheGoodResults) {
    d().store<uint32_t>(hdr(), kBlkIn);
    d().add(0, {{hdr(), 16, false}, {data(), 512, true}, {status(), 1, true}});
    d().write_desc(0, 5, hdr(), 16, kDescNext, 5);
    d().publish(0, 5);
    d().kick(0);
    Driver::Used u;
    ASSERT_TRUE(d().pop_used(0, u));
    EXPECT_EQ(u.id, 0u);
    EXPECT_FALSE(d().pop_used(0, u));
    EXPECT_TRUE(d().needs_reset());
}

// Queue configurations the device must refuse at QueueReady.
class BadQueueConfig : public ::testing::Test {
  protected:
    VirtioRng rng_;
    Machine m_{rng_};
    Driver d_{m_};

    void try_enable(uint32_t size, uint64_t desc, uint64_t avail, uint64_t used, const char* what) {
        ASSERT_TRUE(d_.negotiate(kAllFeatures));
        d_.wr(kQueueSel, 0);
        d_.wr(kQueueNum, size);
        d_.wr(kQueueDescLow, static_cast<uint32_t>(desc));
        d_.wr(kQueueDescHigh, static_cast<uint32_t>(desc >> 32));
        d_.wr(kQueueDriverLow, static_cast<uint32_t>(avail));
        d_.wr(kQueueDriverHigh, static_cast<uint32_t>(avail >> 32));
        d_.wr(kQueueDeviceLow, static_cast<uint32_t>(used));
        d_.wr(kQueueDeviceHigh, static_cast<uint32_t>(used >> 32));
        d_.wr(kQueueReady, 1);
        EXPECT_EQ(d_.rd(kQueueReady), 0u) << what;
        EXPECT_TRUE(d_.needs_reset()) << what;
        // A notify afterwards touches nothing.
        d_.wr(kStatus, d_.status() | virtio::kStatusDriverOk);
        d_.kick(0);
        EXPECT_EQ(d_.rd(kInterruptStatus) & virtio::kInterruptUsedBuffer, 0u) << what;
    }
};

TEST_F(BadQueueConfig, SizesThatAreNotPowersOfTwoOrTooBig) {
    const uint64_t base = kRamBase + 0x10000;
    for (uint32_t size : {0u, 3u, 6u, 100u, 255u, 512u, 0x10000u, 0xffffffffu})
        try_enable(size, base, base + 0x2000, base + 0x4000, "bad size");
}

TEST_F(BadQueueConfig, MisalignedRings) {
    const uint64_t base = kRamBase + 0x10000;
    try_enable(8, base + 8, base + 0x2000, base + 0x4000, "descriptor table not 16-aligned");
    try_enable(8, base, base + 0x2001, base + 0x4000, "available ring not 2-aligned");
    try_enable(8, base, base + 0x2000, base + 0x4002, "used ring not 4-aligned");
}

TEST_F(BadQueueConfig, RingsOutsideRam) {
    const uint64_t base = kRamBase + 0x10000;
    const uint64_t end = kRamBase + kRamSize;
    try_enable(8, 0, base + 0x2000, base + 0x4000, "descriptor table at 0");
    try_enable(256, end - 16 * 128, base + 0x2000, base + 0x4000, "table running out of RAM");
    try_enable(8, base, end - 8, base + 0x4000, "available ring running out of RAM");
    try_enable(8, base, base + 0x2000, end - 64, "used ring running out of RAM");
    try_enable(8, ~0ull - 63, base + 0x2000, base + 0x4000, "table wrapping around 2^64");
    try_enable(8, base, base + 0x2000, 0x1000'1000, "used ring on the device itself");
}

TEST_F(BadQueueConfig, QueueReadyBeforeFeaturesOk) {
    d_.wr(kStatus, 0);
    d_.wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver);
    d_.wr(kQueueSel, 0);
    d_.wr(kQueueNum, 8);
    d_.wr(kQueueReady, 1);
    EXPECT_EQ(d_.rd(kQueueReady), 0u);
    EXPECT_TRUE(d_.needs_reset());
    // No interrupt: DRIVER_OK was never set (2.1.2).
    EXPECT_FALSE(m_.irq.level());
}

TEST_F(BadQueueConfig, AValidQueueAfterResetWorks) {
    const uint64_t base = kRamBase + 0x10000;
    try_enable(3, base, base + 0x2000, base + 0x4000, "bad size");
    ASSERT_TRUE(d_.negotiate(kAllFeatures));
    d_.setup_queue(0, 8);
    d_.driver_ok();
    d_.add(0, {{d_.alloc(8), 8, true}});
    d_.kick(0);
    Driver::Used u;
    EXPECT_TRUE(d_.pop_used(0, u));
    EXPECT_FALSE(d_.needs_reset());
}

}  // namespace
}  // namespace xvm::dev::virtio_test
