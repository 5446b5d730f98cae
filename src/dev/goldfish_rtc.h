// Goldfish RTC (google,goldfish-rtc; QEMU virt: 0x0010_1000, 0x1000 bytes, PLIC
// source 11): nanoseconds since the epoch from the host's CLOCK_REALTIME, plus a
// one-shot alarm. The guest may set the time; that only moves an offset, so
// the clock keeps running and the host clock is never touched.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "dev/irq.h"
#include "mem/mmio.h"

namespace xvm::dev {

class GoldfishRtc final : public mem::MmioDevice {
  public:
    static constexpr uint64_t kSize = 0x1000;

    explicit GoldfishRtc(IrqLine irq) : irq_(irq) {}
    ~GoldfishRtc() override;
    GoldfishRtc(const GoldfishRtc&) = delete;
    GoldfishRtc& operator=(const GoldfishRtc&) = delete;

    const char* name() const override { return "goldfish-rtc"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    // Disarms the alarm and lowers the interrupt; the time keeps running.
    void reset() override;

    uint64_t now_ns() const;  // the guest's time

  private:
    void fire();  // the alarm went off; with mu_ held
    void update_irq();
    void arm();
    void alarm_loop();

    IrqLine irq_;
    mutable std::mutex mu_;
    std::condition_variable cv_;  // wakes the alarm thread: new alarm, or stop
    std::thread alarm_thread_;    // started by the first alarm in the future
    bool stop_ = false;

    uint64_t offset_ns_ = 0;  // guest time = CLOCK_REALTIME + offset_ns_ (mod 2^64)
    uint32_t time_high_ = 0;  // latched by the last TIME_LOW read
    uint64_t alarm_ns_ = 0;
    bool alarm_running_ = false;
    bool irq_enabled_ = false;
    bool irq_pending_ = false;
    bool irq_level_ = false;
};

}  // namespace xvm::dev
