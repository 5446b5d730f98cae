// Guest-physical RAM of system mode: one host mapping (MAP_NORESERVE, huge pages
// advised), so a guest-physical address becomes a host pointer by one add.
// Bulk reads and writes are bounds-checked memcpys: out of range is `false`,
// never a host fault (design.md, "Guest RAM").
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/result.h"

namespace xvm::mem {

class GuestRam {
  public:
    static Result<std::unique_ptr<GuestRam>> create(uint64_t base, uint64_t size);
    ~GuestRam();
    GuestRam(const GuestRam&) = delete;
    GuestRam& operator=(const GuestRam&) = delete;

    uint64_t base() const { return base_; }
    uint64_t size() const { return size_; }
    bool contains(uint64_t pa, uint64_t len) const {
        return pa >= base_ && len <= size_ && pa - base_ <= size_ - len;
    }
    // Unchecked: callers (TLB fill, checked helpers) have checked contains().
    uint8_t* host(uint64_t pa) const { return mem_ + (pa - base_); }

    bool read(uint64_t pa, void* dst, size_t len) const {
        if (!contains(pa, len)) return false;
        std::memcpy(dst, host(pa), len);
        return true;
    }
    bool write(uint64_t pa, const void* src, size_t len) const {
        if (!contains(pa, len)) return false;
        std::memcpy(host(pa), src, len);
        return true;
    }
    template <class T>
    bool read_value(uint64_t pa, T& out) const {
        return read(pa, &out, sizeof out);
    }

  private:
    GuestRam(uint8_t* mem, uint64_t base, uint64_t size) : mem_(mem), base_(base), size_(size) {}
    uint8_t* mem_;
    uint64_t base_;
    uint64_t size_;
};

}  // namespace xvm::mem
