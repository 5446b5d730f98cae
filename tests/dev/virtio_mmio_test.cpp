// The virtio-mmio transport: registers, access sizes, negotiation, reset,
// interrupts — and every offset, size and value a guest could throw at it.
#include <gtest/gtest.h>

#include <random>

#include "dev/virtio_console.h"
#include "dev/virtio_rng.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

TEST(VirtioMmio, IdentifiesItselfAsAModernDevice) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    EXPECT_EQ(d.rd(kMagicValue), 0x74726976u);
    EXPECT_EQ(d.rd(kVersion), 2u);
    EXPECT_EQ(d.rd(kDeviceId), 4u);
    EXPECT_EQ(d.rd(kVendorId), 0x554d4551u);
    EXPECT_EQ(d.rd(kStatus), 0u);
    EXPECT_EQ(d.rd(kConfigGeneration), 0u);
    EXPECT_STREQ(m.mmio->name(), "virtio-mmio:virtio-rng");
    // No shared memory regions (4.2.2): length -1, base all ones.
    d.wr(kShmSel, 3);
    EXPECT_EQ(d.rd(kShmLenLow), 0xffffffffu);
    EXPECT_EQ(d.rd(kShmBaseHigh), 0xffffffffu);
}

TEST(VirtioMmio, OffersVersion1EventIdxAndIndirect) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    const uint64_t f = d.device_features();
    EXPECT_TRUE(f & virtio::kFeatureVersion1);
    EXPECT_TRUE(f & virtio::kFeatureEventIdx);
    EXPECT_TRUE(f & virtio::kFeatureIndirectDesc);
    d.wr(kDeviceFeaturesSel, 7);
    EXPECT_EQ(d.rd(kDeviceFeatures), 0u);
}

TEST(VirtioMmio, FeaturesOkNeedsVersion1AndNothingUnoffered) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    EXPECT_FALSE(d.negotiate(virtio::kFeatureEventIdx));  // no VERSION_1: refused
    EXPECT_EQ(d.status() & virtio::kStatusFeaturesOk, 0u);

    // A bit the device never offered.
    d.wr(kStatus, 0);
    d.wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver);
    d.write_driver_features(virtio::kFeatureVersion1 | (1ull << 40));
    d.wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
    EXPECT_EQ(d.status() & virtio::kStatusFeaturesOk, 0u);

    // A bit beyond the first 64.
    d.wr(kStatus, 0);
    d.write_driver_features(virtio::kFeatureVersion1);
    d.wr(kDriverFeaturesSel, 2);
    d.wr(kDriverFeatures, 1);
    d.wr(kStatus, virtio::kStatusFeaturesOk);
    EXPECT_EQ(d.status() & virtio::kStatusFeaturesOk, 0u);

    EXPECT_TRUE(d.negotiate(kAllFeatures));
    // After FEATURES_OK the driver's features are fixed.
    d.write_driver_features(0);
    d.driver_ok();
    EXPECT_EQ(d.status() & virtio::kStatusDriverOk, virtio::kStatusDriverOk);
}

TEST(VirtioMmio, DriverOkWithoutFeaturesOkIsIgnored) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    d.wr(kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusDriverOk);
    EXPECT_EQ(d.status(), virtio::kStatusAcknowledge | virtio::kStatusDriver);
    // The driver cannot set DEVICE_NEEDS_RESET, nor clear bits by writing fewer.
    d.wr(kStatus, virtio::kStatusNeedsReset);
    EXPECT_EQ(d.status(), virtio::kStatusAcknowledge | virtio::kStatusDriver);
}

TEST(VirtioMmio, QueueRegistersFollowQueueSel) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.wr(kQueueSel, 0);
    EXPECT_EQ(d.rd(kQueueNumMax), 256u);
    EXPECT_EQ(d.rd(kQueueReady), 0u);
    d.wr(kQueueSel, 1);  // rng has one queue
    EXPECT_EQ(d.rd(kQueueNumMax), 0u);
    d.wr(kQueueReady, 1);  // ignored
    EXPECT_EQ(d.rd(kQueueReady), 0u);
    d.wr(kQueueSel, 0xffffffff);
    EXPECT_EQ(d.rd(kQueueNumMax), 0u);
    EXPECT_FALSE(d.needs_reset());

    auto& q = d.setup_queue(0, 16);
    d.wr(kQueueSel, 0);
    EXPECT_EQ(d.rd(kQueueReady), 1u);
    // While ready, its configuration cannot change (4.2.2.3).
    d.wr(kQueueNum, 8);
    d.wr(kQueueDescLow, 0);
    d.driver_ok();
    const uint64_t buf = d.alloc(64);
    d.add(0, {{buf, 64, true}});
    d.kick(0);
    Driver::Used u;
    ASSERT_TRUE(d.pop_used(0, u));
    EXPECT_EQ(u.len, 64u);
    EXPECT_EQ(q.size, 16);

    // QueueReady = 0 stops the queue; a notify then touches nothing.
    d.wr(kQueueReady, 0);
    EXPECT_EQ(d.rd(kQueueReady), 0u);
    d.add(0, {{buf, 64, true}});
    d.kick(0);
    EXPECT_FALSE(d.pop_used(0, u));
    EXPECT_FALSE(d.needs_reset());
}

TEST(VirtioMmio, WritingZeroToStatusResetsEverything) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.setup_queue(0, 8);
    d.driver_ok();
    d.add(0, {{d.alloc(16), 16, true}});
    d.kick(0);
    EXPECT_TRUE(m.irq.level());
    EXPECT_EQ(d.rd(kInterruptStatus), virtio::kInterruptUsedBuffer);

    d.wr(kStatus, 0);
    EXPECT_EQ(d.status(), 0u);
    EXPECT_EQ(d.rd(kInterruptStatus), 0u);
    EXPECT_FALSE(m.irq.level());
    d.wr(kQueueSel, 0);
    EXPECT_EQ(d.rd(kQueueReady), 0u);

    // Machine reset does the same.
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.setup_queue(0, 8);
    d.driver_ok();
    m.mmio->reset();
    EXPECT_EQ(d.status(), 0u);
    d.wr(kQueueSel, 0);
    EXPECT_EQ(d.rd(kQueueReady), 0u);
}

TEST(VirtioMmio, UsedBufferInterruptIsALevelUntilAcknowledged) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(virtio::kFeatureVersion1));  // no EVENT_IDX
    d.setup_queue(0, 8);
    d.driver_ok();
    EXPECT_FALSE(m.irq.level());
    d.add(0, {{d.alloc(16), 16, true}});
    d.kick(0);
    EXPECT_TRUE(m.irq.level());
    d.wr(kInterruptAck, virtio::kInterruptConfigChange);  // not the pending bit
    EXPECT_TRUE(m.irq.level());
    d.wr(kInterruptAck, virtio::kInterruptUsedBuffer);
    EXPECT_FALSE(m.irq.level());
    EXPECT_EQ(d.rd(kInterruptStatus), 0u);

    // VIRTQ_AVAIL_F_NO_INTERRUPT suppresses it (2.7.7).
    d.set_avail_flags(0, 1);
    d.add(0, {{d.alloc(16), 16, true}});
    d.kick(0);
    Driver::Used u;
    ASSERT_TRUE(d.pop_used(0, u));
    ASSERT_TRUE(d.pop_used(0, u));
    EXPECT_FALSE(m.irq.level());
}

TEST(VirtioMmio, EventIdxSuppressesUntilUsedEventAndPublishesAvailEvent) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    ASSERT_TRUE(d.features() & virtio::kFeatureEventIdx);
    d.setup_queue(0, 8);
    d.driver_ok();
    const uint64_t buf = d.alloc(16);
    d.set_used_event(0, 2);  // interrupt when the used entry with index 2 is written
    for (int i = 0; i < 2; ++i) {
        d.add(0, {{buf, 16, true}});
        d.kick(0);
        EXPECT_FALSE(m.irq.level()) << i;
        EXPECT_EQ(d.avail_event(0), i + 1);  // "notify me at the next add"
    }
    d.add(0, {{buf, 16, true}});
    d.kick(0);
    EXPECT_TRUE(m.irq.level());
    EXPECT_EQ(d.used_idx(0), 3);
    d.ack_interrupts();
    // Several chains in one notify: one interrupt if used_event falls inside.
    d.set_used_event(0, 4);
    d.add(0, {{buf, 16, true}});
    d.add(0, {{buf, 16, true}});
    d.kick(0);
    EXPECT_TRUE(m.irq.level());
    EXPECT_EQ(d.avail_event(0), 5);
}

TEST(VirtioMmio, BuffersAddedBeforeDriverOkAreServedAtDriverOk) {
    VirtioRng rng;
    Machine m(rng);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.setup_queue(0, 8);
    d.add(0, {{d.alloc(32), 32, true}});
    d.kick(0);  // 3.1.1: not before DRIVER_OK
    Driver::Used u;
    EXPECT_FALSE(d.pop_used(0, u));
    d.driver_ok();
    ASSERT_TRUE(d.pop_used(0, u));
    EXPECT_EQ(u.len, 32u);
}

TEST(VirtioMmio, NotifiesOfMissingOrUnreadyQueuesAreHarmless) {
    VirtioConsole con(nullptr);
    Machine m(con);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.setup_queue(1, 8);
    d.driver_ok();
    d.kick(0);  // receiveq never set up
    d.kick(2);
    d.kick(0xffff);
    d.wr(kQueueNotify, 0xffffffff);
    EXPECT_FALSE(d.needs_reset());
    EXPECT_EQ(d.rd(kInterruptStatus), 0u);
}

TEST(VirtioMmio, RegistersTakeOnlyAligned32BitAccessesInTheirDirection) {
    VirtioConsole con(nullptr);
    Machine m(con);
    Driver d(m);
    uint64_t v;
    for (unsigned size : {1u, 2u, 8u}) {
        EXPECT_FALSE(d.try_read(kMagicValue, size, v)) << size;
        EXPECT_FALSE(d.try_write(kStatus, size, 1)) << size;
    }
    EXPECT_FALSE(d.try_read(kMagicValue + 1, 4, v));
    EXPECT_FALSE(d.try_read(kQueueNotify, 4, v));  // write-only
    EXPECT_FALSE(d.try_read(kInterruptAck, 4, v));
    EXPECT_FALSE(d.try_read(kQueueDescLow, 4, v));
    EXPECT_FALSE(d.try_write(kMagicValue, 4, 1));  // read-only
    EXPECT_FALSE(d.try_write(kInterruptStatus, 4, 1));
    EXPECT_FALSE(d.try_write(kConfigGeneration, 4, 1));
    EXPECT_FALSE(d.try_read(0x028, 4, v));  // legacy GuestPageSize: not here
    EXPECT_FALSE(d.try_read(0x040, 4, v));  // legacy QueuePFN
    EXPECT_FALSE(d.try_read(0x0c0, 4, v));  // QueueReset: RING_RESET not offered
    EXPECT_EQ(d.status(), 0u);

    // Config space: 8/16/32-bit naturally aligned, inside the device's config.
    EXPECT_TRUE(d.try_read(kConfig, 1, v));
    EXPECT_TRUE(d.try_read(kConfig + 2, 2, v));
    EXPECT_EQ(v, 25u);  // rows
    EXPECT_TRUE(d.try_read(kConfig + 4, 4, v));
    EXPECT_EQ(v, 1u);  // max_nr_ports
    EXPECT_FALSE(d.try_read(kConfig + 1, 2, v));
    EXPECT_FALSE(d.try_read(kConfig + 2, 4, v));
    EXPECT_FALSE(d.try_read(kConfig, 8, v));
    EXPECT_FALSE(d.try_read(kConfig + 12, 1, v));  // past the 12-byte config
    EXPECT_FALSE(d.try_read(0xffc, 4, v));

    VirtioRng rng;  // no config space at all
    Machine m2(rng);
    Driver d2(m2);
    EXPECT_FALSE(d2.try_read(kConfig, 1, v));
    EXPECT_FALSE(d2.try_write(kConfig, 4, 0));
}

TEST(VirtioMmio, ConfigChangesBumpTheGenerationAndInterrupt) {
    VirtioConsole con(nullptr);
    Machine m(con);
    Driver d(m);
    ASSERT_TRUE(d.negotiate(kAllFeatures));
    d.setup_queue(0, 8);
    d.setup_queue(1, 8);
    d.driver_ok();
    const uint32_t gen = d.rd(kConfigGeneration);
    con.set_size(132, 43);
    EXPECT_NE(d.rd(kConfigGeneration), gen);
    EXPECT_EQ(d.rd(kInterruptStatus), virtio::kInterruptConfigChange);
    EXPECT_TRUE(m.irq.level());
    EXPECT_EQ(d.rd(kConfig) & 0xffff, 132u);
    EXPECT_EQ(d.rd(kConfig) >> 16, 43u);
    d.ack_interrupts();
    EXPECT_FALSE(m.irq.level());
}

// Every offset of the slot, every access size, random and extreme values, over
// and over: the host keeps running, the disk image is untouched, and after a
// reset the device still works.
TEST(VirtioMmio, EveryOffsetSizeAndValueIsSurvivable) {
    TempImage img(1 << 20);
    const uint64_t before = img.hash();
    {
        BlkRig rig(img.path(), false);
        Driver& d = *rig.d;
        std::mt19937_64 rng(12345);
        for (int round = 0; round < 3; ++round) {
            for (uint64_t off = 0; off < VirtioMmio::kSize; ++off) {
                for (unsigned size : {1u, 2u, 4u, 8u}) {
                    if (off + size > VirtioMmio::kSize) continue;
                    uint64_t v;
                    (void)d.try_read(off, size, v);
                    const uint64_t values[] = {rng(), ~0ull, 0, 1, off};
                    for (uint64_t val : values) (void)d.try_write(off, size, val);
                }
            }
        }
        // Whatever state that left, a reset and a proper setup bring it back.
        ASSERT_TRUE(d.negotiate(kAllFeatures));
        d.setup_queue(0, 32);
        d.driver_ok();
        auto r = rig.read(0, 512);
        ASSERT_TRUE(r.done);
        EXPECT_EQ(r.status, kBlkOk);
        EXPECT_EQ(rig.data_bytes(512), image_bytes(0, 512));
    }
    EXPECT_EQ(img.hash(), before);
}

}  // namespace
}  // namespace xvm::dev::virtio_test
