// The pre-decoding interpreter: guest code is decoded once into blocks, and
// blocks run by threaded dispatch (computed goto). Guest faults and system calls
// stop the run loop with a Stop the caller (user or system mode) acts on.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/block_cache.h"
#include "isa/riscv/cpu.h"
#include "mem/address_space.h"

namespace xvm::engine {

enum class StopReason : uint8_t {
    Ecall,       // pc at the ecall
    Ebreak,      // pc at the ebreak
    Illegal,     // pc at the instruction, `bits` its encoding
    FetchFault,  // `addr` could not be fetched
    LoadFault,   // `addr` not readable, pc at the load
    StoreFault,  // `addr` not writable, pc at the store/AMO
    Misaligned,  // atomic access to a misaligned `addr`
    FenceI,      // pc after the fence.i; code caches were flushed
    Exit,        // request_exit() was called; pc is where to resume
    EnterJit,    // pc starts a block with compiled code
    Hot,         // pc starts a block that has run often (tiering: compile it)
};

struct Stop {
    StopReason reason;
    uint64_t addr = 0;
    uint32_t bits = 0;
};

struct InterpStats {
    uint64_t blocks_built = 0;
    uint64_t insns_decoded = 0;
    uint64_t block_lookups = 0;  // dispatches that missed the block's cached links
};

class Interpreter {
  public:
    static constexpr uint32_t kMaxBlockInsns = 64;

    Interpreter(riscv::Cpu& cpu, mem::AddressSpace& space);

    // Runs guest code from cpu.pc until something needs the caller. run() arms
    // the host-fault recovery itself; execute() leaves that to the caller (the
    // engine, which also runs compiled code under the same recovery point).
    Stop run();
    Stop execute(bool ignore_jit_entry = false);

    // Tiering: blocks whose backward branches or indirect entries pass `threshold`
    // stop with StopReason::Hot (0: never). `has_code(ctx, pc)` says whether
    // compiled code exists for pc; such blocks stop with EnterJit.
    void set_tiering(uint32_t threshold, bool (*has_code)(void*, uint64_t), void* ctx) {
        hot_threshold_ = threshold;
        has_code_ = has_code;
        has_code_ctx_ = ctx;
    }
    // Compiled code now exists for pc: its block (if decoded) hands over from now on.
    void mark_compiled(uint64_t pc);
    // What the interpreter saw of the branch ending the block at pc: +1 taken
    // at least 15 times in 16, -1 not taken as often, 0 otherwise (or no
    // branch), jit::kBiasUnknown when the block ran too few times or never.
    int branch_bias(uint64_t pc);
    // The pc of the memory instruction that faulted last (after a host fault).
    // The guest pc of a host fault in the interpreter; counts the instructions
    // of the block that retired before it (instret is added at block ends).
    uint64_t fault_pc() {
        if (!fault_insn_) return cpu_.pc;
        cpu_.instret += fault_insn_->retired - 1u;
        return fault_insn_->pc;
    }
    // Asks a running run() to return at the next block boundary (any thread,
    // async-signal-safe).
    void request_exit() {
        exit_asked_.store(true, std::memory_order_relaxed);
        std::atomic_ref<uint8_t>(cpu_.exit_request).store(1, std::memory_order_release);
    }
    // Whether request_exit() was called since the last time: an Exit stop
    // without it is the engine's own (a write to translated code, host_fault.h),
    // not one to hand to the caller.
    bool take_exit_asked() { return exit_asked_.exchange(false, std::memory_order_acquire); }
    // Drops all decoded code (fence.i, munmap/mprotect of code).
    void flush_code() { cache_.flush(); }

    const InterpStats& stats() const { return stats_; }
    const BlockCache& cache() const { return cache_; }

  private:
    // Decodes the block at pc; nullptr if pc itself cannot be fetched.
    Block* build_block(uint64_t pc);
    Block* lookup(uint64_t pc) {
        Block* b = cache_.find(pc);
        return b ? b : build_block(pc);
    }

    riscv::Cpu& cpu_;
    mem::AddressSpace& space_;
    BlockCache cache_;
    InterpStats stats_;
    // The memory instruction being executed, so a host fault maps to a guest pc
    // (one store per access instead of keeping cpu.pc current).
    const Insn* fault_insn_ = nullptr;
    std::atomic<bool> exit_asked_{false};
    // The interpreter's handler addresses by handler index (published by execute()).
    const void* const* labels_ = nullptr;
    uint32_t hot_threshold_ = 0;
    bool (*has_code_)(void*, uint64_t) = nullptr;
    void* has_code_ctx_ = nullptr;
    // The instruction bits at pc, for reports (the block keeps only decoded fields).
    uint32_t bits_at(uint64_t pc) const;
};

}  // namespace xvm::engine
