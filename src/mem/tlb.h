// The soft TLB of system mode: direct-mapped, one tag per access kind and a host
// addend (QEMU's tlb-common.h and RVVM's riscv_mmu.h follow the same idea). A hit
// is a compare and an add; MMIO and watched pages carry kSlowPath in their tag,
// which can never equal a looked-up address, so they always take the slow path.
// The layout is shared by C++ and compiled code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace xvm::mem {

struct TlbEntry {
    uint64_t tag_read;  // virtual page | flags, kInvalid when empty
    uint64_t tag_write;
    uint64_t tag_fetch;
    uintptr_t addend;  // host address = virtual address + addend (RAM pages)
};
static_assert(sizeof(TlbEntry) == 32, "compiled code indexes entries by shift");

struct TlbStats {
    uint64_t hits = 0;  // counted by the interpreter's inline fast path
    uint64_t misses = 0;
    uint64_t flushes = 0;
    uint64_t page_flushes = 0;
};

class Tlb {
  public:
    // 1024 entries: with 256, hot pages sharing an index were common enough to
    // double a Linux workload's time in some address-space layouts.
    static constexpr unsigned kBits = 10;
    static constexpr unsigned kSize = 1u << kBits;
    static constexpr uint64_t kPageMask = 0xfff;
    static constexpr uint64_t kInvalid = ~0ull;
    static constexpr uint64_t kSlowPath = 1u << 3;  // in a tag: never matches (bits 0-2 = size-1)
    static constexpr unsigned kPageShift = 12;
    // Entries a fill evicted, kept for the slow path: two hot pages with one
    // index (a stack page and a data page, found in Linux's shell loops) then
    // cost a swap instead of a page walk on each turn.
    static constexpr unsigned kVictims = 8;

    // `shared`: where to count (the MMU keeps one TlbStats per privilege across
    // its address spaces); by default the TLB's own.
    explicit Tlb(TlbStats* shared = nullptr) : stats_(shared ? shared : &own_stats_) { flush(); }
    Tlb(const Tlb&) = delete;
    Tlb& operator=(const Tlb&) = delete;
    void share_stats(TlbStats* s) { stats_ = s; }

    static unsigned index(uint64_t va) { return (va >> 12) & (kSize - 1); }
    // The value a tag must equal for an access of `size` bytes at va to hit:
    // misaligned accesses keep their low bits and so miss (slow path).
    static uint64_t key(uint64_t va, unsigned size) { return va & (~kPageMask | (size - 1)); }

    TlbEntry& entry(uint64_t va) { return entries_[index(va)]; }
    const TlbEntry* data() const { return entries_; }
    // The entry to fill for va, which is one 4 KiB piece of a mapping of
    // 2^span_shift bytes (12: a page; 21, 30, 39: Sv39-57 superpages), so that
    // flush_page can find every piece of a superpage.
    TlbEntry& fill(uint64_t va, unsigned span_shift) {
        const unsigned i = index(va);
        evict(i);
        if (span_shift > kPageShift) {
            superpage_[i] = (va >> span_shift) << 6 | span_shift;
            const uint64_t size = uint64_t{1} << span_shift, first = va & ~(size - 1);
            super_first_ = std::min(super_first_, first);
            super_last_ = std::max(super_last_, first + (size - 1));
        } else if (has_superpages()) {
            superpage_[i] = 0;
        }
        return entries_[i];
    }
    // On a miss: va's page back from the victims into its entry (the entry
    // there becomes a victim), or null.
    const TlbEntry* recall(uint64_t va) {
        const uint64_t page = va & ~kPageMask;
        for (unsigned k = 0; k < kVictims; ++k) {
            if (victim_page_[k] != page) continue;
            const unsigned i = index(va);
            std::swap(entries_[i], victims_[k]);
            std::swap(superpage_[i], victim_superpage_[k]);
            victim_page_[k] = entry_page(victims_[k]);
            return &entries_[i];
        }
        return nullptr;
    }

    void flush() {
        for (auto& e : entries_) e = {kInvalid, kInvalid, kInvalid, 0};
        if (has_superpages()) std::memset(superpage_, 0, sizeof superpage_);
        for (unsigned k = 0; k < kVictims; ++k) drop_victim(k);
        super_first_ = ~0ull;
        super_last_ = 0;
        ++stats_->flushes;
    }
    // Drops every entry that translates va: its page's and, when superpages
    // are cached, every piece of a superpage containing va (sfence.vma names
    // one address of a mapping, privileged spec "SFENCE.VMA").
    void flush_page(uint64_t va) {
        TlbEntry& e = entry(va);
        if (((entry_page(e) ^ va) & ~kPageMask) == 0) e = {kInvalid, kInvalid, kInvalid, 0};
        const uint64_t page = va & ~kPageMask;
        bool victim = false;
        for (unsigned k = 0; k < kVictims; ++k) victim |= victim_page_[k] == page;
        // Linux fences user pages while its linear map's superpages are cached:
        // the bounds of the cached superpages (victims included) skip most scans.
        const bool in_superpages = va >= super_first_ && va <= super_last_;
        if (victim || in_superpages) {
            for (unsigned k = 0; k < kVictims; ++k)
                if (victim_page_[k] == page || in_superpage(victim_superpage_[k], va))
                    drop_victim(k);
        }
        if (in_superpages) {
            for (unsigned i = 0; i < kSize; ++i) {
                if (in_superpage(superpage_[i], va)) {
                    entries_[i] = {kInvalid, kInvalid, kInvalid, 0};
                    superpage_[i] = 0;
                }
            }
        }
        ++stats_->page_flushes;
    }
    TlbStats& stats() { return *stats_; }
    const TlbStats& stats() const { return *stats_; }

  private:
    static constexpr uint64_t kNoPage = ~kPageMask;  // entry_page of an empty entry

    bool has_superpages() const { return super_first_ <= super_last_; }
    // Is va inside the superpage of key `s` (superpage_'s encoding; 0: none)?
    static bool in_superpage(uint64_t s, uint64_t va) { return s && (va >> (s & 63)) == s >> 6; }
    // The virtual page an entry caches: its valid tags all hold it (kSlowPath is
    // below bit 12), kInvalid is all ones, so their AND is the page.
    static uint64_t entry_page(const TlbEntry& e) {
        return e.tag_read & e.tag_write & e.tag_fetch & ~kPageMask;
    }
    void evict(unsigned i) {
        const uint64_t page = entry_page(entries_[i]);
        if (page == kNoPage) return;
        const unsigned k = victim_next_++ % kVictims;
        victims_[k] = entries_[i];
        victim_superpage_[k] = superpage_[i];
        victim_page_[k] = page;
    }
    void drop_victim(unsigned k) {
        victims_[k] = {kInvalid, kInvalid, kInvalid, 0};
        victim_superpage_[k] = 0;
        victim_page_[k] = kNoPage;
    }

    TlbEntry entries_[kSize];
    // Per entry, the superpage it is a piece of: its number (va >> shift) << 6 |
    // shift, or 0 for a 4 KiB page. Beside the entries: compiled code knows
    // only TlbEntry, and a flush_page scan reads 2 KiB, not the 8 KiB of entries.
    uint64_t superpage_[kSize] = {};
    uint64_t super_first_ = ~0ull, super_last_ = 0;  // bytes the cached superpages span
    uint64_t victim_page_[kVictims];
    TlbEntry victims_[kVictims];
    uint64_t victim_superpage_[kVictims];
    unsigned victim_next_ = 0;
    TlbStats* stats_;
    TlbStats own_stats_;
};

}  // namespace xvm::mem
