// The soft TLB of system mode: direct-mapped, one tag per access kind and a host
// addend (QEMU's tlb-common.h and RVVM's riscv_mmu.h follow the same idea). A hit
// is a compare and an add; MMIO and watched pages carry kSlowPath in their tag,
// which can never equal a looked-up address, so they always take the slow path.
// The layout is shared by C++ and compiled code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xvm::mem {

struct TlbEntry {
    uint64_t tag_read;   // virtual page | flags, kInvalid when empty
    uint64_t tag_write;
    uint64_t tag_fetch;
    uintptr_t addend;    // host address = virtual address + addend (RAM pages)
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
    static constexpr unsigned kBits = 8;
    static constexpr unsigned kSize = 1u << kBits;
    static constexpr uint64_t kPageMask = 0xfff;
    static constexpr uint64_t kInvalid = ~0ull;
    static constexpr uint64_t kSlowPath = 1u << 3;  // in a tag: never matches (bits 0-2 = size-1)

    Tlb() { flush(); }

    static unsigned index(uint64_t va) { return (va >> 12) & (kSize - 1); }
    // The value a tag must equal for an access of `size` bytes at va to hit:
    // misaligned accesses keep their low bits and so miss (slow path).
    static uint64_t key(uint64_t va, unsigned size) { return va & (~kPageMask | (size - 1)); }

    TlbEntry& entry(uint64_t va) { return entries_[index(va)]; }
    const TlbEntry* data() const { return entries_; }

    void flush() {
        for (auto& e : entries_) e = {kInvalid, kInvalid, kInvalid, 0};
        ++stats_.flushes;
    }
    void flush_page(uint64_t va) {
        TlbEntry& e = entry(va);
        const uint64_t page = va & ~kPageMask;
        if ((e.tag_read & ~kSlowPath) == page || (e.tag_write & ~kSlowPath) == page ||
            (e.tag_fetch & ~kSlowPath) == page)
            e = {kInvalid, kInvalid, kInvalid, 0};
        ++stats_.page_flushes;
    }
    TlbStats& stats() { return stats_; }
    const TlbStats& stats() const { return stats_; }

private:
    TlbEntry entries_[kSize];
    TlbStats stats_;
};

}  // namespace xvm::mem
