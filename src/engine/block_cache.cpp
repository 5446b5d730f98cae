#include "engine/block_cache.h"

#include <algorithm>
#include <cstring>

namespace xvm::engine {

namespace {
constexpr size_t kChunkSize = 1 << 20;
}

void* BlockCache::carve(size_t bytes) {
    bytes = (bytes + 15) & ~size_t{15};
    if (chunks_.empty() || chunk_used_ + bytes > chunk_size_) {
        chunk_size_ = std::max(kChunkSize, bytes);
        chunks_.emplace_back(new uint8_t[chunk_size_]);
        chunk_used_ = 0;
    }
    void* p = chunks_.back().get() + chunk_used_;
    chunk_used_ += bytes;
    return p;
}

Block* BlockCache::allocate(uint32_t n) {
    // One piece: the instructions right after the Block (Block::of_first).
    auto* mem = static_cast<uint8_t*>(carve(Block::kInsnsOffset + sizeof(Insn) * n));
    auto* b = new (mem) Block{};
    b->insns = reinterpret_cast<Insn*>(mem + Block::kInsnsOffset);
    return b;
}

Block* BlockCache::build(uint64_t pc, uint64_t end, const Insn* insns, uint32_t n, bool ended,
                         const void* end_handler) {
    // n instructions, maybe a synthetic end, and one slot holding the links.
    Block* b = allocate(n + 2);
    b->pc = pc;
    b->end_pc = end;
    b->count = n;
    b->has_end = !ended;
    std::memcpy(b->insns, insns, sizeof(Insn) * n);
    if (!ended) {
        Insn& e = b->insns[n];
        std::memset(&e, 0, sizeof e);
        e.handler = end_handler;
        e.pc = end;
        e.retired = static_cast<uint16_t>(n);
    }
    b->links() = BlockLinks{};
    b->first_handler = b->insns[0].handler;
    return b;
}

void BlockCache::flush() {
    map_.clear();
    std::memset(jump_cache_, 0, sizeof jump_cache_);
    // Keep the first chunk for reuse; blocks are trivially destructible.
    if (chunks_.size() > 1) chunks_.resize(1);
    chunk_used_ = 0;
    chunk_size_ = chunks_.empty() ? 0 : std::max(kChunkSize, chunk_size_);
    if (!chunks_.empty()) chunk_size_ = kChunkSize;
    ++flushes_;
}

}  // namespace xvm::engine
