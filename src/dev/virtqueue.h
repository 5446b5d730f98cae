// A split virtqueue seen from the device (virtio 1.2, 2.7): the descriptor
// table, the available ring the driver fills and the used ring the device
// fills, all in guest RAM and all reached through the bus's bounds-checked DMA
// calls. Everything the guest wrote is untrusted: a malformed queue makes
// pop_chain/push_used fail with a reason, and the transport then puts the
// device into DEVICE_NEEDS_RESET; nothing here can touch memory outside RAM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mem/bus.h"

namespace xvm::dev {

// One buffer of a descriptor chain: guest-physical, inside RAM (checked when
// the chain was popped), device-readable or device-writable.
struct VirtqSegment {
    uint64_t addr;
    uint32_t len;
    bool writable;
};

// A popped descriptor chain: its head index (what goes back in the used ring)
// and its buffers, device-readable ones first (2.7.4.2), zero-length ones dropped.
struct DescChain {
    uint16_t head = 0;
    std::vector<VirtqSegment> segments;
    uint64_t readable_bytes = 0;
    uint64_t writable_bytes = 0;

    // Copies between host memory and the chain's readable (resp. writable)
    // bytes, starting `offset` bytes into that part. They return how many bytes
    // were copied: fewer than `len` when the part is shorter.
    size_t read(const mem::Bus& bus, uint64_t offset, void* dst, size_t len) const;
    size_t write(const mem::Bus& bus, uint64_t offset, const void* src, size_t len) const;
};

class VirtQueue {
  public:
    enum class Pop { kChain, kEmpty, kError };

    // Driver-written configuration (transport registers). The transport may
    // change it only while the queue is not ready.
    uint32_t size = 0;
    uint64_t desc_addr = 0;
    uint64_t avail_addr = 0;
    uint64_t used_addr = 0;

    explicit VirtQueue(uint16_t max_size = 256) : max_size_(max_size) {}
    uint16_t max_size() const { return max_size_; }
    bool ready() const { return ready_; }

    // Back to the reset state: not ready, no rings, indices zero.
    void reset();
    // QueueReady = 1: checks size (a power of two, at most max_size) and the
    // three areas (aligned 16/2/4, wholly in RAM, 2.7). On failure the queue
    // stays disabled and error() says why.
    bool enable(const mem::Bus* bus, bool event_idx, bool indirect);
    void disable() { ready_ = false; }

    // Takes the next chain the driver made available. kEmpty when there is
    // none (with EVENT_IDX it first publishes avail_event, 2.7.10), kError when
    // the driver broke the rules: error() says how, and the queue stays broken.
    Pop pop_chain(DescChain& out);
    // Returns a chain to the driver with the number of bytes written into it.
    bool push_used(uint16_t head, uint32_t written);
    // Whether the used buffers pushed since the last call need a used-buffer
    // notification (avail flags or used_event, 2.7.7 and 2.7.10).
    bool needs_notification();

    bool broken() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    uint16_t last_avail_idx() const { return last_avail_; }
    uint16_t used_idx() const { return used_idx_; }

  private:
    bool fail(std::string why);
    bool read_avail_idx(uint16_t& idx);
    bool publish_avail_event();

    const mem::Bus* bus_ = nullptr;
    uint16_t max_size_;
    bool ready_ = false;
    bool event_idx_ = false;
    bool indirect_ = false;
    uint16_t last_avail_ = 0;  // next available-ring slot the device reads
    uint16_t used_idx_ = 0;    // shadow of used->idx, which only the device writes
    uint16_t signalled_used_ = 0;
    std::string error_;
};

}  // namespace xvm::dev
