// A virtio device type (block, console, entropy, ...) apart from the transport
// that exposes it (virtio_mmio.h today, PCI perhaps later): the device says what
// it offers and handles its queues; the transport owns registers, status,
// feature negotiation, the queues' configuration and the interrupt.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "dev/virtqueue.h"
#include "mem/bus.h"

namespace xvm::dev {

// What a device may ask of the transport that hosts it.
class VirtioTransport {
  public:
    virtual ~VirtioTransport() = default;
    virtual const mem::Bus& bus() const = 0;
    virtual VirtQueue& queue(unsigned index) = 0;
    virtual uint64_t driver_features() const = 0;
    // DRIVER_OK is set and the device is not waiting for a reset.
    virtual bool running() const = 0;
    // Used buffers were pushed on `index`: interrupt unless the driver suppressed it.
    virtual void used_buffers(unsigned index) = 0;
    // The configuration space changed (2.4.2).
    virtual void config_changed() = 0;
    // The driver broke the protocol: DEVICE_NEEDS_RESET and a config interrupt (2.1.2).
    virtual void device_error(const std::string& why) = 0;
};

class VirtioDevice {
  public:
    virtual ~VirtioDevice() = default;
    virtual const char* name() const = 0;
    virtual uint32_t device_id() const = 0;
    // Device-type feature bits; the transport adds VERSION_1, EVENT_IDX, INDIRECT_DESC.
    virtual uint64_t device_features() const = 0;
    virtual unsigned num_queues() const = 0;
    virtual uint16_t queue_max_size() const { return 256; }

    // Device configuration space (2.5): `len` (1, 2 or 4) bytes at `offset`,
    // which the transport has checked lie inside config_size().
    virtual uint32_t config_size() const = 0;
    virtual void read_config(uint32_t offset, uint8_t* dst, unsigned len) = 0;
    // False refuses the write (the CPU takes an access fault).
    virtual bool write_config(uint32_t offset, const uint8_t* src, unsigned len) {
        (void)offset, (void)src, (void)len;
        return false;
    }

    // Device-type state back to power-on (a status write of 0, or machine reset).
    virtual void reset() = 0;
    // DRIVER_OK was just set.
    virtual void driver_ok() {}
    // The driver notified queue `index` (ready, and the device running).
    virtual void process_queue(unsigned index) = 0;
    // Called by the transport after a register write, with the mutex released:
    // for work that must not hold it (telling a CharBackend there is room).
    virtual void after_unlock() {}

    void attach(VirtioTransport* transport) { transport_ = transport; }
    // Held by the transport around every register access; device entry points
    // called from other threads (console input) take it too.
    std::mutex& mutex() { return mutex_; }

  protected:
    // Pops every available chain of queue `index` and hands it to `handle`,
    // which returns the bytes it wrote into the chain, or false after calling
    // transport_->device_error for a request it cannot even answer.
    template <class Handle>
    void drain_queue(unsigned index, Handle&& handle);

    VirtioTransport* transport_ = nullptr;
    DescChain chain_;  // reused, so steady-state requests do not allocate

  private:
    std::mutex mutex_;
};

template <class Handle>
void VirtioDevice::drain_queue(unsigned index, Handle&& handle) {
    VirtQueue& q = transport_->queue(index);
    bool pushed = false;
    for (;;) {
        const VirtQueue::Pop r = q.pop_chain(chain_);
        if (r == VirtQueue::Pop::kEmpty) break;
        if (r == VirtQueue::Pop::kError) {
            transport_->device_error(q.error());
            break;
        }
        uint32_t written = 0;
        if (!handle(chain_, written)) break;
        if (!q.push_used(chain_.head, written)) {
            transport_->device_error(q.error());
            break;
        }
        pushed = true;
    }
    if (pushed) transport_->used_buffers(index);
}

}  // namespace xvm::dev
