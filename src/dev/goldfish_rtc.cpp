#include "dev/goldfish_rtc.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "core/log.h"

namespace xvm::dev {

namespace {

// Register map: Android goldfish virtual platform, "goldfish RTC" (Linux
// drivers/rtc/rtc-goldfish.c, QEMU hw/rtc/goldfish_rtc.c). All 32-bit.
enum Reg : uint64_t {
    kTimeLow = 0x00,  // read: current time, latching the high half
    kTimeHigh = 0x04,
    kAlarmLow = 0x08,  // write: low half, then arm
    kAlarmHigh = 0x0c,
    kIrqEnabled = 0x10,
    kClearAlarm = 0x14,
    kAlarmStatus = 0x18,
    kClearInterrupt = 0x1c,
};

uint64_t host_realtime_ns() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t with_low(uint64_t v, uint32_t low) {
    return (v & 0xffffffff00000000ull) | low;
}
uint64_t with_high(uint64_t v, uint32_t high) {
    return (v & 0xffffffffull) | (uint64_t(high) << 32);
}

}  // namespace

GoldfishRtc::~GoldfishRtc() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (alarm_thread_.joinable()) alarm_thread_.join();
}

uint64_t GoldfishRtc::now_ns() const {
    std::lock_guard lock(mu_);
    return host_realtime_ns() + offset_ns_;
}

void GoldfishRtc::update_irq() {
    const bool level = irq_pending_ && irq_enabled_;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

void GoldfishRtc::fire() {
    alarm_running_ = false;
    irq_pending_ = true;
    update_irq();
}

void GoldfishRtc::arm() {
    alarm_running_ = true;
    if (host_realtime_ns() + offset_ns_ >= alarm_ns_) {
        fire();  // already past: at once, as QEMU does
        return;
    }
    if (!alarm_thread_.joinable()) alarm_thread_ = std::thread([this] { alarm_loop(); });
    cv_.notify_all();
}

void GoldfishRtc::alarm_loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        if (!alarm_running_) {
            cv_.wait(lock);
            continue;
        }
        const uint64_t now = host_realtime_ns() + offset_ns_;
        if (now >= alarm_ns_) {
            fire();
            continue;
        }
        // At most a second at a time: the host's realtime clock may be stepped.
        const uint64_t wait = std::min<uint64_t>(alarm_ns_ - now, 1'000'000'000u);
        cv_.wait_for(lock, std::chrono::nanoseconds(wait));
    }
}

bool GoldfishRtc::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4 || offset % 4 || offset > kClearInterrupt) {
        XVM_LOG(kGuestErrors, "goldfish-rtc: refused {}-byte read at +{:#x}\n", size, offset);
        return false;
    }
    std::lock_guard lock(mu_);
    switch (static_cast<Reg>(offset)) {
        case kTimeLow: {
            const uint64_t t = host_realtime_ns() + offset_ns_;
            time_high_ = static_cast<uint32_t>(t >> 32);
            value = static_cast<uint32_t>(t);
            return true;
        }
        case kTimeHigh: value = time_high_; return true;
        case kAlarmLow: value = static_cast<uint32_t>(alarm_ns_); return true;
        case kAlarmHigh: value = static_cast<uint32_t>(alarm_ns_ >> 32); return true;
        case kIrqEnabled: value = irq_enabled_; return true;
        case kAlarmStatus: value = alarm_running_; return true;
        case kClearAlarm:
        case kClearInterrupt: value = 0; return true;  // write-only
    }
    return false;  // unreachable: every aligned offset up to kClearInterrupt is a case
}

bool GoldfishRtc::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || offset % 4 || offset > kClearInterrupt) {
        XVM_LOG(kGuestErrors, "goldfish-rtc: refused {}-byte write at +{:#x}\n", size, offset);
        return false;
    }
    const uint32_t v = static_cast<uint32_t>(value);
    std::lock_guard lock(mu_);
    switch (static_cast<Reg>(offset)) {
        case kTimeLow:
        case kTimeHigh: {
            // Setting the time moves the offset by the change of the written half.
            const uint64_t now = host_realtime_ns() + offset_ns_;
            const uint64_t want = offset == kTimeLow ? with_low(now, v) : with_high(now, v);
            offset_ns_ += want - now;
            break;
        }
        case kAlarmLow:
            alarm_ns_ = with_low(alarm_ns_, v);
            arm();
            break;
        case kAlarmHigh: alarm_ns_ = with_high(alarm_ns_, v); break;
        case kIrqEnabled:
            irq_enabled_ = v & 1;
            update_irq();
            break;
        case kClearAlarm: alarm_running_ = false; break;
        case kAlarmStatus: break;  // read-only
        case kClearInterrupt:
            irq_pending_ = false;
            update_irq();
            break;
    }
    return true;
}

void GoldfishRtc::reset() {
    std::lock_guard lock(mu_);
    alarm_ns_ = 0;
    alarm_running_ = irq_enabled_ = irq_pending_ = false;
    time_high_ = 0;
    update_irq();
}

}  // namespace xvm::dev
