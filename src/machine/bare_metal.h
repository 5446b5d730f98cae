// Bare-metal mode (`xvm run -bios none -kernel test.elf`): RAM at 0x8000_0000, an
// ELF loaded at its physical addresses, and the HTIF tohost/fromhost mailbox of
// Spike and QEMU, through which test programs print and report pass/fail.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "engine/sys_interpreter.h"
#include "isa/riscv/cpu.h"
#include "isa/riscv/mmu.h"
#include "isa/riscv/priv.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"

namespace xvm::machine {

struct BareMetalOptions {
    std::string kernel;  // the ELF to run
    uint64_t ram_base = 0x80000000;
    uint64_t ram_size = 128ull << 20;
    engine::EngineOptions engine;
};

class BareMetal {
  public:
    static Result<std::unique_ptr<BareMetal>> create(const BareMetalOptions& opts);
    ~BareMetal();
    // Runs until the program reports through tohost; returns its exit status
    // (0 = pass), or an error when it can make no progress (WFI with nothing to
    // wake it).
    Result<int> run();

    riscv::Cpu& cpu() { return cpu_; }
    const engine::HartStats& hart_stats() const { return hart_->stats(); }
    const riscv::Mmu& mmu() const { return *mmu_; }
    const engine::SysInterpreter& hart() const { return *hart_; }

  private:
    BareMetal() = default;
    // Handles a tohost command; true with `exit_code` when the program is done.
    bool service_htif(int& exit_code);
    static uint64_t time_now(void* self);

    std::unique_ptr<mem::GuestRam> ram_;
    mem::Bus bus_;
    riscv::Cpu cpu_;
    riscv::PrivState ps_{0};
    std::unique_ptr<riscv::Mmu> mmu_;
    std::unique_ptr<engine::SysInterpreter> hart_;
    uint64_t tohost_ = 0, fromhost_ = 0;
    uint64_t start_ns_ = 0;
    // Nudges the hart every millisecond so it looks at timer interrupts (Sstc)
    // even while it spins in chained blocks.
    std::thread ticker_;
    std::atomic<bool> ticker_stop_{false};
};

}  // namespace xvm::machine
