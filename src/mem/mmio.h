// A memory-mapped device as the physical bus sees it: a small descriptor of
// typed reads and writes (style.md, pattern 9). Devices live in src/dev.
#pragma once

#include <cstdint>

namespace xvm::mem {

class MmioDevice {
  public:
    virtual ~MmioDevice() = default;
    virtual const char* name() const = 0;
    // An access of `size` bytes (1, 2, 4 or 8) at `offset` inside the device's
    // range. Returning false refuses it (wrong size, alignment, or offset): the
    // CPU then takes an access fault. Registers a device does not implement read
    // as zero and ignore writes only where its spec says so.
    virtual bool read(uint64_t offset, unsigned size, uint64_t& value) = 0;
    virtual bool write(uint64_t offset, unsigned size, uint64_t value) = 0;
    // Back to the power-on state (machine reset).
    virtual void reset() {}
};

}  // namespace xvm::mem
