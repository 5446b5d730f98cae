// The guest address space of user mode: one reserved host range of 2^bits bytes.
// Guest address g lives at base + (g & mask), so no guest address, however wild,
// reaches host memory outside the range (design.md, "User mode needs no TLB").
// Host page protections mirror the guest's; a host fault inside the range is the
// guest's SIGSEGV. A per-page protection table answers "may the emulator itself
// touch this?" for system calls and the bounds-checked bulk API, without faulting.
//
// Self-modifying code: a guest-writable page that code was translated from is
// write-protected on the host ("guarded"); the host fault of a guest store to it
// lifts the guard and flags the write, and the engine drops its translations at
// its next safe point (docs/engines.md, "Writes to translated code in user mode").
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

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
    // Preferred size 2^39: Sv39's user half (2^38) is where guest mappings go; the
    // upper half stays inaccessible so sign-extended negative addresses fault.
    // Where the host cannot reserve that much (ulimit -v, valgrind), create()
    // halves it down to kMinBits; the guest layout scales with user_top().
    static constexpr unsigned kMaxBits = 39;
    static constexpr unsigned kMinBits = 34;
    static constexpr uint64_t kPageSize = 4096;
    static constexpr uint64_t kPageMask = kPageSize - 1;

    static Result<std::unique_ptr<AddressSpace>> create(unsigned bits = kMaxBits);

    uint64_t size() const { return size_; }
    uint64_t mask() const { return size_ - 1; }
    // Guest mappings live below this address (half of the range).
    uint64_t user_top() const { return size_ / 2; }
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    // The hot path: unchecked in software, the host MMU enforces the guest's view.
    uint8_t* host(uint64_t g) const { return base_ + (g & (size_ - 1)); }
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
    // Asked for kProtWrite, it also lifts the code guard of the range's pages: the
    // caller (a system call handing a buffer to the host kernel, the bulk write)
    // is about to write there.
    bool accessible(uint64_t g, uint64_t len, uint8_t need) const;
    // Inline for the common case (within one page), so small copies cost little
    // more than the memcpy itself.
    bool read(uint64_t g, void* dst, size_t len) const {
        if (in_one_page(g, len) && (prot_[g >> 12] & kProtRead)) {
            std::memcpy(dst, base_ + g, len);
            return true;
        }
        return read_slow(g, dst, len);
    }
    bool write(uint64_t g, const void* src, size_t len) const {
        if (in_one_page(g, len) && (prot_[g >> 12] & (kProtWrite | kCodeGuard)) == kProtWrite) {
            std::memcpy(base_ + g, src, len);
            return true;
        }
        return write_slow(g, src, len);
    }
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
    uint8_t prot_at(uint64_t g) const { return prot_[(g & (size_ - 1)) >> 12] & kGuestProt; }

    // Code in [g, g + len) has been translated: write-protect its guest-writable
    // pages on the host. Free for pages that are guarded already or not writable.
    void guard_code(uint64_t g, uint64_t len) {
        for (uint64_t p = g >> 12, last = (g + len - 1) >> 12; p <= last; ++p) {
            const uint64_t page = p & page_mask();
            if ((prot_[page] & (kProtWrite | kCodeGuard)) == kProtWrite) guard_page(page);
        }
    }
    // The host fault handler's half: if the page of g is guarded, restores the
    // guest's protection and records the write (async-signal-safe). False if the
    // fault is not ours to absorb.
    bool release_code_guard(uint64_t g) const;
    // Whether a guarded page was written (or remapped) since the last call: the
    // translations of guarded pages must be dropped before more code runs.
    bool take_code_writes() const {
        return code_written_.load(std::memory_order_relaxed) &&
               code_written_.exchange(false, std::memory_order_acquire);
    }
    // Every translation is gone: lifts all guards (no write is recorded).
    void clear_code_guards();
    // Statistics: pages ever guarded, and writes that hit a guarded page.
    uint64_t code_pages_guarded() const { return pages_guarded_; }
    uint64_t code_page_writes() const { return code_page_writes_.load(std::memory_order_relaxed); }

    // Whether a host address lies in the reserved range (for the fault handler).
    bool contains_host(const void* p) const {
        auto a = reinterpret_cast<uintptr_t>(p);
        auto b = reinterpret_cast<uintptr_t>(base_);
        return a >= b && a < b + size_ + kGuard;
    }
    uint64_t guest_of(const void* p) const {
        return reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(base_);
    }
    uint8_t* base() const { return base_; }

  private:
    AddressSpace(uint8_t* base, uint8_t* prot, uint64_t size)
        : base_(base), prot_(prot), size_(size) {}
    bool aligned_range(uint64_t g, uint64_t len) const;
    static constexpr uint64_t kGuard = 1ull << 16;  // accesses that straddle the end
    void set_prot(uint64_t g, uint64_t len, uint8_t prot);
    uint64_t page_mask() const { return (size_ >> 12) - 1; }
    void guard_page(uint64_t page);
    void release_range(uint64_t g, uint64_t len) const;
    bool in_one_page(uint64_t g, uint64_t len) const {
        return len != 0 && g < user_top() && (g & kPageMask) + len <= kPageSize;
    }
    bool read_slow(uint64_t g, void* dst, size_t len) const;
    bool write_slow(uint64_t g, const void* src, size_t len) const;

    uint8_t* base_;
    // The byte of a page whose host mapping is write-protected because code was
    // translated from it; the low bits keep the guest's own protection.
    static constexpr uint8_t kCodeGuard = 0x80;
    static constexpr uint8_t kGuestProt = kProtRead | kProtWrite | kProtExec;

    uint8_t* prot_;  // one byte per guest page, mapped lazily (MAP_NORESERVE)
    uint64_t size_;
    std::vector<uint64_t> guarded_;  // pages guarded since the last clear (some maybe lifted)
    uint64_t pages_guarded_ = 0;
    // Set by the fault handler (the same thread, or a system call's checks).
    mutable std::atomic<bool> code_written_{false};
    mutable std::atomic<uint64_t> code_page_writes_{0};
};

int host_prot(uint8_t prot);

}  // namespace xvm::mem
