// The JIT: guest block -> IR -> passes -> x86-64 in the code cache, with direct
// block linking and a per-vCPU jump cache for indirect jumps.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <unordered_set>

#include "core/result.h"
#include "ir/passes.h"
#include "isa/riscv/cpu.h"
#include "jit/code_cache.h"
#include "jit/x64_backend.h"
#include "mem/address_space.h"

namespace xvm::jit {

struct JitOptions {
    size_t cache_bytes = 64u << 20;
    unsigned max_block_insns = 64;
    bool dump_ir = false;     // print each block's IR (after passes) to the log
    bool perf_map = false;    // append each block to /tmp/perf-PID.map for perf
    bool superblocks = true;  // tiered: go on past strongly biased branches
    unsigned alloc_regs = 0;  // host registers for values, 0 = all (fewer: allocator tests)
    unsigned loop_pins = 4;   // guest registers a self-loop keeps in host registers (0..4)
    ir::PassOptions passes;
};

struct JitStats {
    uint64_t blocks_compiled = 0;
    uint64_t guest_insns_compiled = 0;
    uint64_t not_compilable = 0;
    uint64_t code_bytes = 0;
    uint64_t cache_flushes = 0;  // all flushes: reclaims plus invalidations
    uint64_t reclaims = 0;       // flushes because the cache was full
    uint64_t probe_hits = 0;     // jump cache (user) / fetch cache (system) hits in compiled code
    uint64_t links = 0;
    uint64_t exits = 0;  // returns from compiled code to the engine
    uint64_t compile_ns = 0;
};

// System mode's memory: the soft TLB's slow path, called by compiled code.
struct SoftTlbHooks {
    void* ctx = nullptr;
    SlowLoadFn load = nullptr;
    SlowStoreFn store = nullptr;
    const FetchCacheEntry* fetch_cache = nullptr;
    uint64_t* mstatus = nullptr;  // for GuardFp
};

class Jit {
  public:
    // User mode: code and data in a masked guest address space.
    static Result<std::unique_ptr<Jit>> create(riscv::Cpu& cpu, mem::AddressSpace& space,
                                               const JitOptions& opts);
    // System mode: data through the soft TLB; the caller lifts code (it knows
    // where it lives) and keeps track of its blocks (compile_block).
    static Result<std::unique_ptr<Jit>> create_system(riscv::Cpu& cpu, const SoftTlbHooks& hooks,
                                                      const JitOptions& opts);

    ~Jit();
    Jit(const Jit&) = delete;
    Jit& operator=(const Jit&) = delete;

    JitBlock* find(uint64_t pc) const { return cache_->find(pc); }
    // Superblocks (user mode): where the lifter learns branch biases.
    void set_branch_profile(int (*bias)(const void*, uint64_t), const void* ctx) {
        bias_ = bias;
        bias_ctx_ = ctx;
    }
    // Compiles the block at pc once; nullptr if it cannot be compiled (the first
    // instruction is one the IR leaves to the interpreter), remembered so it is
    // not tried again until the next flush.
    JitBlock* compile(uint64_t pc);
    bool known_uncompilable(uint64_t pc) const { return failed_.count(pc) != 0; }

    // Passes and backend for a lifted block; not found by pc later (the caller
    // keeps it). nullptr if it cannot be compiled. Compiling may flush the cache
    // (stats().cache_flushes changes): every earlier block is gone then.
    JitBlock* compile_block(ir::Block& irb);

    // Runs compiled code from b until it leaves; returns where it left.
    const ExitRecord* enter(const JitBlock* b) {
        return enter_(&cpu_, b->code, space_->base(), address_bits_);
    }
    // System mode: `tlb` is the data TLB for the current privilege and mstatus.
    const ExitRecord* enter(const JitBlock* b, const void* tlb) {
        return enter_(&cpu_, b->code, static_cast<uint8_t*>(const_cast<void*>(tlb)), 0);
    }
    // Where slow paths leave (system mode): a fault at cpu.pc; a stop after a store.
    const ExitRecord* fault_exit() const { return &fault_exit_; }
    const ExitRecord* stop_exit() const { return &stop_exit_; }
    // Where a failed GuardFp leaves: continue at cpu.pc in the interpreter.
    const ExitRecord* resume_exit() const { return &resume_exit_; }
    // Makes a direct exit jump straight into `target` from now on.
    void link(const ExitRecord* r, const JitBlock* target);
    void fill_jump_cache(uint64_t pc, const JitBlock* b);

    // Drops all compiled code (invalidation, or the cache is full).
    void flush();
    // Whether the code cache can take another block without a flush.
    bool has_room() const { return cache_->free() >= kMaxBlockCode; }
    bool owns(uintptr_t host_pc) const { return cache_->contains(host_pc); }
    // The guest pc of a faulting memory access at host_pc in compiled code.
    // ... and takes the instructions that did not retire off cpu.instret, and
    // puts guest registers a loop kept in host registers (`gregs`, the
    // faulting context's, indexed by x86 register number) back into the Cpu.
    uint64_t fault_pc(uintptr_t host_pc, const uint64_t* gregs = nullptr);

    const JitStats& stats() const { return stats_; }
    size_t code_used() const { return cache_->used(); }

  private:
    using EnterFn = const ExitRecord* (*)(riscv::Cpu*, const uint8_t*, uint8_t*, uint64_t);
    Jit(riscv::Cpu& cpu, mem::AddressSpace* space, const JitOptions& opts)
        : cpu_(cpu), space_(space), opts_(opts) {}
    Result<void> init();
    void emit_trampoline();

    riscv::Cpu& cpu_;
    mem::AddressSpace* space_;  // null in system mode
    JitOptions opts_;
    std::unique_ptr<CodeCache> cache_;
    std::FILE* perf_map_ = nullptr;
    uint64_t address_bits_ = 0;  // user mode's r13: the mask, or its width with BMI2
    std::unique_ptr<JumpCacheEntry[]> jump_cache_;
    BackendContext ctx_;
    EnterFn enter_ = nullptr;
    std::unordered_set<uint64_t> failed_;
    ExitRecord fault_exit_, stop_exit_, resume_exit_;
    int (*bias_)(const void*, uint64_t) = nullptr;
    const void* bias_ctx_ = nullptr;
    JitStats stats_;
};

}  // namespace xvm::jit
