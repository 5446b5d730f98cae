// Guest pc -> pre-decoded block. Blocks live in an arena and are dropped all at
// once (fence.i, unmapped code), which also drops every link between them.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/block.h"

namespace xvm::engine {

class BlockCache {
  public:
    static constexpr unsigned kJumpCacheBits = 12;

    Block* find(uint64_t pc) {
        Block* b = jump_cache_[index(pc)];
        if (b && b->pc == pc) return b;
        auto it = map_.find(pc);
        if (it == map_.end()) return nullptr;
        jump_cache_[index(pc)] = it->second;
        return it->second;
    }
    // Storage for a new block with `n` instruction slots; registered by insert().
    Block* allocate(uint32_t n);
    // A block of the n decoded instructions at [pc, end): ended by its last one,
    // or else by a synthetic end dispatched to `end_handler`; empty links.
    // Registered by insert().
    Block* build(uint64_t pc, uint64_t end, const Insn* insns, uint32_t n, bool ended,
                 const void* end_handler);
    void insert(Block* b) {
        map_[b->pc] = b;
        jump_cache_[index(b->pc)] = b;
    }
    void flush();

    size_t blocks() const { return map_.size(); }
    uint64_t flushes() const { return flushes_; }

  private:
    static unsigned index(uint64_t pc) { return (pc >> 1) & ((1u << kJumpCacheBits) - 1); }
    void* carve(size_t bytes);

    std::unordered_map<uint64_t, Block*> map_;
    Block* jump_cache_[1u << kJumpCacheBits] = {};
    std::vector<std::unique_ptr<uint8_t[]>> chunks_;
    size_t chunk_used_ = 0;
    size_t chunk_size_ = 0;
    uint64_t flushes_ = 0;
};

}  // namespace xvm::engine
