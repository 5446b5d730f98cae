// virtio-blk: requests as Linux sends them, against a temporary image file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "dev/virtio_blk.h"
#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

constexpr uint64_t kImageBytes = 1 << 20;  // 2048 sectors

std::string pattern(size_t len, uint8_t seed) {
    std::string s(len, '\0');
    for (size_t i = 0; i < len; ++i) s[i] = static_cast<char>(seed + i * 31 + (i >> 9));
    return s;
}

TEST(VirtioBlkOpen, ErrorsNameTheFileAndTheReason) {
    auto missing = VirtioBlk::open("/nonexistent/xvm-disk.img", false);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("/nonexistent/xvm-disk.img"), std::string::npos);
    EXPECT_NE(missing.error().message.find("No such file"), std::string::npos);

    auto dir = VirtioBlk::open("/tmp", true);
    ASSERT_FALSE(dir.ok());
    EXPECT_NE(dir.error().message.find("directory"), std::string::npos);

    TempImage tiny(100);
    auto small = VirtioBlk::open(tiny.path(), true);
    ASSERT_FALSE(small.ok());
    EXPECT_NE(small.error().message.find("sector"), std::string::npos);
}

TEST(VirtioBlkOpen, ReadOnlyFileRefusesReadWriteButAttachesReadOnly) {
    TempImage img(kImageBytes);
    ASSERT_EQ(chmod(img.path().c_str(), 0444), 0);
    auto rw = VirtioBlk::open(img.path(), false);
    ASSERT_FALSE(rw.ok());
    EXPECT_NE(rw.error().message.find(img.path()), std::string::npos);
    EXPECT_NE(rw.error().message.find("read-only"), std::string::npos);
    auto ro = VirtioBlk::open(img.path(), true);
    ASSERT_TRUE(ro.ok()) << ro.error().message;
    EXPECT_TRUE((*ro)->readonly());
}

TEST(VirtioBlkOpen, AnImageInUseIsRefused) {
    TempImage img(kImageBytes);
    auto first = VirtioBlk::open(img.path(), false);
    ASSERT_TRUE(first.ok());
    auto second = VirtioBlk::open(img.path(), false);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("in use"), std::string::npos);
    first.value().reset();
    EXPECT_TRUE(VirtioBlk::open(img.path(), false).ok());
}

TEST(VirtioBlk, ConfigSpaceDescribesTheDisk) {
    TempImage img(kImageBytes + 700);  // a partial last sector is not addressable
    BlkRig rig(img.path(), false, kAllFeatures, {}, 128);
    Driver& d = *rig.d;
    EXPECT_EQ(d.rd(kDeviceId), 2u);
    const uint64_t capacity = d.rd(kConfig) | uint64_t{d.rd(kConfig + 4)} << 32;
    EXPECT_EQ(capacity, kImageBytes / 512 + 1);
    EXPECT_EQ(d.rd(kConfig + 12), 256u - 2);  // seg_max: the default queue size minus header/status
    EXPECT_GT(d.rd(kConfig + 8), 0u);         // size_max
    const uint64_t f = d.device_features();
    EXPECT_TRUE(f & kBlkFFlush);
    EXPECT_TRUE(f & kBlkFSegMax);
    EXPECT_FALSE(f & kBlkFRo);
    EXPECT_TRUE(f & kBlkFDiscard);
    EXPECT_TRUE(f & virtio::kFeatureVersion1);
    // Byte and halfword reads of the config space, as for u8/u16 fields.
    uint64_t v;
    ASSERT_TRUE(d.try_read(kConfig + 1, 1, v));
    EXPECT_EQ(v, (capacity >> 8) & 0xff);
    ASSERT_TRUE(d.try_read(kConfig + 2, 2, v));
    EXPECT_EQ(v, (capacity >> 16) & 0xffff);
}

TEST(VirtioBlk, ReadsWhatTheImageHolds) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false);
    auto r = rig.read(3, 4096);
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(r.used_len, 4096u + 1);
    EXPECT_EQ(rig.data_bytes(4096), image_bytes(3 * 512, 4096));
    // The last sector, exactly.
    r = rig.read(2047, 512);
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(rig.data_bytes(512), image_bytes(2047 * 512, 512));
}

TEST(VirtioBlk, WritesReachTheFileAtFlush) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false);
    const std::string bytes = pattern(8192 + 512, 5);
    auto w = rig.write(10, bytes);
    ASSERT_TRUE(w.done);
    EXPECT_EQ(w.status, kBlkOk);
    EXPECT_EQ(w.used_len, 1u);
    // Read back through the device (the cache).
    auto r = rig.read(10, static_cast<uint32_t>(bytes.size()));
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(rig.data_bytes(static_cast<uint32_t>(bytes.size())), bytes);
    // FLUSH: the file holds it, the rest is untouched.
    auto f = rig.flush();
    EXPECT_EQ(f.status, kBlkOk);
    EXPECT_EQ(f.used_len, 1u);
    std::string expect = image_bytes(0, kImageBytes);
    expect.replace(10 * 512, bytes.size(), bytes);
    EXPECT_EQ(img.content(), expect);
    const auto st = rig.blk->stats();
    EXPECT_EQ(st.writes, 1u);
    EXPECT_EQ(st.flushes, 1u);
    EXPECT_GE(st.cache.syncs, 1u);
    EXPECT_GE(st.cache.writebacks, 3u);
}

TEST(VirtioBlk, DestructionLeavesEveryWrittenByteInTheFile) {
    TempImage img(kImageBytes);
    std::string expect = image_bytes(0, kImageBytes);
    {
        BlkRig rig(img.path(), false);
        for (uint64_t s = 0; s < 2048; s += 97) {
            const std::string bytes = pattern(1024, static_cast<uint8_t>(s));
            ASSERT_EQ(rig.write(s, bytes).status, kBlkOk);
            expect.replace(s * 512, bytes.size(), bytes);
        }
    }  // no FLUSH: the device's destruction writes back and syncs
    EXPECT_EQ(img.content(), expect);
}

TEST(VirtioBlk, SmallCacheEvictsAndLosesNothing) {
    TempImage img(kImageBytes);
    VirtioBlkOptions o;
    o.cache_bytes = 64 * 1024;  // 16 blocks
    std::string expect = image_bytes(0, kImageBytes);
    {
        BlkRig rig(img.path(), false, kAllFeatures, o);
        const std::string bytes = pattern(256 * 1024, 9);
        ASSERT_EQ(rig.write(100, bytes).status, kBlkOk);
        expect.replace(100 * 512, bytes.size(), bytes);
        auto r = rig.read(0, 512 * 1024);
        ASSERT_EQ(r.status, kBlkOk);
        EXPECT_EQ(rig.data_bytes(512 * 1024), expect.substr(0, 512 * 1024));
        const auto st = rig.blk->stats();
        EXPECT_GT(st.cache.evictions, 0u);
        EXPECT_GT(st.cache.writebacks, 0u);
        EXPECT_GT(st.cache.misses, 0u);
    }
    EXPECT_EQ(img.content(), expect);
}

TEST(VirtioBlk, WithoutNegotiatedFlushWritesAreWrittenThrough) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false, kAllFeatures & ~kBlkFFlush);
    const std::string bytes = pattern(512, 77);
    ASSERT_EQ(rig.write(4, bytes).status, kBlkOk);
    // 5.2.6.2: FLUSH offered but not negotiated, so the write is stable on completion.
    EXPECT_EQ(img.content().substr(4 * 512, 512), bytes);
    EXPECT_GE(rig.blk->stats().cache.syncs, 1u);
}

TEST(VirtioBlk, WithFlushNegotiatedTheCacheIsWriteBack) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false);
    const std::string bytes = pattern(512, 78);
    ASSERT_EQ(rig.write(4, bytes).status, kBlkOk);
    EXPECT_EQ(img.content().substr(4 * 512, 512), image_bytes(4 * 512, 512));
    ASSERT_EQ(rig.flush().status, kBlkOk);
    EXPECT_EQ(img.content().substr(4 * 512, 512), bytes);
}

TEST(VirtioBlk, AnyDescriptorLayoutWorks) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false);
    Driver& d = *rig.d;
    // Header split 4+12, data in three pieces, the last sharing a descriptor with status.
    rig.header(kBlkIn, 20);
    const uint64_t a = d.alloc(512), b = d.alloc(1024), c = d.alloc(512 + 1);
    rig.status = c + 512;
    auto r = rig.submit({{rig.hdr, 4, false},
                         {rig.hdr + 4, 12, false},
                         {a, 512, true},
                         {b, 1024, true},
                         {c, 513, true}});
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(r.used_len, 2048u + 1);
    auto got = [&](uint64_t pa, size_t n) {
        return std::string(reinterpret_cast<const char*>(d.host(pa)), n);
    };
    EXPECT_EQ(got(a, 512), image_bytes(20 * 512, 512));
    EXPECT_EQ(got(b, 1024), image_bytes(21 * 512, 1024));
    EXPECT_EQ(got(c, 512), image_bytes(23 * 512, 512));
}

TEST(VirtioBlk, IndirectRequestsWork) {
    TempImage img(kImageBytes);
    BlkRig rig(img.path(), false);
    ASSERT_TRUE(rig.d->features() & virtio::kFeatureIndirectDesc);
    rig.header(kBlkIn, 7);
    auto r =
        rig.submit({{rig.hdr, 16, false}, {rig.data, 1024, true}, {rig.status, 1, true}}, true);
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(rig.data_bytes(1024), image_bytes(7 * 512, 1024));
}

TEST(VirtioBlk, OutOfRangeAndMalformedRequestsAreIoErrors) {
    TempImage img(kImageBytes);
    const uint64_t before = img.hash();
    {
        BlkRig rig(img.path(), false);
        EXPECT_EQ(rig.read(2048, 512).status, kBlkIoErr);             // at the capacity
        EXPECT_EQ(rig.read(2047, 1024).status, kBlkIoErr);            // runs past it
        EXPECT_EQ(rig.read(~0ull / 512 + 5, 512).status, kBlkIoErr);  // wraps when scaled
        EXPECT_EQ(rig.read(1ull << 63, 512).status, kBlkIoErr);
        EXPECT_EQ(rig.read(0, 100).status, kBlkIoErr);  // not whole sectors
        EXPECT_EQ(rig.write(2048, pattern(512, 1)).status, kBlkIoErr);
        EXPECT_EQ(rig.write(2040, pattern(8192, 1)).status, kBlkIoErr);
        EXPECT_EQ(rig.write(0, pattern(700, 1)).status, kBlkIoErr);
        EXPECT_EQ(rig.write(~0ull, pattern(512, 1)).status, kBlkIoErr);
        EXPECT_EQ(rig.request(99, 0, 0).status, kBlkUnsupp);  // unknown type
        // A write whose data the driver marked device-writable: IOERR, nothing written.
        rig.header(kBlkOut, 0);
        EXPECT_EQ(
            rig.submit({{rig.hdr, 16, false}, {rig.data, 512, true}, {rig.status, 1, true}}).status,
            kBlkIoErr);
        EXPECT_FALSE(rig.d->needs_reset());
        EXPECT_EQ(rig.blk->stats().errors, 11u);
    }
    EXPECT_EQ(img.hash(), before);
}

TEST(VirtioBlk, ReadOnlyDriveRefusesWritesAndNeverTouchesTheFile) {
    TempImage img(kImageBytes);
    struct stat before_st;
    ASSERT_EQ(stat(img.path().c_str(), &before_st), 0);
    const uint64_t before = img.hash();
    {
        BlkRig rig(img.path(), true);
        EXPECT_TRUE(rig.d->device_features() & kBlkFRo);
        EXPECT_FALSE(rig.d->device_features() & kBlkFDiscard);
        EXPECT_TRUE(rig.d->features() & kBlkFRo);
        for (uint64_t s : {0ull, 1ull, 2047ull}) {
            auto w = rig.write(s, pattern(512, 3));
            ASSERT_TRUE(w.done);
            EXPECT_EQ(w.status, kBlkIoErr);
        }
        EXPECT_EQ(rig.request(kBlkWriteZeroes, 0, 0).status, kBlkIoErr);
        EXPECT_EQ(rig.request(kBlkDiscard, 0, 0).status, kBlkIoErr);
        EXPECT_EQ(rig.flush().status, kBlkOk);
        auto r = rig.read(0, 4096);
        EXPECT_EQ(r.status, kBlkOk);
        EXPECT_EQ(rig.data_bytes(4096), image_bytes(0, 4096));
        EXPECT_TRUE(rig.blk->flush().ok());
    }
    EXPECT_EQ(img.hash(), before);
    struct stat after_st;
    ASSERT_EQ(stat(img.path().c_str(), &after_st), 0);
    EXPECT_EQ(after_st.st_mtim.tv_sec, before_st.st_mtim.tv_sec);
    EXPECT_EQ(after_st.st_mtim.tv_nsec, before_st.st_mtim.tv_nsec);
}

TEST(VirtioBlk, GetIdReturnsTheSerial) {
    TempImage img(kImageBytes);
    VirtioBlkOptions o;
    o.serial = "xvm-disk-0";
    BlkRig rig(img.path(), false, kAllFeatures, o);
    auto r = rig.request(kBlkGetId, 0, 20);
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.status, kBlkOk);
    EXPECT_EQ(r.used_len, 21u);
    EXPECT_EQ(rig.data_bytes(20), std::string("xvm-disk-0") + std::string(10, '\0'));

    TempImage img2(kImageBytes);
    o.serial = "0123456789abcdefghijKLMN";  // longer than 20: cut, no NUL
    BlkRig rig2(img2.path(), false, kAllFeatures, o);
    EXPECT_EQ(rig2.request(kBlkGetId, 0, 20).status, kBlkOk);
    EXPECT_EQ(rig2.data_bytes(20), "0123456789abcdefghij");
}

TEST(VirtioBlk, WriteZeroesAndDiscardReadBackAsZeroes) {
    TempImage img(kImageBytes);
    std::string expect = image_bytes(0, kImageBytes);
    {
        BlkRig rig(img.path(), false);
        auto zero = [&](uint32_t type, uint64_t sector, uint32_t n, uint32_t flags) {
            rig.header(type, 0);
            rig.d->store<uint64_t>(rig.data, sector);
            rig.d->store<uint32_t>(rig.data + 8, n);
            rig.d->store<uint32_t>(rig.data + 12, flags);
            return rig.submit({{rig.hdr, 16, false}, {rig.data, 16, false}, {rig.status, 1, true}})
                .status;
        };
        // Unaligned head and tail, whole blocks in between, with and without unmap.
        EXPECT_EQ(zero(kBlkWriteZeroes, 3, 30, 0), kBlkOk);
        expect.replace(3 * 512, 30 * 512, std::string(30 * 512, '\0'));
        EXPECT_EQ(zero(kBlkWriteZeroes, 100, 64, 1), kBlkOk);
        expect.replace(100 * 512, 64 * 512, std::string(64 * 512, '\0'));
        EXPECT_EQ(zero(kBlkDiscard, 400, 17, 0), kBlkOk);
        expect.replace(400 * 512, 17 * 512, std::string(17 * 512, '\0'));
        // Flags the spec rejects.
        EXPECT_EQ(zero(kBlkDiscard, 0, 8, 1), kBlkUnsupp);
        EXPECT_EQ(zero(kBlkWriteZeroes, 0, 8, 2), kBlkUnsupp);
        EXPECT_EQ(zero(kBlkWriteZeroes, 2047, 2, 0), kBlkIoErr);
        auto r = rig.read(0, 512 * 1024);
        ASSERT_EQ(r.status, kBlkOk);
        EXPECT_EQ(rig.data_bytes(512 * 1024), expect.substr(0, 512 * 1024));
        ASSERT_EQ(rig.flush().status, kBlkOk);
        EXPECT_EQ(img.content(), expect);
    }
    EXPECT_EQ(img.content(), expect);
}

TEST(VirtioBlk, TailOfAnOddSizedImageSurvivesWrites) {
    const uint64_t size = 3 * 4096 + 512 + 100;  // 25 sectors and 100 stray bytes
    TempImage img(size);
    std::string expect = image_bytes(0, size);
    {
        BlkRig rig(img.path(), false);
        const std::string bytes = pattern(1024, 42);
        ASSERT_EQ(rig.write(23, bytes).status, kBlkOk);  // the last two sectors
        expect.replace(23 * 512, 1024, bytes);
        EXPECT_EQ(rig.write(24, pattern(1024, 1)).status, kBlkIoErr);
    }
    EXPECT_EQ(img.content(), expect);
}

TEST(VirtioBlk, RequestsWithoutHeaderOrStatusNeedReset) {
    TempImage img(kImageBytes);
    const uint64_t before = img.hash();
    {
        BlkRig rig(img.path(), false);
        rig.header(kBlkOut, 0);
        auto r = rig.submit({{rig.hdr, 16, false}, {rig.data, 512, false}});  // no status byte
        EXPECT_FALSE(r.done);
        EXPECT_TRUE(rig.d->needs_reset());
        EXPECT_EQ(rig.m->irq.level(), true);
        EXPECT_EQ(rig.d->rd(kInterruptStatus) & virtio::kInterruptConfigChange,
                  virtio::kInterruptConfigChange);

        // Reset and start over: the device works again.
        ASSERT_TRUE(rig.d->negotiate(kAllFeatures));
        EXPECT_FALSE(rig.m->irq.level());
        rig.d->setup_queue(0, 64);
        rig.d->driver_ok();
        rig.header(kBlkIn, 0);
        r = rig.submit({{rig.hdr, 8, false}, {rig.status, 1, true}});  // header too short
        EXPECT_FALSE(r.done);
        EXPECT_TRUE(rig.d->needs_reset());
    }
    EXPECT_EQ(img.hash(), before);
}

}  // namespace
}  // namespace xvm::dev::virtio_test
