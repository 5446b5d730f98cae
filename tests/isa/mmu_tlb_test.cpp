// The MMU's TLBs as sfence.vma and satp writes see them: superpages cached as
// 4 KiB pieces, address-space TLB sets tagged by satp, and the PMP decision
// cache (privileged spec, "SFENCE.VMA", "satp", "Physical Memory Protection").
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sv39_fixture.h"

namespace xvm::riscv {
namespace {

using namespace test;

struct MmuTlbTest : Sv39Fixture {
    uint64_t epoch = 0;

    void SetUp() override {
        Sv39Fixture::SetUp();
        mmu->set_fetch_key(&epoch);
    }
    void put64(uint64_t pa, uint64_t v) { ram->write(pa, &v, 8); }
    // A satp write as the engine applies it.
    void write_satp(uint64_t v) {
        const Priv p = ps.priv;
        ps.priv = Priv::M;
        ASSERT_TRUE(ps.csr_write(cpu, kSatp, v));
        ps.priv = p;
        ASSERT_EQ(ps.take_effects(), PrivState::kAddressSpace);
        mmu->switch_address_space();
    }
    uint64_t load(uint64_t va) {
        uint64_t v = 0;
        Fault f;
        EXPECT_TRUE(mmu->load(va, 8, v, f)) << std::hex << va << " cause " << f.cause;
        return v;
    }
    bool cached(uint64_t va) { return mmu->data_tlb().entry(va).tag_read == mem::Tlb::key(va, 8); }
    uint64_t full_flushes() { return mmu->tlb(1).stats().flushes; }
};

// ---- sfence.vma with an address inside a superpage ----

TEST_F(MmuTlbTest, SfenceOfOnePieceDropsEveryPieceOfA2MiBSuperpage) {
    const uint64_t root = alloc_table();
    const uint64_t leaf = map(root, 0x200000, kRam + 0x400000, R | W | A | D, 1);
    map(root, 0x1000, kRam + 0x200000, R | W | A | D);
    write_satp(sv39(root));
    ps.priv = Priv::S;
    const unsigned pieces[] = {0, 3, 100, 511};
    for (unsigned k : pieces) {
        put64(kRam + 0x400000 + k * 4096ull, k);
        put64(kRam + 0x600000 + k * 4096ull, k + 1000);
        EXPECT_EQ(load(0x200000 + k * 4096ull), k);
        EXPECT_TRUE(cached(0x200000 + k * 4096ull));
    }
    load(0x1000);
    // The kernel remaps the superpage, then fences one address of it.
    set_pte(leaf, ((kRam + 0x600000) >> 12) << 10 | R | W | A | D | V);
    const uint64_t flushes = full_flushes(), epoch0 = epoch;
    mmu->flush_page(0x200000 + 3 * 4096 + 0x18);
    for (unsigned k : pieces) {
        EXPECT_FALSE(cached(0x200000 + k * 4096ull)) << k;
        EXPECT_EQ(load(0x200000 + k * 4096ull), k + 1000);
    }
    EXPECT_TRUE(cached(0x1000));  // not a full flush
    EXPECT_EQ(full_flushes(), flushes);
    EXPECT_GT(epoch, epoch0);  // the engine forgets cached fetches
}

TEST_F(MmuTlbTest, SfenceOfOnePieceDropsEveryPieceOfA1GiBSuperpage) {
    const uint64_t root = alloc_table();
    map(root, 0x40000000, kRam, R | W | X | A | D, 2);
    map(root, 0x1ff000, kRam + 0x200000, R | W | A | D);  // TLB index 0xff
    write_satp(sv39(root));
    ps.priv = Priv::S;
    const uint64_t pieces[] = {0, 0x1000, 0x205000, 0x3010000};  // distinct TLB indexes
    for (uint64_t off : pieces) {
        load(0x40000000 + off);
        EXPECT_TRUE(cached(0x40000000 + off));
    }
    load(0x1ff000);
    mmu->flush_page(0x40000000 + 0x2000010);  // a piece never cached
    for (uint64_t off : pieces) EXPECT_FALSE(cached(0x40000000 + off)) << std::hex << off;
    EXPECT_TRUE(cached(0x1ff000));
    // A fence outside the superpage leaves its pieces.
    for (uint64_t off : pieces) load(0x40000000 + off);
    mmu->flush_page(0x1ff000);
    for (uint64_t off : pieces) EXPECT_TRUE(cached(0x40000000 + off)) << std::hex << off;
    EXPECT_FALSE(cached(0x1ff000));
}

TEST_F(MmuTlbTest, SfenceInASuperpageReachesFetchAndEveryPrivilege) {
    const uint64_t root = alloc_table();
    map(root, 0x200000, kRam + 0x400000, R | W | X | U | A | D, 1);
    write_satp(sv39(root));
    ps.priv = Priv::U;
    uint16_t insn;
    Fault f;
    ASSERT_TRUE(mmu->fetch(0x200000 + 0x5000, insn, f));
    load(0x200000 + 0x7000);
    EXPECT_EQ(mmu->fetch_tlb().entry(0x205000).tag_fetch, 0x205000u);
    mmu->flush_page(0x3ff000);
    EXPECT_NE(mmu->fetch_tlb().entry(0x205000).tag_fetch, 0x205000u);
    EXPECT_FALSE(cached(0x207000));
}

TEST_F(MmuTlbTest, ACodePageAndADataPageWithTheSameIndexBothStayCached) {
    const uint64_t root = alloc_table();
    map(root, 0x1000, kRam + 0x200000, R | X | A | D);
    map(root, 0x1000 + mem::Tlb::kSize * 4096, kRam + 0x201000, R | W | A | D);
    write_satp(sv39(root, 1));
    ps.priv = Priv::S;
    const uint64_t data = 0x1000 + mem::Tlb::kSize * 4096;
    uint16_t insn;
    Fault f;
    for (int pass = 0; pass < 3; ++pass) {  // a loop: fetch, load, fetch, ...
        ASSERT_TRUE(mmu->fetch(0x1000, insn, f));
        load(data);
    }
    EXPECT_EQ(mmu->fetch_tlb().entry(0x1000).tag_fetch, 0x1000u);
    EXPECT_TRUE(cached(data));
    const uint64_t walks = mmu->stats().walks;
    ASSERT_TRUE(mmu->fetch(0x1000, insn, f));  // a TLB hit (Mmu::load always walks)
    EXPECT_EQ(mmu->stats().walks, walks);
    // A load from the code page has its own entry; the fetch entry stays.
    load(0x1008);
    EXPECT_TRUE(cached(0x1008));
    EXPECT_EQ(mmu->fetch_tlb().entry(0x1000).tag_fetch, 0x1000u);
    mmu->flush_page(0x1000);
    EXPECT_NE(mmu->fetch_tlb().entry(0x1000).tag_fetch, 0x1000u);
    EXPECT_FALSE(cached(0x1008));
}

TEST_F(MmuTlbTest, TwoHotPagesWithOneIndexStopWalkingAndStillObeyFences) {
    const uint64_t root = alloc_table();
    const uint64_t stack = 0x3000 + mem::Tlb::kSize * 4096;
    const uint64_t data = map(root, 0x3000, kRam + 0x200000, R | W | U | A);  // clean
    const uint64_t leaf = map(root, stack, kRam + 0x201000, R | W | U | A | D);
    put64(kRam + 0x201000, 1);
    put64(kRam + 0x202000, 2);
    write_satp(sv39(root, 1));
    ps.priv = Priv::U;
    load(0x3000);
    load(stack);
    const uint64_t walks = mmu->stats().walks;
    for (int k = 0; k < 10; ++k) {
        load(0x3000);
        EXPECT_EQ(load(stack), 1u);
    }
    EXPECT_EQ(mmu->stats().walks, walks);  // each turn swapped in from the victims
    // The stack page moves; the fence reaches its victim copy too.
    set_pte(leaf, ((kRam + 0x202000) >> 12) << 10 | R | W | U | A | D | V);
    load(0x3000);  // stack is a victim now
    mmu->flush_page(stack);
    EXPECT_EQ(load(stack), 2u);
    // A write to a page cached read-only walks (and sets D) rather than recalls.
    Fault f;
    ASSERT_TRUE(mmu->store(0x3000, 8, 5, f));
    EXPECT_EQ(mmu->stats().walks, walks + 2);
    EXPECT_TRUE(pte_at(data) & D);
}

// ---- address-space TLB sets ----

TEST_F(MmuTlbTest, SatpSwitchKeepsEachAddressSpacesTranslations) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    map(rb, 0x1000, kRam + 0x201000, R | W | A | D);
    put64(kRam + 0x200000, 0xaa);
    put64(kRam + 0x201000, 0xbb);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 1));
    EXPECT_EQ(load(0x1000), 0xaau);
    write_satp(sv39(rb, 2));
    EXPECT_FALSE(cached(0x1000));  // B's TLBs are its own
    EXPECT_EQ(load(0x1000), 0xbbu);
    const uint64_t walks = mmu->stats().walks, epoch_b = epoch;
    write_satp(sv39(ra, 1));
    EXPECT_NE(epoch, epoch_b);  // fetches translate differently
    const uint64_t epoch_a = epoch;
    EXPECT_TRUE(cached(0x1000));
    const mem::TlbEntry& e = mmu->data_tlb().entry(0x1000);
    EXPECT_EQ(*reinterpret_cast<const uint64_t*>(0x1000 + e.addend), 0xaau);
    write_satp(sv39(rb, 2));
    // Both sets were kept: the engine's cached fetches of each are good again.
    EXPECT_EQ(epoch, epoch_b);
    EXPECT_TRUE(cached(0x1000));
    EXPECT_EQ(*reinterpret_cast<const uint64_t*>(0x1000 + mmu->data_tlb().entry(0x1000).addend),
              0xbbu);
    write_satp(sv39(ra, 1));
    EXPECT_EQ(epoch, epoch_a);
    // The privilege is part of the key: S and U see different pages.
    ps.priv = Priv::U;
    mmu->refresh_fetch_key();
    EXPECT_NE(epoch, epoch_a);
    ps.priv = Priv::S;
    mmu->refresh_fetch_key();
    EXPECT_EQ(epoch, epoch_a);
    mmu->flush_page(0x5000);  // any flush: a new generation
    EXPECT_NE(epoch, epoch_a);
    EXPECT_EQ(mmu->stats().walks, walks);  // no walk after the switches
}

TEST_F(MmuTlbTest, SfenceWithoutAddressOrAsidFlushesEveryAddressSpace) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    map(rb, 0x1000, kRam + 0x201000, R | W | A | D);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 1));
    load(0x1000);
    write_satp(sv39(rb, 2));
    load(0x1000);
    mmu->flush_all();
    EXPECT_FALSE(cached(0x1000));
    write_satp(sv39(ra, 1));
    EXPECT_FALSE(cached(0x1000));
}

TEST_F(MmuTlbTest, SfenceOfAnAddressReachesEveryAddressSpace) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    const uint64_t leaf_a = map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    map(ra, 0x2000, kRam + 0x202000, R | W | A | D);
    map(rb, 0x1000, kRam + 0x201000, R | W | A | D);
    put64(kRam + 0x203000, 0xcc);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 1));
    load(0x1000);
    load(0x2000);
    write_satp(sv39(rb, 2));
    load(0x1000);
    // B's kernel changes A's page table (a shared one, say) and fences the
    // address for every ASID.
    set_pte(leaf_a, ((kRam + 0x203000) >> 12) << 10 | R | W | A | D | V);
    mmu->flush_page(0x1000);
    EXPECT_FALSE(cached(0x1000));
    write_satp(sv39(ra, 1));
    EXPECT_FALSE(cached(0x1000));
    EXPECT_TRUE(cached(0x2000));
    EXPECT_EQ(load(0x1000), 0xccu);
}

TEST_F(MmuTlbTest, SfenceOfAnAsidFlushesOnlyItsAddressSpaces) {
    const uint64_t ra = alloc_table(), ra2 = alloc_table(), rb = alloc_table();
    for (uint64_t r : {ra, ra2, rb}) map(r, 0x1000, kRam + 0x200000, R | W | A | D);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 7));
    load(0x1000);
    write_satp(sv39(ra2, 7));  // another table under the same ASID
    load(0x1000);
    write_satp(sv39(rb, 8));
    load(0x1000);
    mmu->flush_asid(7 | 1ull << 20);  // rs2 bits above the ASID are ignored
    EXPECT_TRUE(cached(0x1000));
    write_satp(sv39(ra, 7));
    EXPECT_FALSE(cached(0x1000));
    load(0x1000);
    write_satp(sv39(ra2, 7));
    EXPECT_FALSE(cached(0x1000));
    // The current address space's own ASID: flushed at once.
    load(0x1000);
    mmu->flush_asid(7);
    EXPECT_FALSE(cached(0x1000));
    write_satp(sv39(rb, 8));
    EXPECT_TRUE(cached(0x1000));
}

TEST_F(MmuTlbTest, TheLeastRecentlyUsedAddressSpaceIsRecycled) {
    constexpr unsigned n = Mmu::kAddressSpaces;
    uint64_t roots[n + 1];
    ps.priv = Priv::S;
    for (unsigned k = 0; k <= n; ++k) {
        roots[k] = alloc_table();
        map(roots[k], 0x1000, kRam + 0x200000 + k * 4096ull, R | W | A | D);
        put64(kRam + 0x200000 + k * 4096ull, k);
    }
    for (unsigned k = 0; k < n; ++k) {
        write_satp(sv39(roots[k], k + 1));
        EXPECT_EQ(load(0x1000), k);
    }
    write_satp(sv39(roots[0], 1));  // 0 is used again: 1 is now the oldest
    EXPECT_TRUE(cached(0x1000));
    write_satp(sv39(roots[n], n + 1));
    EXPECT_FALSE(cached(0x1000));
    EXPECT_EQ(load(0x1000), n);
    for (unsigned k : {0u, 2u, n - 1}) {
        write_satp(sv39(roots[k], k + 1));
        EXPECT_TRUE(cached(0x1000)) << k;
        EXPECT_EQ(*reinterpret_cast<const uint64_t*>(0x1000 + mmu->data_tlb().entry(0x1000).addend),
                  k);
    }
    write_satp(sv39(roots[1], 2));
    EXPECT_FALSE(cached(0x1000));
    EXPECT_EQ(load(0x1000), 1u);
}

TEST_F(MmuTlbTest, BareModeAndMachineModeAcrossSwitches) {
    const uint64_t ra = alloc_table();
    map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    put64(kRam + 0x5000, 0x55);
    ps.priv = Priv::S;
    EXPECT_EQ(load(kRam + 0x5000), 0x55u);  // bare: identity
    EXPECT_TRUE(cached(kRam + 0x5000));
    write_satp(sv39(ra, 1));
    EXPECT_FALSE(cached(kRam + 0x5000));  // not mapped in A
    uint64_t v;
    Fault f;
    EXPECT_FALSE(mmu->load(kRam + 0x5000, 8, v, f));
    EXPECT_EQ(f.cause, kExcLoadPage);
    ps.priv = Priv::M;  // M mode does not translate, whatever satp says
    EXPECT_EQ(load(kRam + 0x5000), 0x55u);
    ps.priv = Priv::S;
    write_satp(0);
    EXPECT_TRUE(cached(kRam + 0x5000));
}

TEST_F(MmuTlbTest, GlobalMappingsCachedInSeveralAddressSpacesAllGoOnAFence) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    const uint64_t kernel = 0x40000000;
    const uint64_t la = map(ra, kernel, kRam + 0x200000, R | W | G | A | D);
    const uint64_t lb = map(rb, kernel, kRam + 0x200000, R | W | G | A | D);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 1));
    load(kernel);
    write_satp(sv39(rb, 2));
    load(kernel);
    for (uint64_t leaf : {la, lb})
        set_pte(leaf, ((kRam + 0x204000) >> 12) << 10 | R | W | G | A | D | V);
    put64(kRam + 0x204000, 0x77);
    mmu->flush_page(kernel);
    EXPECT_EQ(load(kernel), 0x77u);
    write_satp(sv39(ra, 1));
    EXPECT_FALSE(cached(kernel));
    EXPECT_EQ(load(kernel), 0x77u);
}

TEST_F(MmuTlbTest, ASatpWrittenWithoutTheEngineIsSeenByTheTlbs) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    map(rb, 0x1000, kRam + 0x201000, R | W | A | D);
    ps.priv = Priv::S;
    write_satp(sv39(ra, 1));
    load(0x1000);
    ps.priv = Priv::M;
    ASSERT_TRUE(ps.csr_write(cpu, kSatp, sv39(rb, 2)));
    ps.priv = Priv::S;
    EXPECT_FALSE(cached(0x1000));  // data_tlb() follows satp
}

TEST_F(MmuTlbTest, StatsOfASlotCoverEveryAddressSpace) {
    const uint64_t ra = alloc_table(), rb = alloc_table();
    map(ra, 0x1000, kRam + 0x200000, R | W | A | D);
    map(rb, 0x1000, kRam + 0x201000, R | W | A | D);
    ps.priv = Priv::S;
    const uint64_t misses = mmu->tlb(1).stats().misses;
    write_satp(sv39(ra, 1));
    load(0x1000);
    write_satp(sv39(rb, 2));
    load(0x1000);
    EXPECT_EQ(mmu->tlb(1).stats().misses, misses + 2);
}

// ---- PMP decisions, cached per region ----

// The PMP as the spec words it, without a cache: the lowest-numbered entry
// with any byte of the access decides; a partial match fails.
bool pmp_reference(const PrivState& ps, uint64_t pa, unsigned size, Access a, Priv p) {
    const PmpEntry* e = ps.pmp();
    for (unsigned k = 0; k < PrivState::kPmpEntries; ++k) {
        const unsigned mode = (e[k].cfg >> 3) & 3;
        if (mode == 0) continue;
        uint64_t lo, hi;
        if (mode == 1) {
            lo = k ? e[k - 1].addr << 2 : 0;
            hi = e[k].addr << 2;
        } else if (mode == 2) {
            lo = e[k].addr << 2;
            hi = lo + 4;
        } else {
            const unsigned t = __builtin_ctzll(~e[k].addr);  // NAPOT: 2^(t+3) bytes
            lo = (e[k].addr & ~((1ull << t) - 1)) << 2;
            hi = lo + (8ull << t);
        }
        if (std::max(pa, lo) >= std::min(pa + size, hi)) continue;  // no byte inside
        if (pa < lo || pa + size > hi) return false;
        if (p == Priv::M && !(e[k].cfg & 0x80)) return true;
        const unsigned need = a == Access::Read ? 1 : a == Access::Write ? 2 : 4;
        return (e[k].cfg & need) != 0;
    }
    return p == Priv::M;
}

TEST_F(MmuTlbTest, PmpDecisionsMatchTheSpecForRandomEntriesAndAccesses) {
    std::mt19937_64 rng(7);
    constexpr uint64_t kBase = 0x80000000, kSpan = 0x10000;  // entries crowd 64 KiB
    const unsigned sizes[] = {1, 2, 4, 8, 4096};
    const Access kinds[] = {Access::Read, Access::Write, Access::Fetch};
    const Priv privs[] = {Priv::U, Priv::S, Priv::M};
    unsigned checked = 0;
    for (unsigned round = 0; round < 300; ++round) {
        ps.reset();  // also unlocks every entry
        const unsigned used = 1 + rng() % 6;
        uint64_t cfg0 = 0, cfg2 = 0;
        for (unsigned k = 0; k < used; ++k) {
            const unsigned mode = rng() % 4;
            uint64_t addr;
            if (mode == 3) {
                const unsigned t = rng() % 14;  // 8 bytes to 64 KiB
                const uint64_t base = (kBase + rng() % kSpan) & ~((8ull << t) - 1);
                addr = (base >> 2) | ((1ull << t) - 1);
            } else {
                addr = (kBase + (rng() % kSpan & ~3ull)) >> 2;
            }
            ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0 + k, addr));
            const uint64_t cfg = mode << 3 | (rng() % 8) | (rng() % 4 == 0 ? 0x80 : 0);
            (k < 8 ? cfg0 : cfg2) |= cfg << (8 * (k % 8));
        }
        // The last entry often covers everything, as OpenSBI's does.
        if (rng() % 2) {
            ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0 + 15, ~0ull >> 10));
            cfg2 |= uint64_t{0x18 | (rng() % 8)} << 56;
        }
        ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0, cfg0));
        ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0 + 2, cfg2));
        for (unsigned q = 0; q < 200; ++q) {
            const unsigned size = sizes[rng() % 5];
            const uint64_t pa = (kBase - 0x100 + rng() % (kSpan + 0x200)) & ~uint64_t{size - 1};
            const Access a = kinds[rng() % 3];
            const Priv p = privs[rng() % 3];
            ASSERT_EQ(mmu->pmp_allows(pa, size, a, p), pmp_reference(ps, pa, size, a, p))
                << "round " << round << " pa " << std::hex << pa << " size " << std::dec << size
                << " access " << int(a) << " priv " << int(p);
            ++checked;
        }
    }
    EXPECT_EQ(checked, 300u * 200u);
}

TEST_F(MmuTlbTest, PmpCacheFollowsEveryPmpWriteWithoutAFlush) {
    ps.priv = Priv::S;
    EXPECT_TRUE(mmu->pmp_allows(kRam + 0x1000, 8, Access::Read, Priv::S));
    // A higher-priority NA4 entry without permissions over that word.
    ps.priv = Priv::M;
    ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0 + 1, ~0ull >> 10));
    ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0, (kRam + 0x1000) >> 2));
    ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0, 0x10 | 0x1full << 8));
    EXPECT_FALSE(mmu->pmp_allows(kRam + 0x1000, 4, Access::Read, Priv::S));
    EXPECT_FALSE(mmu->pmp_allows(kRam + 0x1000, 8, Access::Read, Priv::S));  // partial
    EXPECT_TRUE(mmu->pmp_allows(kRam + 0x1004, 4, Access::Read, Priv::S));
    EXPECT_TRUE(mmu->pmp_allows(kRam + 0x0ffc, 4, Access::Read, Priv::S));
    EXPECT_TRUE(mmu->pmp_allows(kRam + 0x1000, 4, Access::Read, Priv::M));   // no L bit
    EXPECT_FALSE(mmu->pmp_allows(kRam + 0x0ffc, 8, Access::Read, Priv::M));  // partial, even M
    ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0, 0x90 | 0x1full << 8));           // locked: M too
    EXPECT_FALSE(mmu->pmp_allows(kRam + 0x1000, 4, Access::Read, Priv::M));
    EXPECT_TRUE(mmu->pmp_allows(kRam + 0x1008, 4, Access::Read, Priv::M));
}

TEST_F(MmuTlbTest, APmpBoundaryInsideAPageKeepsItOutOfTheTlb) {
    const uint64_t root = alloc_table();
    map(root, 0x1000, kRam + 0x200000, R | W | A | D);
    ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0 + 1, ~0ull >> 10));
    ASSERT_TRUE(ps.csr_write(cpu, kPmpaddr0, (kRam + 0x200800) >> 2));  // NA4 mid-page, no access
    ASSERT_TRUE(ps.csr_write(cpu, kPmpcfg0, 0x10 | 0x1full << 8));
    ps.take_effects();
    mmu->flush_all();
    ps.priv = Priv::S;
    write_satp(sv39(root, 1));
    EXPECT_EQ(load(0x1000), 0u);
    EXPECT_FALSE(cached(0x1000));
    uint64_t v;
    Fault f;
    EXPECT_FALSE(mmu->load(0x1800, 4, v, f));
    EXPECT_EQ(f.cause, kExcLoadAccess);
    EXPECT_TRUE(mmu->load(0x1804, 4, v, f));
}

}  // namespace
}  // namespace xvm::riscv
