#include "user/memory_map.h"

#include <gtest/gtest.h>

namespace xvm::user {
namespace {

constexpr uint64_t kPage = 4096;

TEST(MemoryMap, LayoutFollowsUserTop) {
    MemoryMap m;  // Sv39: 2^38
    EXPECT_EQ(m.user_top(), 1ull << 38);
    EXPECT_EQ(m.stack_top(), (1ull << 38) - kPage);
    EXPECT_EQ(m.mmap_top(), 0x3f00000000ull);
    EXPECT_EQ(m.pie_base() % kPage, 0u);
    EXPECT_LT(m.pie_base(), m.mmap_top());
    MemoryMap small(1ull << 33);
    EXPECT_EQ(small.mmap_top(), (1ull << 33) - (1ull << 33) / 64);
}

TEST(MemoryMap, AddCoalescesNeighbours) {
    MemoryMap m;
    m.add(0x10000, 0x20000);
    m.add(0x30000, 0x40000);
    EXPECT_EQ(m.count(), 2u);
    m.add(0x20000, 0x30000);  // fills the gap: one range
    EXPECT_EQ(m.count(), 1u);
    EXPECT_TRUE(m.overlaps(0x10000, 0x10001));
    EXPECT_TRUE(m.overlaps(0x3f000, 0x50000));
    EXPECT_FALSE(m.overlaps(0x40000, 0x50000));
    EXPECT_FALSE(m.overlaps(0x0, 0x10000));
}

TEST(MemoryMap, AddOverExistingRangeDoesNotDuplicate) {
    MemoryMap m;
    m.add(0x10000, 0x40000);
    m.add(0x20000, 0x30000);
    EXPECT_EQ(m.count(), 1u);
    m.remove(0x10000, 0x40000);
    EXPECT_EQ(m.count(), 0u);
}

TEST(MemoryMap, RemoveSplitsAndTrims) {
    MemoryMap m;
    m.add(0x10000, 0x50000);
    m.remove(0x20000, 0x30000);  // a hole in the middle
    EXPECT_EQ(m.count(), 2u);
    EXPECT_TRUE(m.overlaps(0x1f000, 0x20000));
    EXPECT_FALSE(m.overlaps(0x20000, 0x30000));
    EXPECT_TRUE(m.overlaps(0x30000, 0x31000));
    m.remove(0x0, 0x18000);  // trims the front of the first
    EXPECT_FALSE(m.overlaps(0x10000, 0x18000));
    EXPECT_TRUE(m.overlaps(0x18000, 0x19000));
    m.remove(0x48000, 0x100000);  // trims the back of the second
    EXPECT_TRUE(m.overlaps(0x47000, 0x48000));
    EXPECT_FALSE(m.overlaps(0x48000, 0x50000));
    m.remove(0x0, 0x100000);
    EXPECT_EQ(m.count(), 0u);
}

TEST(MemoryMap, FindFreeIsTopDownBelowMmapTop) {
    MemoryMap m;
    const uint64_t top = m.mmap_top();
    auto a = m.find_free(2 * kPage);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, top - 2 * kPage);
    m.add(*a, *a + 2 * kPage);
    auto b = m.find_free(kPage);
    ASSERT_TRUE(b);
    EXPECT_EQ(*b, top - 3 * kPage);
}

TEST(MemoryMap, FindFreeSkipsGapsThatAreTooSmall) {
    MemoryMap m;
    const uint64_t top = m.mmap_top();
    m.add(top - 4 * kPage, top - 3 * kPage);
    m.add(top - 2 * kPage, top);
    // Between them: one page. A two-page request goes below the lower range.
    auto two = m.find_free(2 * kPage);
    ASSERT_TRUE(two);
    EXPECT_EQ(*two, top - 6 * kPage);
    auto one = m.find_free(kPage);
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, top - 3 * kPage);
}

TEST(MemoryMap, FindFreeBelowAnArbitraryTopAndRangesStraddlingIt) {
    MemoryMap m;
    m.add(0x800000, 0x900000);  // straddles the top we ask below
    auto a = m.find_free_below(kPage, 0x880000);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, 0x800000 - kPage);
}

TEST(MemoryMap, FindFreeFailsWhenNothingFits) {
    MemoryMap m;
    m.add(MemoryMap::kMmapBottom, m.mmap_top());
    EXPECT_FALSE(m.find_free(kPage));
    MemoryMap empty;
    EXPECT_FALSE(empty.find_free(empty.mmap_top()));
    EXPECT_FALSE(empty.find_free_below(kPage, MemoryMap::kMmapBottom));
}

}  // namespace
}  // namespace xvm::user
