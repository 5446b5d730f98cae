// Process-level system calls: identity, exit, limits, scheduling hints.
#include <sched.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "user/process.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

int64_t sys_exit(Process& p, const uint64_t* a) {
    // Single-threaded guest: the last thread's exit ends the process.
    p.exit(static_cast<int>(a[0] & 0xff));
    return 0;
}

int64_t sys_exit_group(Process& p, const uint64_t* a) {
    p.exit(static_cast<int>(a[0] & 0xff));
    return 0;
}

int64_t sys_set_tid_address(Process&, const uint64_t*) { return gettid(); }
int64_t sys_set_robust_list(Process&, const uint64_t*) { return 0; }
int64_t sys_sched_yield(Process&, const uint64_t*) { return sched_yield(); }
int64_t sys_getpid(Process&, const uint64_t*) { return getpid(); }
int64_t sys_getppid(Process&, const uint64_t*) { return getppid(); }
int64_t sys_getuid(Process&, const uint64_t*) { return getuid(); }
int64_t sys_geteuid(Process&, const uint64_t*) { return geteuid(); }
int64_t sys_getgid(Process&, const uint64_t*) { return getgid(); }
int64_t sys_getegid(Process&, const uint64_t*) { return getegid(); }
int64_t sys_gettid(Process&, const uint64_t*) { return gettid(); }
int64_t sys_umask(Process&, const uint64_t* a) { return umask(static_cast<mode_t>(a[0] & 0777)); }

int64_t sys_sched_getaffinity(Process& p, const uint64_t* a) {
    // One guest CPU, like a single-threaded qemu-riscv64 process sees its host CPUs;
    // report the host's set so sysconf(_SC_NPROCESSORS_ONLN) matches.
    const uint64_t len = a[1];
    if (len < sizeof(uint64_t) || (len & 7)) return -EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -errno;
    const size_t n = std::min<size_t>(len, sizeof set);
    if (!p.space().write(a[2], &set, n)) return -EFAULT;
    return static_cast<int64_t>(n);
}

int64_t sys_uname(Process& p, const uint64_t* a) {
    struct utsname u;
    if (uname(&u) != 0) return -errno;
    std::strncpy(u.machine, "riscv64", sizeof u.machine);
    if (!p.space().write(a[0], &u, sizeof u)) return -EFAULT;
    return 0;
}

int64_t sys_prlimit64(Process& p, const uint64_t* a) {
    const auto pid = static_cast<pid_t>(a[0]);
    if (pid != 0 && pid != getpid()) return -EPERM;
    struct rlimit64 newl, oldl;
    if (a[2] && !p.space().read(a[2], &newl, sizeof newl)) return -EFAULT;
    // The guest's stack is a fixed mapping; it may read but not raise limits that
    // would change the emulator's own behaviour, so new limits apply to the host.
    if (prlimit64(0, static_cast<__rlimit_resource>(a[1]), a[2] ? &newl : nullptr,
                  a[3] ? &oldl : nullptr) != 0)
        return -errno;
    if (a[3] && !p.space().write(a[3], &oldl, sizeof oldl)) return -EFAULT;
    return 0;
}

int64_t sys_getrandom(Process& p, const uint64_t* a) {
    const uint64_t len = std::min<uint64_t>(a[1], 1 << 20);
    if (!p.space().accessible(a[0], len, mem::kProtWrite)) return -EFAULT;
    std::vector<uint8_t> buf(len);
    ssize_t n = getrandom(buf.data(), len, static_cast<unsigned>(a[2]));
    if (n < 0) return -errno;
    p.space().write(a[0], buf.data(), static_cast<size_t>(n));
    return n;
}

int64_t sys_riscv_flush_icache(Process& p, const uint64_t*) {
    p.engine().flush_code();
    return 0;
}

}  // namespace xvm::user
