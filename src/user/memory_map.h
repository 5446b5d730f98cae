// The guest's mappings in user mode: which ranges are mapped (even PROT_NONE
// ones), so mmap can find free space and munmap/mprotect can check their range.
// Protection bits themselves live in the AddressSpace page table.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace xvm::user {

class MemoryMap {
public:
    // The layout follows Linux riscv64 with Sv39 (TASK_SIZE = user_top = 2^38):
    // the stack just below the top, mmap space growing down from 1/64 below it,
    // PIE executables at 2/3 (ELF_ET_DYN_BASE). Smaller address spaces scale down.
    explicit MemoryMap(uint64_t user_top = 1ull << 38) : user_top_(user_top) {}
    static constexpr uint64_t kStackSize = 8ull << 20;
    static constexpr uint64_t kMmapBottom = 0x0000100000ull;
    uint64_t stack_top() const { return user_top_ - 4096; }
    uint64_t mmap_top() const { return user_top_ - user_top_ / 64; }
    uint64_t pie_base() const { return (user_top_ / 3 * 2) & ~uint64_t{0xfff}; }
    uint64_t user_top() const { return user_top_; }

    void add(uint64_t start, uint64_t end);
    void remove(uint64_t start, uint64_t end);
    bool overlaps(uint64_t start, uint64_t end) const;
    // Highest free, page-aligned gap of `len` bytes below `top` (and above kMmapBottom).
    std::optional<uint64_t> find_free(uint64_t len) const { return find_free_below(len, mmap_top()); }
    std::optional<uint64_t> find_free_below(uint64_t len, uint64_t top) const;
    size_t count() const { return ranges_.size(); }

private:
    uint64_t user_top_;
    std::map<uint64_t, uint64_t> ranges_;  // start -> end, disjoint, coalesced
};

}  // namespace xvm::user
