// The `virt` board of system mode: RAM at 0x8000_0000, CLINT, PLIC, 16550 UART,
// syscon poweroff/reboot, goldfish RTC and virtio-mmio slots at QEMU's addresses,
// a generated device tree, and the hart loop: interrupts, WFI sleeping, timers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "dev/clint.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/syscon.h"
#include "dev/uart16550.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_console.h"
#include "dev/virtio_mmio.h"
#include "dev/virtio_rng.h"
#include "engine/sys_interpreter.h"
#include "isa/riscv/mmu.h"
#include "isa/riscv/priv.h"
#include "machine/boot.h"
#include "machine/chardev.h"
#include "mem/bus.h"
#include "mem/guest_ram.h"

namespace xvm::machine {

struct DriveOption {
    std::string file;
    std::string id;
    bool readonly = false;
};

struct VirtOptions {
    uint64_t ram_size = 128ull << 20;
    unsigned smp = 1;
    BootImages images;
    std::string append;              // kernel command line
    std::string dumpdtb;             // write the device tree here and exit
    std::vector<DriveOption> disks;  // virtio-blk devices, in slot order
    bool rng = false;                // a virtio-rng device
    // The UART's backend, and one virtio-console device (a single port) per
    // entry, after the disks and rng in slot order. At most one may be kStdio.
    CharDevOption serial{CharDevOption::Kind::kStdio};
    std::vector<CharDevOption> consoles;
    int stdin_fd = 0, stdout_fd = 1;  // what kStdio means
    engine::EngineOptions engine;
};

class VirtMachine {
  public:
    static constexpr uint64_t kRamBase = 0x80000000;

    static Result<std::unique_ptr<VirtMachine>> create(const VirtOptions& opts);
    ~VirtMachine();

    // Runs until the guest powers off (status 0), fails through syscon (its code),
    // or the user quits (Ctrl-A X: status 0).
    int run();
    void print_stats(FILE* out, double secs) const;

  private:
    VirtMachine() = default;
    // The hart's view of its interrupt lines (CLINT, PLIC) and its wake-ups.
    class HartLines : public dev::InterruptSink {
      public:
        explicit HartLines(VirtMachine& m) : m_(m) {}
        void set_level(unsigned line, bool level) override;

      private:
        VirtMachine& m_;
    };
    void request_stop(int status);
    void stop_chardevs();
    void kick();  // make the hart look at interrupts and machine events soon
    void ticker_loop();
    uint64_t ns_until_next_timer() const;
    static uint64_t time_fn(void* self);

    VirtOptions opts_;
    std::unique_ptr<mem::GuestRam> ram_;
    mem::Bus bus_;
    riscv::Cpu cpu_;
    riscv::PrivState ps_{0};
    std::unique_ptr<riscv::Mmu> mmu_;
    std::unique_ptr<engine::SysInterpreter> hart_;
    std::unique_ptr<HartLines> lines_;
    std::unique_ptr<dev::Clint> clint_;
    std::unique_ptr<dev::Plic> plic_;
    // Backends before the devices that write to them (members go in reverse order).
    std::unique_ptr<CharDev> serial_;
    std::vector<std::unique_ptr<CharDev>> console_chardevs_;
    std::unique_ptr<dev::Uart16550> uart_;
    std::unique_ptr<dev::Syscon> syscon_;
    std::unique_ptr<dev::GoldfishRtc> rtc_;
    // virtio: devices, then their transports (destroyed first: members go in
    // reverse order).
    std::vector<std::unique_ptr<dev::VirtioBlk>> disks_;
    std::unique_ptr<dev::VirtioRng> rng_;
    std::vector<std::unique_ptr<dev::VirtioConsole>> consoles_;
    std::vector<std::unique_ptr<dev::VirtioMmio>> virtio_;

    std::atomic<int> stop_status_{-1};
    std::mutex wake_mu_;
    std::condition_variable wake_cv_;
    std::thread ticker_;
    std::atomic<bool> ticker_stop_{false};
    uint64_t wfi_sleeps_ = 0;
};

}  // namespace xvm::machine
