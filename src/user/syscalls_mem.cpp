// Memory system calls: the program break and mappings. All guest mappings live in
// the reserved address space (mem::AddressSpace); MemoryMap tracks which ranges are
// taken so that mmap without MAP_FIXED finds room the way Linux does (top-down).
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "core/log.h"
#include "user/process.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

constexpr uint64_t kPage = mem::AddressSpace::kPageSize;
constexpr uint64_t page_up(uint64_t v) {
    return (v + kPage - 1) & ~(kPage - 1);
}

uint8_t guest_prot(uint64_t prot) {
    uint8_t p = 0;
    if (prot & PROT_READ) p |= mem::kProtRead;
    if (prot & PROT_WRITE) p |= mem::kProtWrite;
    if (prot & PROT_EXEC) p |= mem::kProtExec;
    return p;
}

bool range_ok(uint64_t addr, uint64_t len, uint64_t kTop) {
    return (addr & (kPage - 1)) == 0 && len != 0 && addr < kTop && len <= kTop - addr;
}

// Whether any page of the range holds guest code we may have decoded.
bool has_exec(Process& p, uint64_t addr, uint64_t len) {
    for (uint64_t g = addr; g < addr + len; g += kPage)
        if (p.space().prot_at(g) & mem::kProtExec) return true;
    return false;
}

}  // namespace

int64_t sys_brk(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    const uint64_t want = a[0];
    if (want < p.brk_start) return static_cast<int64_t>(p.brk_cur);
    const uint64_t want_end = page_up(want);
    if (want_end > p.brk_mapped_end) {
        const uint64_t len = want_end - p.brk_mapped_end;
        if (want_end > kTop || p.memory_map().overlaps(p.brk_mapped_end, want_end))
            return static_cast<int64_t>(p.brk_cur);
        if (!p.space().map(p.brk_mapped_end, len, mem::kProtRead | mem::kProtWrite))
            return static_cast<int64_t>(p.brk_cur);
        p.memory_map().add(p.brk_mapped_end, want_end);
        p.brk_mapped_end = want_end;
    } else if (want_end < p.brk_mapped_end) {
        // Shrinking releases the pages, so growing again gives zeroes as on Linux.
        const uint64_t keep = want_end < page_up(p.brk_start) ? page_up(p.brk_start) : want_end;
        if (keep < p.brk_mapped_end) {
            (void)p.space().unmap(keep, p.brk_mapped_end - keep);
            p.memory_map().remove(keep, p.brk_mapped_end);
            p.brk_mapped_end = keep;
        }
    }
    p.brk_cur = want;
    return static_cast<int64_t>(want);
}

int64_t sys_mmap(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    uint64_t addr = a[0];
    const uint64_t len = page_up(a[1]);
    const uint64_t prot = a[2], flags = a[3];
    const int fd = static_cast<int>(a[4]);
    const uint64_t offset = a[5];
    if (a[1] == 0 || len == 0 || len > kTop) return -EINVAL;
    if (offset & (kPage - 1)) return -EINVAL;
    const uint64_t type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) return -EINVAL;
    const bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed) {
        if (!range_ok(addr, len, kTop)) return -EINVAL;
        if ((flags & MAP_FIXED_NOREPLACE) && p.memory_map().overlaps(addr, addr + len))
            return -EEXIST;
    } else {
        const bool hint_ok =
            addr && range_ok(addr & ~(kPage - 1), len, kTop) &&
            !p.memory_map().overlaps(addr & ~(kPage - 1), (addr & ~(kPage - 1)) + len);
        if (hint_ok) {
            addr &= ~(kPage - 1);
        } else {
            auto at = p.memory_map().find_free(len);
            if (!at) return -ENOMEM;
            addr = *at;
        }
    }
    if (fixed && has_exec(p, addr, len)) p.engine().flush_code();
    const uint8_t gp = guest_prot(prot);
    Result<void> r;
    if (flags & MAP_ANONYMOUS) {
        if (type == MAP_PRIVATE) {
            r = p.space().map(addr, len, gp);
        } else {
            // Shared anonymous memory must stay shared with children after fork: back
            // it with an anonymous file mapped shared, as the kernel does (shmem).
            const int mfd = memfd_create("xvm-shared-anon", MFD_CLOEXEC);
            if (mfd < 0) return -errno;
            if (ftruncate(mfd, static_cast<off_t>(len)) != 0) {
                const int e = errno;
                close(mfd);
                return -e;
            }
            r = p.space().map_file(addr, len, gp, mfd, 0, true);
            close(mfd);
        }
    } else {
        r = p.space().map_file(addr, len, gp, fd, offset, type != MAP_PRIVATE);
        if (!r) {
            // The host said why (EBADF, EACCES, ENODEV...): recover errno from it.
            return errno ? -errno : -EINVAL;
        }
    }
    if (!r) return -ENOMEM;
    p.memory_map().add(addr, addr + len);
    XVM_LOG(kPage, "mmap {:#x}-{:#x} prot {:#x} flags {:#x}\n", addr, addr + len, prot, flags);
    return static_cast<int64_t>(addr);
}

int64_t sys_munmap(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    const uint64_t addr = a[0], len = page_up(a[1]);
    if (!range_ok(addr, len, kTop)) return -EINVAL;
    if (has_exec(p, addr, len)) p.engine().flush_code();
    if (!p.space().unmap(addr, len)) return -EINVAL;
    p.memory_map().remove(addr, addr + len);
    return 0;
}

int64_t sys_mprotect(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    const uint64_t addr = a[0], len = page_up(a[1]);
    if (a[1] == 0 && (addr & (kPage - 1)) == 0) return 0;
    if (!range_ok(addr, len, kTop)) return -EINVAL;
    // Every page must be mapped (Linux: ENOMEM otherwise).
    for (uint64_t g = addr; g < addr + len; g += kPage)
        if (!p.memory_map().overlaps(g, g + kPage)) return -ENOMEM;
    if (has_exec(p, addr, len) || (a[2] & PROT_EXEC)) p.engine().flush_code();
    if (!p.space().protect(addr, len, guest_prot(a[2]))) return -EINVAL;
    return 0;
}

int64_t sys_madvise(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    const uint64_t addr = a[0], len = page_up(a[1]);
    if (addr & (kPage - 1)) return -EINVAL;
    if (len == 0) return 0;
    if (!range_ok(addr, len, kTop)) return -EINVAL;
    const int advice = static_cast<int>(a[2]);
    if (advice == MADV_DONTNEED || advice == MADV_FREE) {
        for (uint64_t g = addr; g < addr + len; g += kPage)
            if (!p.memory_map().overlaps(g, g + kPage)) return -ENOMEM;
        // Same effect on the host mapping as on the guest's: zero-fill for private
        // anonymous memory, re-read for private file mappings. Code there changes.
        if (has_exec(p, addr, len)) p.engine().flush_code();
        if (madvise(p.space().host(addr), len, MADV_DONTNEED) != 0) return -errno;
    }
    return 0;
}

int64_t sys_mremap(Process& p, const uint64_t* a) {
    const uint64_t kTop = p.space().user_top();
    const uint64_t old_addr = a[0], old_len = page_up(a[1]), new_len = page_up(a[2]);
    const uint64_t flags = a[3];
    if (!range_ok(old_addr, old_len, kTop) || new_len == 0 || new_len > kTop) return -EINVAL;
    if (flags & ~uint64_t{MREMAP_MAYMOVE | MREMAP_FIXED}) return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    for (uint64_t g = old_addr; g < old_addr + old_len; g += kPage)
        if (!p.memory_map().overlaps(g, g + kPage)) return -EFAULT;
    if (has_exec(p, old_addr, old_len)) p.engine().flush_code();
    if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
        if (new_len < old_len) {
            (void)p.space().unmap(old_addr + new_len, old_len - new_len);
            p.memory_map().remove(old_addr + new_len, old_addr + old_len);
        }
        return static_cast<int64_t>(old_addr);
    }
    uint64_t dest;
    if (flags & MREMAP_FIXED) {
        dest = a[4];
        if (!range_ok(dest, new_len, kTop)) return -EINVAL;
        if (dest < old_addr + old_len && old_addr < dest + new_len) return -EINVAL;
    } else {
        // Grow in place when the pages after are free.
        const uint64_t tail = old_addr + old_len;
        if (new_len - old_len <= kTop - tail &&
            !p.memory_map().overlaps(tail, old_addr + new_len)) {
            // The reservation around guest memory means the host cannot grow the
            // mapping itself; anonymous pages with the same protection do it.
            const uint8_t prot = p.space().prot_at(tail - kPage);
            if (p.space().map(tail, new_len - old_len, prot)) {
                p.memory_map().add(tail, old_addr + new_len);
                return static_cast<int64_t>(old_addr);
            }
        }
        if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
        auto at = p.memory_map().find_free(new_len);
        if (!at) return -ENOMEM;
        dest = *at;
    }
    const uint8_t prot = p.space().prot_at(old_addr);
    void* r = mremap(p.space().host(old_addr), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     p.space().host(dest));
    if (r == MAP_FAILED) return -errno;
    p.memory_map().remove(dest, dest + new_len);
    p.memory_map().add(dest, dest + new_len);
    (void)p.space().protect(dest, new_len, prot);
    // The host moved the pages out of our reservation: re-reserve the hole.
    (void)p.space().unmap(old_addr, old_len);
    p.memory_map().remove(old_addr, old_addr + old_len);
    return static_cast<int64_t>(dest);
}

}  // namespace xvm::user
