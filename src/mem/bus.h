// The guest-physical bus of system mode: RAM plus MMIO device ranges. The CPU's
// soft TLB maps RAM pages straight to host pointers; everything else (MMIO, and
// addresses nothing decodes) comes here on the slow path. Devices use the DMA
// calls, which are bounds-checked against RAM.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "mem/guest_ram.h"
#include "mem/mmio.h"

namespace xvm::mem {

class Bus {
  public:
    void set_ram(GuestRam* ram) { ram_ = ram; }
    GuestRam* ram() const { return ram_; }
    // Ranges must not overlap each other or RAM.
    Result<void> add_device(uint64_t base, uint64_t size, MmioDevice* dev);

    // A CPU access of 1, 2, 4 or 8 bytes anywhere; false = access fault.
    bool read(uint64_t pa, unsigned size, uint64_t& value) const;
    bool write(uint64_t pa, unsigned size, uint64_t value) const;

    // Device DMA into RAM: all of [pa, pa+len) must be RAM. Writes are told to
    // the DMA observer first (the hart drops code decoded from those pages).
    bool dma_read(uint64_t pa, void* dst, size_t len) const {
        return ram_ && ram_->read(pa, dst, len);
    }
    bool dma_write(uint64_t pa, const void* src, size_t len) const {
        if (!ram_ || !ram_->contains(pa, len)) return false;
        if (dma_observer_) dma_observer_(dma_ctx_, pa, len);
        return ram_->write(pa, src, len);
    }
    // A host pointer to [pa, pa+len) if it is all RAM, else nullptr. For reading,
    // or for the CPU's own accesses (the MMU watches those).
    uint8_t* ram_ptr(uint64_t pa, uint64_t len) const {
        return ram_ && ram_->contains(pa, len) ? ram_->host(pa) : nullptr;
    }
    // The same for a device that is about to write there.
    uint8_t* dma_ptr(uint64_t pa, uint64_t len) const {
        uint8_t* p = ram_ptr(pa, len);
        if (p && dma_observer_) dma_observer_(dma_ctx_, pa, len);
        return p;
    }
    // Called (from any thread that runs a device) before a device writes RAM.
    using DmaObserver = void (*)(void* ctx, uint64_t pa, uint64_t len);
    void set_dma_observer(DmaObserver fn, void* ctx) {
        dma_observer_ = fn;
        dma_ctx_ = ctx;
    }

    struct Range {
        uint64_t base, size;
        MmioDevice* dev;
    };
    const Range* find_device(uint64_t pa) const;
    const std::vector<Range>& devices() const { return devices_; }
    void reset_devices() const {
        for (const auto& r : devices_) r.dev->reset();
    }

  private:
    GuestRam* ram_ = nullptr;
    std::vector<Range> devices_;  // sorted by base
    DmaObserver dma_observer_ = nullptr;
    void* dma_ctx_ = nullptr;
};

}  // namespace xvm::mem
