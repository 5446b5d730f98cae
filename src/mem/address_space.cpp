#include "mem/address_space.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace xvm::mem {

bool AddressSpace::aligned_range(uint64_t g, uint64_t len) const {
    return (g & kPageMask) == 0 && (len & kPageMask) == 0 && len != 0 && g < user_top() &&
           len <= user_top() - g;
}

int host_prot(uint8_t prot) {
    int p = PROT_NONE;
    if (prot & kProtRead) p |= PROT_READ;
    if (prot & kProtWrite) p |= PROT_WRITE | PROT_READ;  // x86 pages cannot be write-only
    // The host never executes guest code, but it reads it to decode: an exec-only
    // guest page is host-readable (a guest load from it succeeds; Linux on most
    // RISC-V hardware behaves the same, as X implies R there).
    if (prot & kProtExec) p |= PROT_READ;
    return p;
}

Result<std::unique_ptr<AddressSpace>> AddressSpace::create(unsigned bits) {
    int err = 0;
    for (; bits >= kMinBits; --bits) {
        const uint64_t size = 1ull << bits;
        void* base = mmap(nullptr, size + kGuard, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) {
            err = errno;
            continue;
        }
        void* prot = mmap(nullptr, size / kPageSize, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (prot == MAP_FAILED) {
            err = errno;
            munmap(base, size + kGuard);
            continue;
        }
        return std::unique_ptr<AddressSpace>(
            new AddressSpace(static_cast<uint8_t*>(base), static_cast<uint8_t*>(prot), size));
    }
    return make_error(std::string("cannot reserve guest address space: ") + std::strerror(err));
}

AddressSpace::~AddressSpace() {
    munmap(base_, size_ + kGuard);
    munmap(prot_, size_ / kPageSize);
}

bool AddressSpace::accessible(uint64_t g, uint64_t len, uint8_t need) const {
    if (len == 0) return true;
    if (g >= user_top() || len > user_top() - g) return false;
    uint8_t any = 0;
    for (uint64_t p = g >> 12, last = (g + len - 1) >> 12; p <= last; ++p) {
        if ((prot_[p] & need) != need) return false;
        any |= prot_[p];
    }
    if ((need & kProtWrite) && (any & kCodeGuard)) release_range(g, len);
    return true;
}

// Guarding costs one mprotect per page, once per translation of it: pages that
// are never written after being decoded (read-only text) are never guarded.
void AddressSpace::guard_page(uint64_t page) {
    const uint8_t prot = prot_[page] & kGuestProt;
    if (mprotect(base_ + (page << 12), kPageSize, host_prot(prot & ~kProtWrite)) != 0) return;
    prot_[page] = prot | kCodeGuard;
    guarded_.push_back(page);
    ++pages_guarded_;
}

bool AddressSpace::release_code_guard(uint64_t g) const {
    if (g >= user_top()) return false;
    const uint64_t page = g >> 12;
    const uint8_t byte = prot_[page];
    if (!(byte & kCodeGuard)) return false;
    const uint8_t prot = byte & kGuestProt;
    // Only mprotect and atomics: this runs in the SIGSEGV handler.
    if (mprotect(base_ + (page << 12), kPageSize, host_prot(prot)) != 0) return false;
    prot_[page] = prot;
    code_page_writes_.fetch_add(1, std::memory_order_relaxed);
    code_written_.store(true, std::memory_order_release);
    return true;
}

void AddressSpace::release_range(uint64_t g, uint64_t len) const {
    for (uint64_t p = g >> 12, last = (g + len - 1) >> 12; p <= last; ++p)
        (void)release_code_guard(p << 12);
}

void AddressSpace::clear_code_guards() {
    for (uint64_t page : guarded_) {
        const uint8_t byte = prot_[page];
        if (!(byte & kCodeGuard)) continue;  // lifted by a write or remapped since
        (void)mprotect(base_ + (page << 12), kPageSize, host_prot(byte & kGuestProt));
        prot_[page] = byte & kGuestProt;
    }
    guarded_.clear();
}

bool AddressSpace::read_slow(uint64_t g, void* dst, size_t len) const {
    if (!accessible(g, len, kProtRead)) return false;
    std::memcpy(dst, base_ + g, len);
    return true;
}

bool AddressSpace::write_slow(uint64_t g, const void* src, size_t len) const {
    if (!accessible(g, len, kProtWrite)) return false;
    std::memcpy(base_ + g, src, len);
    return true;
}

bool AddressSpace::read_string(uint64_t g, std::string& out, size_t max) const {
    out.clear();
    while (out.size() < max) {
        if (!accessible(g, 1, kProtRead)) return false;
        // Scan to the end of this page at most.
        const uint64_t page_end = (g | kPageMask) + 1;
        const size_t chunk = page_end - g;
        const char* p = reinterpret_cast<const char*>(base_ + g);
        const void* nul = std::memchr(p, 0, chunk);
        if (nul) {
            out.append(p, static_cast<const char*>(nul) - p);
            return out.size() <= max;
        }
        out.append(p, chunk);
        g = page_end;
    }
    return false;
}

void AddressSpace::set_prot(uint64_t g, uint64_t len, uint8_t prot) {
    // A guarded page remapped or re-protected under its translations counts as
    // written (the system calls flush code themselves too; this keeps it so).
    const uint8_t* first = prot_ + (g >> 12);
    for (const uint8_t* b = first; b != first + (len >> 12); ++b) {
        if (*b & kCodeGuard) {
            code_written_.store(true, std::memory_order_release);
            break;
        }
    }
    std::memset(prot_ + (g >> 12), prot, len >> 12);
}

Result<void> AddressSpace::map(uint64_t g, uint64_t len, uint8_t prot) {
    if (!aligned_range(g, len)) return make_error("map: bad guest range");
    void* p = mmap(base_ + g, len, host_prot(prot), MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) return make_error(std::string("map: ") + std::strerror(errno));
    set_prot(g, len, prot);
    return {};
}

Result<void> AddressSpace::map_file(uint64_t g, uint64_t len, uint8_t prot, int fd, uint64_t offset,
                                    bool shared) {
    if (!aligned_range(g, len)) return make_error("map: bad guest range");
    void* p = mmap(base_ + g, len, host_prot(prot), (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED,
                   fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED) return make_error(std::string("map: ") + std::strerror(errno));
    set_prot(g, len, prot);
    return {};
}

Result<void> AddressSpace::protect(uint64_t g, uint64_t len, uint8_t prot) {
    if (!aligned_range(g, len)) return make_error("protect: bad guest range");
    if (mprotect(base_ + g, len, host_prot(prot)) != 0)
        return make_error(std::string("protect: ") + std::strerror(errno));
    set_prot(g, len, prot);
    return {};
}

Result<void> AddressSpace::unmap(uint64_t g, uint64_t len) {
    if (!aligned_range(g, len)) return make_error("unmap: bad guest range");
    // Back to reserved-but-inaccessible; the reservation itself stays whole.
    void* p = mmap(base_ + g, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) return make_error(std::string("unmap: ") + std::strerror(errno));
    set_prot(g, len, kProtNone);
    return {};
}

}  // namespace xvm::mem
