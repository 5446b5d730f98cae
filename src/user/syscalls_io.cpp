// Basic descriptor I/O. Guest file descriptors are host descriptors, as in
// qemu-riscv64: the guest shares the emulator's stdin/stdout/stderr.
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "user/process.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {
// Guest buffers are copied page by page through the protection table, so a bad
// pointer gives EFAULT (as the kernel would) instead of a host fault.
constexpr uint64_t kMaxIo = 1ull << 31;
}  // namespace

int64_t sys_close(Process&, const uint64_t* a) {
    const int fd = static_cast<int>(a[0]);
    return close(fd) == 0 ? 0 : -errno;
}

int64_t sys_read(Process& p, const uint64_t* a) {
    const uint64_t len = std::min(a[2], kMaxIo);
    if (!p.space().accessible(a[1], len, mem::kProtWrite)) return -EFAULT;
    ssize_t n = read(static_cast<int>(a[0]), p.space().host(a[1]), len);
    return n < 0 ? -errno : n;
}

int64_t sys_write(Process& p, const uint64_t* a) {
    const uint64_t len = std::min(a[2], kMaxIo);
    if (!p.space().accessible(a[1], len, mem::kProtRead)) return -EFAULT;
    ssize_t n = write(static_cast<int>(a[0]), p.space().host(a[1]), len);
    return n < 0 ? -errno : n;
}

// Converts a guest iovec array to host iovecs pointing into guest memory; returns
// -errno on a bad array or buffer.
int64_t guest_iovecs(Process& p, uint64_t addr, uint64_t count, uint8_t need,
                     std::vector<iovec>& out) {
    if (count > IOV_MAX) return -EINVAL;
    out.resize(count);
    for (uint64_t k = 0; k < count; ++k) {
        uint64_t v[2];
        if (!p.space().read(addr + k * 16, v, sizeof v)) return -EFAULT;
        if (!p.space().accessible(v[0], v[1], need)) return -EFAULT;
        out[k].iov_base = p.space().host(v[0]);
        out[k].iov_len = v[1];
    }
    return 0;
}

int64_t sys_writev(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtRead, iov); r < 0) return r;
    ssize_t n = writev(static_cast<int>(a[0]), iov.data(), static_cast<int>(iov.size()));
    return n < 0 ? -errno : n;
}

}  // namespace xvm::user
