// File-system system calls: names, metadata, directories. Guest descriptors are
// host descriptors and calls go to the host kernel (raw, so its exact semantics
// and errors reach the guest). Lookups that find files (open, stat, access,
// readlink) apply the sysroot translation of path.h, as qemu-riscv64 does;
// calls that create, remove or rename never do. struct stat is converted
// (guest_abi.h); statx, linux_dirent64 and struct statfs are the same layout.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "user/guest_abi.h"
#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

// Passed through: the host's structures are the riscv64 kernel's layout too.
static_assert(sizeof(struct statfs) == 120 && sizeof(struct statx) == 256);

namespace {

int dirfd_arg(uint64_t v) {
    return static_cast<int>(v);
}

// /proc/self/cmdline as the guest sees it: its own argv, NUL-separated.
int open_cmdline(Process& p) {
    const int fd = memfd_create("cmdline", MFD_CLOEXEC);
    if (fd < 0) return -errno;
    for (const std::string& arg : p.options().load.argv) {
        if (write(fd, arg.c_str(), arg.size() + 1) < 0) {
            const int e = errno;
            close(fd);
            return -e;
        }
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

int64_t stat_to_guest(Process& p, const struct stat& st, uint64_t addr) {
    const GuestStat g = to_guest_stat(st);
    return write_guest(p, addr, g) ? 0 : -EFAULT;
}

}  // namespace

int64_t sys_openat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    const int flags = static_cast<int>(a[2]);
    // The emulator's own /proc entries would describe the emulator, not the guest.
    if (is_proc_self(path, "exe"))
        path = p.exe_path();
    else if (is_proc_self(path, "cmdline"))
        return open_cmdline(p);
    else
        path = sysroot_path(p.options().load.sysroot, path);
    return host_result(
        syscall(SYS_openat, dirfd_arg(a[0]), path.c_str(), flags, static_cast<mode_t>(a[3])));
}

int64_t sys_fstat(Process& p, const uint64_t* a) {
    struct stat st;
    if (fstat(static_cast<int>(a[0]), &st) != 0) return -errno;
    return stat_to_guest(p, st, a[1]);
}

int64_t sys_newfstatat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_sysroot_path(p, a[1], path); r < 0) return r;
    struct stat st;
    if (fstatat(dirfd_arg(a[0]), path.c_str(), &st, static_cast<int>(a[3])) != 0) return -errno;
    return stat_to_guest(p, st, a[2]);
}

int64_t sys_statx(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_sysroot_path(p, a[1], path); r < 0) return r;
    struct statx stx;
    if (syscall(SYS_statx, dirfd_arg(a[0]), path.c_str(), static_cast<int>(a[2]),
                static_cast<unsigned>(a[3]), &stx) != 0)
        return -errno;
    return write_guest(p, a[4], stx) ? 0 : -EFAULT;
}

int64_t sys_getdents64(Process& p, const uint64_t* a) {
    const uint64_t len = std::min<uint64_t>(a[2], INT_MAX);
    if (!p.space().accessible(a[1], len, mem::kProtWrite)) return -EFAULT;
    return host_result(syscall(SYS_getdents64, static_cast<int>(a[0]), p.space().host(a[1]),
                               static_cast<unsigned>(len)));
}

int64_t sys_readlinkat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    const auto size = static_cast<int64_t>(a[3]);
    if (size <= 0) return -EINVAL;
    std::string target;
    if (is_proc_self(path, "exe")) {
        target = p.exe_path();
    } else {
        path = sysroot_path(p.options().load.sysroot, path);
        std::vector<char> buf(std::min<int64_t>(size, PATH_MAX));
        const ssize_t n = readlinkat(dirfd_arg(a[0]), path.c_str(), buf.data(), buf.size());
        if (n < 0) return -errno;
        target.assign(buf.data(), static_cast<size_t>(n));
    }
    const size_t n = std::min<size_t>(target.size(), static_cast<size_t>(size));
    if (!p.space().write(a[2], target.data(), n)) return -EFAULT;
    return static_cast<int64_t>(n);
}

int64_t sys_faccessat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_sysroot_path(p, a[1], path); r < 0) return r;
    return host_result(
        syscall(SYS_faccessat, dirfd_arg(a[0]), path.c_str(), static_cast<int>(a[2])));
}

int64_t sys_faccessat2(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_sysroot_path(p, a[1], path); r < 0) return r;
    return host_result(syscall(SYS_faccessat2, dirfd_arg(a[0]), path.c_str(),
                               static_cast<int>(a[2]), static_cast<int>(a[3])));
}

int64_t sys_unlinkat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(unlinkat(dirfd_arg(a[0]), path.c_str(), static_cast<int>(a[2])));
}

int64_t sys_mkdirat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(mkdirat(dirfd_arg(a[0]), path.c_str(), static_cast<mode_t>(a[2])));
}

int64_t sys_mknodat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(mknodat(dirfd_arg(a[0]), path.c_str(), static_cast<mode_t>(a[2]),
                               static_cast<dev_t>(a[3])));
}

int64_t sys_renameat2(Process& p, const uint64_t* a) {
    std::string from, to;
    if (int64_t r = read_path(p, a[1], from); r < 0) return r;
    if (int64_t r = read_path(p, a[3], to); r < 0) return r;
    return host_result(syscall(SYS_renameat2, dirfd_arg(a[0]), from.c_str(), dirfd_arg(a[2]),
                               to.c_str(), static_cast<unsigned>(a[4])));
}

int64_t sys_symlinkat(Process& p, const uint64_t* a) {
    std::string target, path;
    if (int64_t r = read_path(p, a[0], target); r < 0) return r;
    if (int64_t r = read_path(p, a[2], path); r < 0) return r;
    return host_result(symlinkat(target.c_str(), dirfd_arg(a[1]), path.c_str()));
}

int64_t sys_linkat(Process& p, const uint64_t* a) {
    std::string from, to;
    if (int64_t r = read_path(p, a[1], from); r < 0) return r;
    if (int64_t r = read_path(p, a[3], to); r < 0) return r;
    return host_result(
        linkat(dirfd_arg(a[0]), from.c_str(), dirfd_arg(a[2]), to.c_str(), static_cast<int>(a[4])));
}

int64_t sys_fchmod(Process&, const uint64_t* a) {
    return host_result(fchmod(static_cast<int>(a[0]), static_cast<mode_t>(a[1])));
}

int64_t sys_fchmodat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(
        syscall(SYS_fchmodat, dirfd_arg(a[0]), path.c_str(), static_cast<mode_t>(a[2])));
}

int64_t sys_fchown(Process&, const uint64_t* a) {
    return host_result(
        fchown(static_cast<int>(a[0]), static_cast<uid_t>(a[1]), static_cast<gid_t>(a[2])));
}

int64_t sys_fchownat(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(fchownat(dirfd_arg(a[0]), path.c_str(), static_cast<uid_t>(a[2]),
                                static_cast<gid_t>(a[3]), static_cast<int>(a[4])));
}

int64_t sys_utimensat(Process& p, const uint64_t* a) {
    // A null path means the descriptor itself (futimens); glibc's wrapper
    // refuses that, the system call does not.
    std::string path;
    if (a[1])
        if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    timespec times[2];
    if (a[2] && !p.space().read(a[2], times, sizeof times)) return -EFAULT;
    return host_result(syscall(SYS_utimensat, dirfd_arg(a[0]), a[1] ? path.c_str() : nullptr,
                               a[2] ? times : nullptr, static_cast<int>(a[3])));
}

int64_t sys_truncate(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[0], path); r < 0) return r;
    return host_result(truncate(path.c_str(), static_cast<off_t>(a[1])));
}

int64_t sys_ftruncate(Process&, const uint64_t* a) {
    return host_result(ftruncate(static_cast<int>(a[0]), static_cast<off_t>(a[1])));
}

int64_t sys_fallocate(Process&, const uint64_t* a) {
    return host_result(fallocate(static_cast<int>(a[0]), static_cast<int>(a[1]),
                                 static_cast<off_t>(a[2]), static_cast<off_t>(a[3])));
}

int64_t sys_fsync(Process&, const uint64_t* a) {
    return host_result(fsync(static_cast<int>(a[0])));
}

int64_t sys_fdatasync(Process&, const uint64_t* a) {
    return host_result(fdatasync(static_cast<int>(a[0])));
}

int64_t sys_sync(Process&, const uint64_t*) {
    sync();
    return 0;
}

int64_t sys_syncfs(Process&, const uint64_t* a) {
    return host_result(syncfs(static_cast<int>(a[0])));
}

int64_t sys_getcwd(Process& p, const uint64_t* a) {
    char buf[PATH_MAX];
    const long n = syscall(SYS_getcwd, buf, std::min<uint64_t>(a[1], sizeof buf));
    if (n < 0) return -errno;
    // The kernel's result counts the NUL.
    if (!p.space().write(a[0], buf, static_cast<size_t>(n))) return -EFAULT;
    return n;
}

int64_t sys_chdir(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[0], path); r < 0) return r;
    return host_result(chdir(path.c_str()));
}

int64_t sys_fchdir(Process&, const uint64_t* a) {
    return host_result(fchdir(static_cast<int>(a[0])));
}

int64_t sys_statfs(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_sysroot_path(p, a[0], path); r < 0) return r;
    struct statfs sf;
    if (statfs(path.c_str(), &sf) != 0) return -errno;
    return write_guest(p, a[1], sf) ? 0 : -EFAULT;
}

int64_t sys_fstatfs(Process& p, const uint64_t* a) {
    struct statfs sf;
    if (fstatfs(static_cast<int>(a[0]), &sf) != 0) return -errno;
    return write_guest(p, a[1], sf) ? 0 : -EFAULT;
}

}  // namespace xvm::user
