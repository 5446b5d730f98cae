// x86-64 backend: compiles one IR block into the code cache with xbyak.
//
// Conventions of compiled code (set up by the trampoline, see jit.cpp):
//   rbx  the guest Cpu
//   user mode (Masked):    r12  guest memory base     r13  guest address mask
//   system mode (SoftTlb): r12  the data TLB's entries r13  scratch
//   rsp  a fixed frame of spill slots, 16-byte aligned at calls
//   rax, rcx, rdx  scratch; values are allocated to rsi, rdi, r8-r11, rbp, r14, r15
// Guest registers are written through to the Cpu at every SetReg, so the Cpu is
// current at each instruction that can fault (precise exceptions); the fault's
// guest pc comes from the block's fault-site table.
#pragma once

#include <cstdint>
#include <memory>

#include "ir/ir.h"
#include "jit/code_cache.h"

namespace xvm::jit {

// How compiled code reaches guest memory.
enum class MemoryMode : uint8_t {
    Masked,   // host address = r12 + (guest address & r13); faults arrive as SIGSEGV
    SoftTlb,  // inline soft-TLB hit path (mem/tlb.h); misses, MMIO, misaligned and
              // watched pages call the slow-path functions below
};

// The slow path of a soft-TLB load: the value (extended as the op asks) or a
// fault (status != 0; the callee keeps the cause). `kind` = size | signed << 8.
struct SlowLoadResult {
    uint64_t value;
    uint64_t status;
};
using SlowLoadFn = SlowLoadResult (*)(void* ctx, uint64_t va, uint64_t kind);
// The slow path of a store: 0 done, 1 fault (nothing written), 2 done but the
// block must stop after this instruction (the store reached watched memory).
using SlowStoreFn = uint64_t (*)(void* ctx, uint64_t va, uint64_t value, uint64_t size);
inline constexpr uint64_t kSlowFault = 1;
inline constexpr uint64_t kSlowStop = 2;

// System mode's cache of virtual pc -> code, shared with the interpreter (which
// keeps its own block pointer in `block`). An entry counts only while `epoch`
// equals cpu.fetch_epoch, so the engine empties it all by bumping that.
// Compiled code probes it for indirect jumps and jumps to other pages.
struct FetchCacheEntry {
    uint64_t va = ~0ull;
    uint64_t epoch = 0;
    const uint8_t* code = nullptr;  // compiled code, or null
    void* block = nullptr;
};
static_assert(sizeof(FetchCacheEntry) == 32, "compiled code indexes entries by shift");
inline constexpr unsigned kFetchCacheBits = 12;
inline constexpr unsigned kFetchCacheSize = 1u << kFetchCacheBits;
inline unsigned fetch_cache_index(uint64_t va) {
    return static_cast<unsigned>(va >> 1) & (kFetchCacheSize - 1);
}

struct BackendContext {
    uint8_t* epilogue = nullptr;       // returns rax (ExitRecord* or 0) to the engine
    const void* jump_cache = nullptr;  // JumpCacheEntry[kJumpCacheSize]; Masked mode only
    MemoryMode memory = MemoryMode::Masked;
    void* slow_ctx = nullptr;
    SlowLoadFn slow_load = nullptr;
    SlowStoreFn slow_store = nullptr;
    const FetchCacheEntry* fetch_cache = nullptr;  // kFetchCacheSize entries
    uint64_t* probe_hits = nullptr;                // counts jump/fetch cache hits in compiled code
    // Where a slow path leaves compiled code, cpu.pc and instret set: at the
    // faulting instruction, or after the store that must stop the block.
    const ExitRecord* fault_exit = nullptr;
    const ExitRecord* stop_exit = nullptr;
    // GuardFp (system mode): mstatus to check and update, and where a failed
    // guard leaves, cpu.pc at the F/D instruction for the interpreter to run.
    uint64_t* mstatus = nullptr;
    const ExitRecord* resume_exit = nullptr;
    bool has_popcnt = true;
    bool has_lzcnt = true;
    bool has_bmi1 = true;
    bool has_bmi2 = true;
};

struct JumpCacheEntry {
    uint64_t pc;
    const uint8_t* code;
};
inline constexpr unsigned kJumpCacheBits = 12;
inline constexpr unsigned kJumpCacheSize = 1u << kJumpCacheBits;

// The most code one block may take; the cache keeps this much free for the next.
inline constexpr size_t kMaxBlockCode = 64 * 1024;

// The spill area: one slot per IR value, plus scratch for call arguments.
inline constexpr unsigned kMaxValues = 2048;
inline constexpr unsigned kFrameBytes = 8 * (kMaxValues + 8) + 8;  // == 8 mod 16

// Compiles `b` at cache->cursor(). Returns nullptr if the block cannot be compiled
// (too large, an op this host lacks) or the cache has no room (then *full is set).
std::unique_ptr<JitBlock> compile_x64(const ir::Block& b, CodeCache& cache,
                                      const BackendContext& ctx, bool* full);

}  // namespace xvm::jit
