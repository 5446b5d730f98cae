// BlockCache on its own: byte ranges across blocks, eviction, flush, zeroing.
#include "dev/block_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>
#include <string>

#include "virtio_test_driver.h"

namespace xvm::dev::virtio_test {
namespace {

constexpr uint32_t kBlock = BlockCache::kBlockSize;

std::unique_ptr<BlockCache> open_cache(const TempImage& img, size_t capacity, bool readonly) {
    const int fd = open(img.path().c_str(), readonly ? O_RDONLY : O_RDWR);
    EXPECT_GE(fd, 0);
    struct stat st;
    EXPECT_EQ(fstat(fd, &st), 0);
    return std::make_unique<BlockCache>(fd, st.st_size, capacity, readonly);
}

std::string get(BlockCache& c, uint64_t off, size_t len) {
    std::string s(len, '\0');
    EXPECT_TRUE(c.read(off, reinterpret_cast<uint8_t*>(s.data()), len));
    return s;
}
bool put(BlockCache& c, uint64_t off, const std::string& s) {
    return c.write(off, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(BlockCache, ReadsAcrossBlocksAndCountsHits) {
    TempImage img(64 * kBlock);
    auto c = open_cache(img, 1 << 20, true);
    EXPECT_EQ(get(*c, kBlock - 10, 30), image_bytes(kBlock - 10, 30));
    EXPECT_EQ(c->stats().misses, 2u);
    EXPECT_EQ(get(*c, kBlock, 100), image_bytes(kBlock, 100));
    EXPECT_EQ(c->stats().hits, 1u);
    EXPECT_EQ(get(*c, 0, 64 * kBlock), image_bytes(0, 64 * kBlock));
}

TEST(BlockCache, RefusesRangesOutsideTheFileAndWritesWhenReadOnly) {
    TempImage img(4 * kBlock);
    const uint64_t before = img.hash();
    {
        auto c = open_cache(img, 1 << 20, true);
        uint8_t b[16];
        EXPECT_FALSE(c->read(4 * kBlock - 8, b, 16));
        EXPECT_FALSE(c->read(~0ull - 4, b, 16));
        EXPECT_FALSE(put(*c, 0, "x"));
        EXPECT_FALSE(c->zero(0, kBlock, true));
        EXPECT_TRUE(c->flush());
        EXPECT_EQ(c->stats().syncs, 0u);
    }
    EXPECT_EQ(img.hash(), before);
}

TEST(BlockCache, WriteBackHappensAtFlushAndEviction) {
    TempImage img(64 * kBlock);
    auto c = open_cache(img, 16 * kBlock, false);
    std::string expect = image_bytes(0, 64 * kBlock);
    ASSERT_TRUE(put(*c, 100, "hello"));
    expect.replace(100, 5, "hello");
    EXPECT_EQ(img.content(), image_bytes(0, 64 * kBlock));  // still only cached
    ASSERT_TRUE(c->flush());
    EXPECT_EQ(img.content(), expect);
    EXPECT_EQ(c->stats().writebacks, 1u);
    EXPECT_EQ(c->stats().syncs, 1u);
    ASSERT_TRUE(c->flush());  // nothing new: no second sync
    EXPECT_EQ(c->stats().syncs, 1u);

    // Dirty 32 blocks through a 16-block cache: half are written back early.
    std::mt19937 rng(7);
    for (uint64_t b = 0; b < 32; ++b) {
        std::string s(kBlock, '\0');
        for (auto& ch : s) ch = static_cast<char>(rng());
        ASSERT_TRUE(put(*c, b * kBlock, s));
        expect.replace(b * kBlock, kBlock, s);
    }
    EXPECT_GE(c->stats().evictions, 16u);
    EXPECT_EQ(get(*c, 0, 64 * kBlock), expect);
    c.reset();  // destruction flushes
    EXPECT_EQ(img.content(), expect);
}

TEST(BlockCache, ShortLastBlockKeepsItsLength) {
    TempImage img(2 * kBlock + 1000);
    {
        auto c = open_cache(img, 1 << 20, false);
        ASSERT_TRUE(put(*c, 2 * kBlock + 990, std::string(10, 'z')));
        EXPECT_FALSE(put(*c, 2 * kBlock + 995, std::string(10, 'z')));
    }
    std::string expect = image_bytes(0, 2 * kBlock + 1000);
    expect.replace(2 * kBlock + 990, 10, std::string(10, 'z'));
    EXPECT_EQ(img.content(), expect);
}

TEST(BlockCache, ZeroingWithAndWithoutDeallocation) {
    TempImage img(64 * kBlock);
    auto c = open_cache(img, 1 << 20, false);
    std::string expect = image_bytes(0, 64 * kBlock);
    // Cached dirty data inside a zeroed range must not come back.
    ASSERT_TRUE(put(*c, 5 * kBlock, std::string(kBlock, 'd')));
    ASSERT_TRUE(c->zero(3 * kBlock + 7, 10 * kBlock, true));
    expect.replace(3 * kBlock + 7, 10 * kBlock, std::string(10 * kBlock, '\0'));
    ASSERT_TRUE(c->zero(40 * kBlock, 3 * kBlock, false));
    expect.replace(40 * kBlock, 3 * kBlock, std::string(3 * kBlock, '\0'));
    ASSERT_TRUE(c->zero(60 * kBlock + 1, 5, false));
    expect.replace(60 * kBlock + 1, 5, std::string(5, '\0'));
    EXPECT_EQ(get(*c, 0, 64 * kBlock), expect);
    ASSERT_TRUE(c->flush());
    EXPECT_EQ(img.content(), expect);
    EXPECT_EQ(c->stats().syncs, 1u);
}

// Random reads, writes and zeroes against a model, flushing now and then.
TEST(BlockCache, RandomOperationsMatchAModel) {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
        const uint64_t size = 37 * kBlock + 300;
        TempImage img(size);
        std::string model = image_bytes(0, size);
        {
            auto c = open_cache(img, 16 * kBlock, false);
            std::mt19937_64 rng(seed);
            for (int op = 0; op < 300; ++op) {
                const uint64_t off = rng() % size;
                const uint64_t len = std::min<uint64_t>(rng() % (3 * kBlock), size - off);
                switch (rng() % 5) {
                    case 0:
                    case 1: {
                        std::string s(len, '\0');
                        for (auto& ch : s) ch = static_cast<char>(rng());
                        ASSERT_TRUE(put(*c, off, s));
                        model.replace(off, len, s);
                        break;
                    }
                    case 2:
                        ASSERT_EQ(get(*c, off, len), model.substr(off, len)) << seed << " " << op;
                        break;
                    case 3:
                        ASSERT_TRUE(c->zero(off, len, rng() & 1));
                        model.replace(off, len, std::string(len, '\0'));
                        break;
                    case 4: ASSERT_TRUE(c->flush()); break;
                }
            }
        }
        ASSERT_EQ(img.content(), model) << "seed " << seed;
    }
}

}  // namespace
}  // namespace xvm::dev::virtio_test
