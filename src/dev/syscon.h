// SiFive test finisher (sifive,test1 / syscon; QEMU virt: 0x0010_0000, 0x1000
// bytes): one write-only register at offset 0 that powers the machine off,
// fails it with an exit code, or resets it. Linux's syscon-poweroff and
// syscon-reboot drivers and OpenSBI's sifive test driver write it with sw.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "mem/mmio.h"

namespace xvm::dev {

class Syscon final : public mem::MmioDevice {
  public:
    static constexpr uint64_t kSize = 0x1000;

    enum class Action { kPoweroff, kFail, kReboot };
    // Runs on the writing vCPU's thread; `code` is the exit status (0 unless kFail).
    // Not a hot path, so a std::function is fine.
    using Callback = std::function<void(Action action, int code)>;

    explicit Syscon(Callback on_action) : on_action_(std::move(on_action)) {}

    const char* name() const override { return "syscon"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;

  private:
    Callback on_action_;
};

}  // namespace xvm::dev
