#include "mem/tlb.h"

#include <gtest/gtest.h>

namespace xvm::mem {
namespace {

// Fills the entry for va as a piece of a mapping of 2^shift bytes, readable.
void put(Tlb& t, uint64_t va, unsigned shift) {
    TlbEntry& e = t.fill(va, shift);
    e.tag_read = va & ~Tlb::kPageMask;
    e.tag_write = Tlb::kInvalid;
    e.tag_fetch = Tlb::kInvalid;
    e.addend = 0x1000;
}
bool cached(const Tlb& t, uint64_t va) {
    return t.data()[Tlb::index(va)].tag_read == Tlb::key(va, 1);
}

TEST(Tlb, FlushPageDropsOnlyThatPageWhenNoSuperpageIsCached) {
    Tlb t;
    put(t, 0x10000, 12);
    put(t, 0x11000, 12);
    t.flush_page(0x10abc);
    EXPECT_FALSE(cached(t, 0x10000));
    EXPECT_TRUE(cached(t, 0x11000));
    EXPECT_EQ(t.stats().page_flushes, 1u);
}

TEST(Tlb, FlushPageOfAPageOnAnotherIndexKeepsTheEntry) {
    Tlb t;
    put(t, 0x10000, 12);
    t.flush_page(0x10000 + Tlb::kSize * 4096);  // same index, other page
    EXPECT_TRUE(cached(t, 0x10000));
}

TEST(Tlb, FlushPageDropsEveryPieceOfA2MiBSuperpage) {
    Tlb t;
    const uint64_t base = 0x4020'0000;  // 2 MiB aligned
    for (unsigned k = 0; k < 512; k += 7) put(t, base + k * 4096ull, 21);
    put(t, base + 0x20'0000, 21);  // the next 2 MiB superpage
    put(t, 0x1000, 12);            // a 4 KiB page elsewhere
    t.flush_page(base + 300 * 4096 + 0x18);
    for (unsigned k = 0; k < 512; k += 7) EXPECT_FALSE(cached(t, base + k * 4096ull)) << k;
    EXPECT_TRUE(cached(t, base + 0x20'0000));
    EXPECT_TRUE(cached(t, 0x1000));
}

TEST(Tlb, FlushPageDropsEveryPieceOfA1GiBSuperpageAcrossItsWhole) {
    Tlb t;
    const uint64_t base = 0xffff'ffc0'0000'0000;  // a 1 GiB-aligned kernel address
    const uint64_t pieces[] = {base, base + 0x1000, base + 0x20'0000 + 0x5000, base + 0x3fff'f000};
    for (uint64_t va : pieces) put(t, va, 30);
    put(t, base + 0x4000'0000, 30);  // the next gigabyte
    t.flush_page(base + 0x1234'5678);
    for (uint64_t va : pieces) EXPECT_FALSE(cached(t, va)) << std::hex << va;
    EXPECT_TRUE(cached(t, base + 0x4000'0000));
}

TEST(Tlb, FlushPageBetweenTwoCachedSuperpagesDropsNeitherAndInsideOneDropsOnlyIt) {
    Tlb t;
    const uint64_t a = 0x4000'0000, b = 0x8000'0000;  // 1 GiB apart, 2 MiB superpages
    for (unsigned k = 0; k < 100; ++k) {
        put(t, a + k * 4096ull, 21);
        put(t, b + (100 + k) * 4096ull, 21);
    }
    t.flush_page(0x6000'0000);
    for (unsigned k = 0; k < 100; ++k) {
        EXPECT_TRUE(cached(t, a + k * 4096ull));
        EXPECT_TRUE(cached(t, b + (100 + k) * 4096ull));
    }
    t.flush_page(b + 0x1f'f000);
    for (unsigned k = 0; k < 100; ++k) {
        EXPECT_TRUE(cached(t, a + k * 4096ull));
        EXPECT_FALSE(cached(t, b + (100 + k) * 4096ull));
    }
    // After a flush, no superpage: a fence in a's old range drops nothing new.
    t.flush();
    put(t, a + 0x5000, 12);
    t.flush_page(a + 0x6000);
    EXPECT_TRUE(cached(t, a + 0x5000));
}

TEST(Tlb, AFourKilobyteFillReplacesASuperpagePieceForFlushes) {
    Tlb t;
    put(t, 0x4000'0000, 21);
    put(t, 0x4000'0000 + Tlb::kSize * 4096 * 4, 12);  // same index, outside the superpage
    // The superpage is no longer cached: a flush in it leaves the 4 KiB page.
    t.flush_page(0x4001'0000);
    EXPECT_TRUE(cached(t, 0x4000'0000 + Tlb::kSize * 4096 * 4));
}

TEST(Tlb, AnEvictedEntryIsRecalledAndSwappedWithTheOneInItsPlace) {
    Tlb t;
    const uint64_t a = 0x10000, b = a + Tlb::kSize * 4096;  // one index
    put(t, a, 12);
    put(t, b, 12);  // evicts a
    EXPECT_TRUE(cached(t, b));
    EXPECT_EQ(t.recall(0x20000), nullptr);  // never cached
    const TlbEntry* e = t.recall(a + 0x123);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->tag_read, a);
    EXPECT_TRUE(cached(t, a));
    ASSERT_NE(t.recall(b), nullptr);  // b went to the victims in a's place
    EXPECT_TRUE(cached(t, b));
}

TEST(Tlb, VictimsGoWithFlushesOfTheirPageTheirSuperpageOrAll) {
    Tlb t;
    const uint64_t a = 0x10000, b = a + Tlb::kSize * 4096, c = 0x4000'0000,
                   d = c + Tlb::kSize * 4096 * 4;
    put(t, a, 12);
    put(t, b, 12);  // a: victim
    put(t, c, 21);
    put(t, d, 12);  // c (a 2 MiB piece): victim
    t.flush_page(a);
    EXPECT_EQ(t.recall(a), nullptr);
    t.flush_page(c + 0x10'0000);  // another piece of c's superpage
    EXPECT_EQ(t.recall(c), nullptr);
    put(t, a, 12);  // b: victim
    t.flush();
    EXPECT_EQ(t.recall(b), nullptr);
    EXPECT_FALSE(cached(t, a));
}

TEST(Tlb, TheVictimsHoldTheLastEvictions) {
    Tlb t;
    const uint64_t step = Tlb::kSize * 4096;
    for (unsigned k = 0; k <= Tlb::kVictims + 1; ++k) put(t, 0x10000 + k * step, 12);
    EXPECT_EQ(t.recall(0x10000), nullptr);  // the oldest: gone
    for (unsigned k = 1; k <= Tlb::kVictims; ++k)
        EXPECT_NE(t.recall(0x10000 + k * step), nullptr) << k;
}

TEST(Tlb, FlushEmptiesEverythingAndCountsInSharedStats) {
    TlbStats shared;
    Tlb t(&shared);
    put(t, 0x4000'0000, 21);
    put(t, 0x1000, 12);
    t.flush();
    EXPECT_FALSE(cached(t, 0x4000'0000));
    EXPECT_FALSE(cached(t, 0x1000));
    EXPECT_EQ(shared.flushes, 2u);  // construction and this one
}

}  // namespace
}  // namespace xvm::mem
