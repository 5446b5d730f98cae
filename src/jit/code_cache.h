// The bounded executable region compiled code lives in, and the blocks in it.
// When full it is flushed whole: every block, and so every link between blocks,
// goes at once (design.md, "Code cache").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace xvm::jit {

struct JitBlock;

// Where compiled code left a block for the engine. `patch` is the rel32 field of
// the jump to rewrite when the target gets compiled (nullptr: not linkable).
struct ExitRecord {
    uint64_t target_pc = 0;
    uint8_t* patch = nullptr;
    JitBlock* from = nullptr;
    bool indirect = false;  // target is in cpu.pc, written by the code
};

struct JitBlock {
    uint64_t pc = 0;
    uint32_t guest_insns = 0;
    uint8_t* code = nullptr;  // entry point
    size_t size = 0;
    // Offset of the code after the entry's exit-request check: forward links
    // jump there (every cycle still has a backward or indirect jump, which
    // enters through the check).
    uint32_t body_offset = 0;
    ExitRecord exits[3];  // the terminal's two ways out, and the entry's exit request
    // A superblock's side exits, sized before its code is emitted (records must
    // not move: compiled code and the engine point at them).
    std::vector<ExitRecord> side_exits;
    // Each guest memory access: the code offset just past it, the guest pc and
    // the index of its instruction in the block.
    struct FaultSite {
        uint32_t offset;
        uint32_t insn;
        uint64_t pc;
    };
    std::vector<FaultSite> fault_sites;
    // A loop's guest registers held in host registers (x86 register numbers)
    // instead of the Cpu: a host fault inside the block finds them there.
    std::vector<std::pair<uint8_t, uint8_t>> pinned;
    // The guest pc of a fault at host_pc, and how many of the block's
    // instructions (counted on entry) did not retire.
    uint64_t fault_pc(uintptr_t host_pc, uint32_t* unretired = nullptr) const;
};

class CodeCache {
  public:
    static Result<std::unique_ptr<CodeCache>> create(size_t bytes);
    ~CodeCache();

    uint8_t* begin() const { return mem_; }
    size_t capacity() const { return size_; }
    size_t used() const { return used_; }
    size_t free() const { return size_ - used_; }
    // Reserves room at the current end; `commit` takes what was written.
    uint8_t* cursor() { return mem_ + used_; }
    void commit(size_t bytes) { used_ += (bytes + 15) & ~size_t{15}; }
    void set_floor(size_t bytes) { floor_ = used_ = bytes; }  // keeps the trampoline

    // Takes ownership; find_host() sees the block at once, find() after index().
    JitBlock* add(std::unique_ptr<JitBlock> b);
    void index(JitBlock* b) { by_pc_[b->pc] = b; }
    JitBlock* find(uint64_t pc) const {
        auto it = by_pc_.find(pc);
        return it == by_pc_.end() ? nullptr : it->second;
    }
    // The block whose code contains host_pc, or nullptr.
    const JitBlock* find_host(uintptr_t host_pc) const;
    bool contains(uintptr_t host_pc) const {
        return host_pc >= reinterpret_cast<uintptr_t>(mem_) &&
               host_pc < reinterpret_cast<uintptr_t>(mem_) + size_;
    }
    void flush();
    size_t blocks() const { return by_pc_.size(); }

  private:
    CodeCache(uint8_t* mem, size_t size) : mem_(mem), size_(size) {}
    uint8_t* mem_;
    size_t size_;
    size_t used_ = 0;
    size_t floor_ = 0;
    std::unordered_map<uint64_t, JitBlock*> by_pc_;
    std::map<uintptr_t, JitBlock*> by_host_;
    std::vector<std::unique_ptr<JitBlock>> owned_;
};

}  // namespace xvm::jit
