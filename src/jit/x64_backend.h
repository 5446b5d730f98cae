// x86-64 backend: compiles one IR block into the code cache with xbyak.
//
// Conventions of compiled code (set up by the trampoline, see jit.cpp):
//   rbx  the guest Cpu            r12  guest memory base     r13  guest address mask
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

struct BackendContext {
    uint8_t* epilogue = nullptr;       // returns rax (ExitRecord* or 0) to the engine
    const void* jump_cache = nullptr;  // JumpCacheEntry[kJumpCacheSize]
    bool has_popcnt = true;
    bool has_lzcnt = true;
    bool has_bmi1 = true;
};

struct JumpCacheEntry {
    uint64_t pc;
    const uint8_t* code;
};
inline constexpr unsigned kJumpCacheBits = 12;
inline constexpr unsigned kJumpCacheSize = 1u << kJumpCacheBits;

// The spill area: one slot per IR value, plus scratch for call arguments.
inline constexpr unsigned kMaxValues = 2048;
inline constexpr unsigned kFrameBytes = 8 * (kMaxValues + 8) + 8;  // == 8 mod 16

// Compiles `b` at cache->cursor(). Returns nullptr if the block cannot be compiled
// (too large, an op this host lacks) or the cache has no room (then *full is set).
std::unique_ptr<JitBlock> compile_x64(const ir::Block& b, CodeCache& cache,
                                      const BackendContext& ctx, bool* full);

}  // namespace xvm::jit
