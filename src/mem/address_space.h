// The guest address space of user mode: one reserved host range of 2^kBits bytes.
// Guest address g lives at base + (g & kMask), so no guest address, however wild,
// reaches host memory outside the range (design.md, "User mode needs no TLB").
// Host page protections mirror the guest's; a host fault inside the range is the
// guest's SIGSEGV. A per-page protection table answers "may the emulator itself
// touch this?" for system calls and the bounds-checked bulk API, without faulting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "core/result.h"

namespace xvm::mem {

enum Prot : uint8_t {
    kProtNone = 0,
    kProtRead = 1,
    kProtWrite = 2,
    kProtExec = 4,
};

class AddressSpace {
public:
    // 2^39 bytes: Sv39's user half (2^38) is where guest mappings go; the upper
    // half stays inaccessible so sign-extended negative addresses fault.
    static constexpr unsigned kBits = 39;
    static constexpr uint64_t kSize = 1ull << kBits;
    static constexpr uint64_t kMask = kSize - 1;
    static constexpr uint64_t kUserTop = 1ull << 38;
    static constexpr uint64_t kPageSize = 4096;
    static constexpr uint64_t kPageMask = kPageSize - 1;

    static Result<std::unique_ptr<AddressSpace>> create();
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    // The hot path: unchecked in software, the host MMU enforces the guest's view.
    uint8_t* host(uint64_t g) const { return base_ + (g & kMask); }
    template <class T>
    T load(uint64_t g) const {
        T v;
        std::memcpy(&v, host(g), sizeof v);
        return v;
    }
    template <class T>
    void store(uint64_t g, T v) const {
        std::memcpy(host(g), &v, sizeof v);
    }

    // Checked accesses: true only if every byte is mapped with `need` permission.
    bool accessible(uint64_t g, uint64_t len, uint8_t need) const;
    bool read(uint64_t g, void* dst, size_t len) const;
    bool write(uint64_t g, const void* src, size_t len) const;
    template <class T>
    bool read_value(uint64_t g, T& out) const {
        return read(g, &out, sizeof out);
    }
    // Reads a NUL-terminated guest string of at most `max` bytes; false if it is not
    // readable or not terminated within `max`.
    bool read_string(uint64_t g, std::string& out, size_t max = 4096) const;

    // Mapping management, page aligned. map() gives zeroed anonymous memory.
    Result<void> map(uint64_t g, uint64_t len, uint8_t prot);
    // Maps `len` bytes of an open file at `offset` (MAP_PRIVATE unless shared).
    Result<void> map_file(uint64_t g, uint64_t len, uint8_t prot, int fd, uint64_t offset,
                          bool shared);
    Result<void> protect(uint64_t g, uint64_t len, uint8_t prot);
    Result<void> unmap(uint64_t g, uint64_t len);
    uint8_t prot_at(uint64_t g) const { return prot_[(g & kMask) >> 12]; }

    // Whether a host address lies in the reserved range (for the fault handler).
    bool contains_host(const void* p) const {
        auto a = reinterpret_cast<uintptr_t>(p);
        auto b = reinterpret_cast<uintptr_t>(base_);
        return a >= b && a < b + kSize + kGuard;
    }
    uint64_t guest_of(const void* p) const {
        return reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(base_);
    }
    uint8_t* base() const { return base_; }

private:
    AddressSpace(uint8_t* base, uint8_t* prot) : base_(base), prot_(prot) {}
    static constexpr uint64_t kGuard = 1ull << 16;  // accesses that straddle the end
    void set_prot(uint64_t g, uint64_t len, uint8_t prot);

    uint8_t* base_;
    uint8_t* prot_;  // one byte per guest page, mapped lazily (MAP_NORESERVE)
};

int host_prot(uint8_t prot);

}  // namespace xvm::mem
