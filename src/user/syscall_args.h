// What system-call handlers share: host results as -errno, guest paths and
// small structures read and written through the checked AddressSpace API (a bad
// pointer is -EFAULT, never a host fault).
#pragma once

#include <sys/uio.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "user/path.h"
#include "user/process.h"

namespace xvm::user {

// A host call's result as a system-call return value.
inline int64_t host_result(long r) {
    return r < 0 ? -errno : r;
}

// Reads a guest path argument (Linux's getname(): -EFAULT, -ENAMETOOLONG).
inline int64_t read_path(Process& p, uint64_t addr, std::string& out) {
    // PATH_MAX counts the terminating NUL.
    constexpr size_t kMax = PATH_MAX - 1;
    if (!p.space().read_string(addr, out, kMax))
        return out.size() >= kMax ? -ENAMETOOLONG : -EFAULT;
    return 0;
}

// Reads a path and applies the sysroot translation (path.h).
inline int64_t read_sysroot_path(Process& p, uint64_t addr, std::string& out) {
    if (int64_t r = read_path(p, addr, out); r < 0) return r;
    out = sysroot_path(p.options().load.sysroot, out);
    return 0;
}

// Optional input struct: nullptr when addr is 0, else &tmp filled from the guest.
template <class T>
inline bool read_optional(Process& p, uint64_t addr, T& tmp, T*& out) {
    out = nullptr;
    if (!addr) return true;
    if (!p.space().read(addr, &tmp, sizeof tmp)) return false;
    out = &tmp;
    return true;
}

// Host iovecs pointing into guest memory for a guest iovec array (every buffer
// checked for `need`); -errno on a bad array or buffer. In syscalls_io.cpp.
int64_t guest_iovecs(Process& p, uint64_t addr, uint64_t count, uint8_t need,
                     std::vector<iovec>& out);

template <class T>
inline bool write_guest(Process& p, uint64_t addr, const T& v) {
    return p.space().write(addr, &v, sizeof v);
}

}  // namespace xvm::user
