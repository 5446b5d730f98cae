#include "user/memory_map.h"

namespace xvm::user {

void MemoryMap::add(uint64_t start, uint64_t end) {
    remove(start, end);
    // Coalesce with neighbours.
    auto next = ranges_.lower_bound(start);
    if (next != ranges_.end() && next->first == end) {
        end = next->second;
        next = ranges_.erase(next);
    }
    if (next != ranges_.begin()) {
        auto prev = std::prev(next);
        if (prev->second == start) {
            prev->second = end;
            return;
        }
    }
    ranges_.emplace(start, end);
}

void MemoryMap::remove(uint64_t start, uint64_t end) {
    auto it = ranges_.lower_bound(start);
    if (it != ranges_.begin()) {
        auto prev = std::prev(it);
        if (prev->second > start) it = prev;
    }
    while (it != ranges_.end() && it->first < end) {
        const uint64_t s = it->first, e = it->second;
        it = ranges_.erase(it);
        if (s < start) ranges_.emplace(s, start);
        if (e > end) {
            ranges_.emplace(end, e);
            break;
        }
    }
}

bool MemoryMap::overlaps(uint64_t start, uint64_t end) const {
    auto it = ranges_.lower_bound(start);
    if (it != ranges_.end() && it->first < end) return true;
    if (it != ranges_.begin() && std::prev(it)->second > start) return true;
    return false;
}

std::optional<uint64_t> MemoryMap::find_free_below(uint64_t len, uint64_t top) const {
    // Walk gaps from the top down.
    uint64_t hi = top;
    auto it = ranges_.lower_bound(top);
    while (true) {
        uint64_t lo = kMmapBottom;
        if (it != ranges_.begin()) {
            auto prev = std::prev(it);
            lo = prev->second > lo ? prev->second : lo;
            if (prev->second > hi) {  // range straddles hi
                hi = prev->first;
                it = prev;
                continue;
            }
        }
        if (hi >= lo && hi - lo >= len) return hi - len;
        if (it == ranges_.begin()) return std::nullopt;
        --it;
        hi = it->first;
        if (hi <= kMmapBottom) return std::nullopt;
    }
}

}  // namespace xvm::user
