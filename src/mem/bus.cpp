#include "mem/bus.h"

#include <algorithm>
#include <cstring>

namespace xvm::mem {

Result<void> Bus::add_device(uint64_t base, uint64_t size, MmioDevice* dev) {
    if (size == 0 || base + size < base) return make_error("bus: empty or wrapping range");
    const uint64_t end = base + size;
    if (ram_ && base < ram_->base() + ram_->size() && ram_->base() < end)
        return make_error(std::string("bus: ") + dev->name() + " overlaps RAM");
    for (const auto& r : devices_) {
        if (base < r.base + r.size && r.base < end)
            return make_error(std::string("bus: ") + dev->name() + " overlaps " + r.dev->name());
    }
    devices_.push_back({base, size, dev});
    std::sort(devices_.begin(), devices_.end(),
              [](const Range& a, const Range& b) { return a.base < b.base; });
    return {};
}

const Bus::Range* Bus::find_device(uint64_t pa) const {
    auto it = std::upper_bound(devices_.begin(), devices_.end(), pa,
                               [](uint64_t a, const Range& r) { return a < r.base; });
    if (it == devices_.begin()) return nullptr;
    --it;
    return pa - it->base < it->size ? &*it : nullptr;
}

bool Bus::read(uint64_t pa, unsigned size, uint64_t& value) const {
    if (ram_ && ram_->contains(pa, size)) {
        value = 0;
        std::memcpy(&value, ram_->host(pa), size);
        return true;
    }
    const Range* r = find_device(pa);
    if (!r || pa - r->base > r->size - size) return false;
    if (!r->dev->read(pa - r->base, size, value)) return false;
    // Only the accessed bytes, whatever the device left above them: every
    // engine then sees the same zero-extended value.
    if (size < 8) value &= (1ull << 8 * size) - 1;
    return true;
}

bool Bus::write(uint64_t pa, unsigned size, uint64_t value) const {
    if (ram_ && ram_->contains(pa, size)) {
        std::memcpy(ram_->host(pa), &value, size);
        return true;
    }
    const Range* r = find_device(pa);
    if (!r || pa - r->base > r->size - size) return false;
    // Only the accessed bytes: callers may pass a whole register (compiled
    // code's slow path, the pieces of a split access).
    return r->dev->write(pa - r->base, size, size < 8 ? value & ((1ull << 8 * size) - 1) : value);
}

}  // namespace xvm::mem
