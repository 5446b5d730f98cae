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
    // Layout constants (Linux riscv64 with Sv39: TASK_SIZE = 2^38).
    static constexpr uint64_t kStackTop = 0x3ffffff000ull;
    static constexpr uint64_t kStackSize = 8ull << 20;
    static constexpr uint64_t kMmapTop = 0x3f00000000ull;  // below the stack, grows down
    static constexpr uint64_t kMmapBottom = 0x0000100000ull;

    void add(uint64_t start, uint64_t end);
    void remove(uint64_t start, uint64_t end);
    bool overlaps(uint64_t start, uint64_t end) const;
    // Highest free, page-aligned gap of `len` bytes below `top` (and above kMmapBottom).
    std::optional<uint64_t> find_free(uint64_t len, uint64_t top = kMmapTop) const;
    size_t count() const { return ranges_.size(); }

private:
    std::map<uint64_t, uint64_t> ranges_;  // start -> end, disjoint, coalesced
};

}  // namespace xvm::user
