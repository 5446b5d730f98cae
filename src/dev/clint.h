// SiFive CLINT (sifive,clint0; QEMU virt: 0x0200_0000, 0x10000 bytes): a
// software-interrupt bit (msip) and a timer compare (mtimecmp) per hart, and the
// shared 64-bit mtime counter. mtime runs at 10 MHz from the host's
// CLOCK_MONOTONIC and reads 0 at construction and after reset.
//
// Each hart's InterruptSink gets line 3 (mip.MSIP) and line 7 (mip.MTIP). Time
// moves without MMIO writes, so harts call update() at block boundaries and
// after waking to re-evaluate MTIP, and ns_until_timer() to bound a WFI sleep.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "dev/irq.h"
#include "mem/mmio.h"

namespace xvm::dev {

class Clint final : public mem::MmioDevice {
  public:
    static constexpr uint64_t kSize = 0x10000;
    static constexpr uint64_t kTimebaseHz = 10'000'000;
    static constexpr unsigned kMaxHarts = 4095;              // msip[] ends where mtimecmp[] starts
    static constexpr unsigned kMsipLine = 3, kMtipLine = 7;  // mip bits (privileged spec 3.1.9)

    explicit Clint(unsigned num_harts);
    // The hart's mip; sinks may be connected after construction, before the harts run.
    void connect(unsigned hart, InterruptSink* sink);
    unsigned num_harts() const { return num_harts_; }

    const char* name() const override { return "clint"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // The 10 MHz count (mtime; also the `time` CSR and the Sstc comparisons).
    uint64_t time() const;
    // Re-evaluates MTIP for `hart` now. Cheap when nothing changed: no lock, no
    // sink call.
    void update(unsigned hart);
    // Host nanoseconds until mtime reaches the hart's mtimecmp: 0 if it already
    // has, UINT64_MAX if it never will (mtimecmp = all ones).
    uint64_t ns_until_timer(unsigned hart) const;

  private:
    struct Hart {
        InterruptSink* sink = nullptr;
        std::atomic<uint64_t> mtimecmp{~0ull};
        std::atomic<bool> mtip{false};  // last level sent to the sink
        bool msip = false;
    };

    static uint64_t host_ticks();  // CLOCK_MONOTONIC in 10 MHz ticks
    void set_time(uint64_t t);
    void refresh_mtip(Hart& h, bool always_notify);  // with mu_ held

    const unsigned num_harts_;
    std::unique_ptr<Hart[]> harts_;
    std::atomic<uint64_t> time_offset_{0};  // mtime = host_ticks() + time_offset_
    std::mutex mu_;                         // serialises register writes and sink calls
};

}  // namespace xvm::dev
