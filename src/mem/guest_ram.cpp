#include "mem/guest_ram.h"

#include <sys/mman.h>

#include <cerrno>
#include <string>

namespace xvm::mem {

Result<std::unique_ptr<GuestRam>> GuestRam::create(uint64_t base, uint64_t size) {
    if (size == 0 || (size & 0xfff) || (base & 0xfff) || base + size < base)
        return make_error("guest RAM: size and base must be non-zero multiples of 4 KiB");
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return make_error("guest RAM: cannot map " + std::to_string(size >> 20) +
                          " MiB: " + std::strerror(errno));
    madvise(p, size, MADV_HUGEPAGE);
    return std::unique_ptr<GuestRam>(new GuestRam(static_cast<uint8_t*>(p), base, size));
}

GuestRam::~GuestRam() {
    munmap(mem_, size_);
}

}  // namespace xvm::mem
