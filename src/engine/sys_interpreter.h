// The interpreter of system mode: the same pre-decoded blocks and shared handlers
// as user mode (interp_ops.inc), with guest memory through the soft MMU and TLB,
// privileged instructions, CSRs with privilege rules, traps and interrupts.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/result.h"
#include "engine/block_cache.h"
#include "engine/options.h"
#include "isa/riscv/cpu.h"
#include "isa/riscv/mmu.h"
#include "isa/riscv/priv.h"
#include "mem/bus.h"

namespace xvm::engine {

enum class HartStop : uint8_t {
    Exit,   // cpu.exit_request was set (device interrupt, machine event)
    Wfi,    // WFI with no interrupt pending: sleep until one is
    Watch,  // a store hit a watched page other than code (HTIF mailbox)
};

struct HartStats {
    uint64_t traps = 0;
    uint64_t interrupts = 0;
    uint64_t blocks_built = 0;
    uint64_t code_flushes = 0;  // pages whose code was written, plus whole flushes
    uint64_t jit_entries = 0;   // entries into compiled code from the interpreter
    uint64_t jit_links = 0;     // direct jumps between compiled blocks patched
    // Block lookups through the fetch cache by the engine (compiled code's own
    // probes are not counted).
    uint64_t fetch_hits = 0, fetch_misses = 0;
};

class SysInterpreter {
  public:
    // `time` gives the 10 MHz time counter (the CLINT's mtime). Without
    // `engine`, or with EngineKind::Interp, everything is interpreted.
    SysInterpreter(riscv::Cpu& cpu, riscv::PrivState& ps, riscv::Mmu& mmu, const mem::Bus& bus,
                   uint64_t (*time)(void*), void* time_ctx);
    // Sets up the JIT as `opts` ask (call before run()).
    xvm::Result<void> set_engine(const EngineOptions& opts);

    // Runs the hart until the machine must act; traps and interrupts are taken here.
    HartStop run();

    // Marks a physical page as watched for stores (HTIF tohost).
    void watch_page(uint64_t pa);
    // A device is about to write [pa, pa+len): code decoded from there goes
    // stale. A Bus DMA observer (any thread); `self` is the SysInterpreter.
    static void dma_written(void* self, uint64_t pa, uint64_t len);
    void flush_code();
    const HartStats& stats() const { return stats_; }
    const jit::Jit* jit() const { return jit_.get(); }
    // The engine's lines of --stats.
    void print_stats(std::FILE* out) const;

  private:
    enum class Stop : uint8_t { Trap, Continue, Wfi, Exit, Watch };
    struct Result {
        Stop stop;
        uint64_t cause = 0, tval = 0;
    };
    Result execute();
    // Runs b's compiled code and the compiled blocks it leads to. Returns the
    // stop for run(), or Stop::Continue with `next` set to an interpreted block.
    Result run_compiled(Block* b, Block*& next);
    // lookup() through the fetch cache: a hit needs no translation and no checks.
    Block* find_block(uint64_t pc, riscv::Fault& f);
    void remember(Block* b);
    // Code reached by virtual address may have changed: forget every such shortcut.
    void new_fetch_epoch() { mmu_.new_fetch_generation(); }
    // Compiles b if the code cache has room (it is flushed at the next block
    // build otherwise); never flushes anything itself.
    void compile(Block* b);
    static jit::SlowLoadResult slow_load(void* self, uint64_t va, uint64_t kind);
    static uint64_t slow_store(void* self, uint64_t va, uint64_t value, uint64_t size);
    Block* build_block(uint64_t pc, uint64_t pa, riscv::Fault& f);
    // The block for virtual pc as currently mapped: found by pc, checked against
    // the physical address and the page's code generation.
    Block* lookup(uint64_t pc, riscv::Fault& f);
    uint32_t& page_gen(uint64_t pa) { return page_gen_[(pa - ram_base_) >> 12]; }
    // A store hit a watched page: its decoded blocks become stale.
    bool code_written(uint64_t pa);
    uint64_t time() const { return time_(time_ctx_); }
    // The time run()'s interrupt check compares with Sstc's stimecmp: a clock
    // read reused for a while (see the definition).
    uint64_t irq_time();
    uint32_t bits_at(uint64_t pc);
    void apply_effects();
    void mark_code(uint64_t pa);

    riscv::Cpu& cpu_;
    riscv::PrivState& ps_;
    riscv::Mmu& mmu_;
    const mem::Bus& bus_;
    uint64_t (*time_)(void*);
    void* time_ctx_;
    // Blocks by virtual pc. They do not depend on the privilege (every privileged
    // check happens when an instruction runs), so one cache serves all modes.
    BlockCache cache_;
    std::vector<uint8_t> watch_;      // per RAM page: 1 = decoded code, 2 = machine watch
    std::vector<uint32_t> page_gen_;  // per RAM page: bumped when its code is written
    uint64_t ram_base_ = 0;
    riscv::Fault fault_;
    const void* const* labels_ = nullptr;
    HartStats stats_;
    // The JIT (null: interpreter only), how hot a block must get, and whether
    // every block is compiled when built (--engine jit).
    std::unique_ptr<jit::Jit> jit_;
    uint32_t hot_threshold_ = 0;
    bool compile_all_ = false;
    unsigned max_block_insns_ = 64;
    Stop stop_after_store_ = Stop::Continue;  // what a compiled store's stop means
    bool interpret_next_ = false;             // run_compiled's `next` must run interpreted
    uint64_t code_epoch_ = 0;                 // bumped by every flush_code()
    std::unique_ptr<jit::FetchCacheEntry[]> fetch_cache_;
    // irq_time's last clock read, the instret it was read at and the checks
    // that used it since (the cache is empty when irq_time_uses_ is at its limit).
    uint64_t irq_time_ = 0, irq_time_instret_ = 0;
    unsigned irq_time_uses_ = ~0u;
};

}  // namespace xvm::engine
