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

    // Device DMA into RAM: all of [pa, pa+len) must be RAM.
    bool dma_read(uint64_t pa, void* dst, size_t len) const {
        return ram_ && ram_->read(pa, dst, len);
    }
    bool dma_write(uint64_t pa, const void* src, size_t len) const {
        return ram_ && ram_->write(pa, src, len);
    }
    // A host pointer to [pa, pa+len) if it is all RAM, else nullptr.
    uint8_t* ram_ptr(uint64_t pa, uint64_t len) const {
        return ram_ && ram_->contains(pa, len) ? ram_->host(pa) : nullptr;
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
};

}  // namespace xvm::mem
