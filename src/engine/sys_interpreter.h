// The interpreter of system mode: the same pre-decoded blocks and shared handlers
// as user mode (interp_ops.inc), with guest memory through the soft MMU and TLB,
// privileged instructions, CSRs with privilege rules, traps and interrupts.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/block_cache.h"
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
    uint64_t code_flushes = 0;
};

class SysInterpreter {
public:
    // `time` gives the 10 MHz time counter (the CLINT's mtime).
    SysInterpreter(riscv::Cpu& cpu, riscv::PrivState& ps, riscv::Mmu& mmu, const mem::Bus& bus,
                   uint64_t (*time)(void*), void* time_ctx);

    // Runs the hart until the machine must act; traps and interrupts are taken here.
    HartStop run();

    // Marks a physical page as watched for stores (HTIF tohost).
    void watch_page(uint64_t pa);
    void flush_code();
    const HartStats& stats() const { return stats_; }

private:
    enum class Stop : uint8_t { Trap, Continue, Wfi, Exit, FlushCode, Watch };
    struct Result {
        Stop stop;
        uint64_t cause = 0, tval = 0;
    };
    Result execute();
    Block* build_block(uint64_t pc, uint64_t pa, riscv::Fault& f);
    // The block for virtual pc as currently mapped: found by pc, checked against
    // the physical address and the page's code generation.
    Block* lookup(uint64_t pc, riscv::Fault& f);
    uint32_t& page_gen(uint64_t pa) { return page_gen_[(pa - ram_base_) >> 12]; }
    // A store hit a watched page: its decoded blocks become stale.
    bool code_written(uint64_t pa);
    uint64_t time() const { return time_(time_ctx_); }
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
};

}  // namespace xvm::engine
