#include "dev/clint.h"

#include <time.h>

#include <algorithm>

#include "core/log.h"

namespace xvm::dev {

namespace {

// Register map: SiFive FU540-C000 manual, chapter 9 (CLINT), as QEMU's virt has it.
constexpr uint64_t kMsipBase = 0x0000;      // 4 bytes per hart, bit 0 only
constexpr uint64_t kMtimecmpBase = 0x4000;  // 8 bytes per hart
constexpr uint64_t kMtime = 0xbff8;

// Replaces `size` bytes at byte `shift` of `old` (a 32-bit half or the whole).
uint64_t merge(uint64_t old, unsigned shift, unsigned size, uint64_t value) {
    if (size == 8) return value;
    const uint64_t mask = 0xffffffffull << shift;
    return (old & ~mask) | ((value << shift) & mask);
}

}  // namespace

Clint::Clint(unsigned num_harts)
    : num_harts_(std::clamp(num_harts, 1u, kMaxHarts)), harts_(new Hart[num_harts_]) {
    time_offset_ = 0 - host_ticks();
}

void Clint::connect(unsigned hart, InterruptSink* sink) {
    if (hart >= num_harts_) return;
    std::lock_guard lock(mu_);
    Hart& h = harts_[hart];
    h.sink = sink;
    if (sink) {
        sink->set_level(kMsipLine, h.msip);
        refresh_mtip(h, true);
    }
}

uint64_t Clint::host_ticks() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    static_assert(1'000'000'000 % kTimebaseHz == 0);
    constexpr uint64_t kNsPerTick = 1'000'000'000 / kTimebaseHz;
    return static_cast<uint64_t>(ts.tv_sec) * kTimebaseHz +
           static_cast<uint64_t>(ts.tv_nsec) / kNsPerTick;
}

uint64_t Clint::time() const {
    return host_ticks() + time_offset_.load(std::memory_order_relaxed);
}

void Clint::set_time(uint64_t t) {
    // Writing mtime re-bases the counter; it keeps running from the new value.
    time_offset_.store(t - host_ticks(), std::memory_order_relaxed);
}

void Clint::refresh_mtip(Hart& h, bool always_notify) {
    const bool level = time() >= h.mtimecmp.load(std::memory_order_relaxed);
    if (level == h.mtip.load(std::memory_order_relaxed) && !always_notify) return;
    h.mtip.store(level, std::memory_order_relaxed);
    if (h.sink) h.sink->set_level(kMtipLine, level);
}

void Clint::update(unsigned hart) {
    if (hart >= num_harts_) return;
    Hart& h = harts_[hart];
    const bool level = time() >= h.mtimecmp.load(std::memory_order_relaxed);
    if (level == h.mtip.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(mu_);
    refresh_mtip(h, false);
}

uint64_t Clint::ns_until_timer(unsigned hart) const {
    if (hart >= num_harts_) return UINT64_MAX;
    const uint64_t cmp = harts_[hart].mtimecmp.load(std::memory_order_relaxed);
    if (cmp == ~0ull) return UINT64_MAX;
    const uint64_t now = time();
    if (now >= cmp) return 0;
    constexpr uint64_t kNsPerTick = 1'000'000'000 / kTimebaseHz;
    const uint64_t ticks = cmp - now;
    return ticks > (UINT64_MAX - 1) / kNsPerTick ? UINT64_MAX - 1 : ticks * kNsPerTick;
}

bool Clint::read(uint64_t offset, unsigned size, uint64_t& value) {
    const unsigned shift = static_cast<unsigned>(offset & 7) * 8;
    if (offset < kMsipBase + 4ull * num_harts_) {
        if (size != 4 || offset % 4) return false;
        std::lock_guard lock(mu_);
        value = harts_[offset / 4].msip;
        return true;
    }
    if ((size != 4 && size != 8) || offset % size) return false;
    if (offset >= kMtimecmpBase && offset < kMtimecmpBase + 8ull * num_harts_) {
        const uint64_t cmp = harts_[(offset - kMtimecmpBase) / 8].mtimecmp.load();
        value = size == 8 ? cmp : (cmp >> shift) & 0xffffffff;
        return true;
    }
    if (offset == kMtime || offset == kMtime + 4) {
        const uint64_t t = time();
        value = size == 8 ? t : (t >> shift) & 0xffffffff;
        return true;
    }
    XVM_LOG(kGuestErrors, "clint: refused {}-byte read at +{:#x}\n", size, offset);
    return false;
}

bool Clint::write(uint64_t offset, unsigned size, uint64_t value) {
    const unsigned shift = static_cast<unsigned>(offset & 7) * 8;
    if (offset < kMsipBase + 4ull * num_harts_) {
        if (size != 4 || offset % 4) return false;
        std::lock_guard lock(mu_);
        Hart& h = harts_[offset / 4];
        h.msip = value & 1;
        // Always told, even when unchanged, so a hart's view can never go stale.
        if (h.sink) h.sink->set_level(kMsipLine, h.msip);
        return true;
    }
    if ((size != 4 && size != 8) || offset % size) return false;
    if (offset >= kMtimecmpBase && offset < kMtimecmpBase + 8ull * num_harts_) {
        std::lock_guard lock(mu_);
        Hart& h = harts_[(offset - kMtimecmpBase) / 8];
        h.mtimecmp.store(merge(h.mtimecmp.load(), shift, size, value));
        // Always told: a hart sleeping in WFI until the old deadline wakes and
        // asks ns_until_timer() again.
        refresh_mtip(h, true);
        return true;
    }
    if (offset == kMtime || offset == kMtime + 4) {
        std::lock_guard lock(mu_);
        set_time(merge(time(), shift, size, value));
        for (unsigned i = 0; i < num_harts_; ++i) refresh_mtip(harts_[i], false);
        return true;
    }
    XVM_LOG(kGuestErrors, "clint: refused {}-byte write at +{:#x}\n", size, offset);
    return false;
}

void Clint::reset() {
    std::lock_guard lock(mu_);
    // ACLINT spec, MTIMER: mtime resets to zero. mtimecmp has no reset value; all
    // ones keeps the timer quiet until software programs it.
    set_time(0);
    for (unsigned i = 0; i < num_harts_; ++i) {
        Hart& h = harts_[i];
        h.msip = false;
        h.mtimecmp.store(~0ull);
        if (h.sink) h.sink->set_level(kMsipLine, false);
        refresh_mtip(h, true);
    }
}

}  // namespace xvm::dev
