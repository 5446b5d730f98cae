// Task-level system calls: futexes for a single-threaded guest, prctl,
// credentials, sessions and process groups, limits, and waiting for children.
// The guest is one host process, so ids, groups and limits are the host's.
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/log.h"
#include "user/guest_abi.h"
#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

// linux/futex.h.
enum FutexCmd : int {
    kFutexWait = 0,
    kFutexWake = 1,
    kFutexRequeue = 3,
    kFutexCmpRequeue = 4,
    kFutexWakeOp = 5,
    kFutexLockPi = 6,
    kFutexUnlockPi = 7,
    kFutexTrylockPi = 8,
    kFutexWaitBitset = 9,
    kFutexWakeBitset = 10,
    kFutexWaitRequeuePi = 11,
    kFutexCmpRequeuePi = 12,
    kFutexLockPi2 = 13,
};
constexpr int kFutexPrivate = 128;
constexpr int kFutexClockRealtime = 256;
constexpr uint32_t kFutexTidMask = 0x3fffffff;

int64_t clock_ns(clockid_t c) {
    timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

// No other guest thread exists to change the word or wake us, so a futex wait
// ends only by a signal or its timeout (or never, as on Linux for a program
// that waits on itself).
int64_t futex_block(Process& p, clockid_t clock, int64_t deadline) {
    if (deadline < 0)
        XVM_LOG(kGuestErrors, "futex wait with no other thread and no timeout at pc {:#x}\n",
                p.cpu().pc);
    Signals& s = p.signals();
    for (;;) {
        if (s.wakeup_pending()) return -EINTR;
        int64_t left = -1;
        if (deadline >= 0) {
            left = deadline - clock_ns(clock);
            if (left <= 0) return -ETIMEDOUT;
        }
        s.wait_host(left);
    }
}

// FUTEX_WAKE_OP's operation on the second word (linux/futex.h FUTEX_OP()).
bool futex_wake_op(Process& p, uint64_t addr, uint32_t encoded) {
    const unsigned op = (encoded >> 28) & 7;
    int32_t oparg = static_cast<int32_t>(encoded << 8) >> 20;  // bits 23..12, signed
    if ((encoded >> 28) & 8) oparg = 1 << (oparg & 31);
    uint32_t old;
    if (!p.space().read_value(addr, old)) return false;
    uint32_t v = old;
    switch (op) {
        case 0: v = static_cast<uint32_t>(oparg); break;         // SET
        case 1: v = old + static_cast<uint32_t>(oparg); break;   // ADD
        case 2: v = old | static_cast<uint32_t>(oparg); break;   // OR
        case 3: v = old & ~static_cast<uint32_t>(oparg); break;  // ANDN
        case 4: v = old ^ static_cast<uint32_t>(oparg); break;   // XOR
        default: return false;
    }
    return write_guest(p, addr, v);
}

int64_t write_id(Process& p, uint64_t addr, uint32_t v) {
    return write_guest(p, addr, v) ? 0 : -EFAULT;
}

}  // namespace

namespace {

// A futex without FUTEX_PRIVATE_FLAG may be shared with another process (a
// forked child, MAP_SHARED memory): the host kernel does the waiting and
// waking on the host addresses of the same words.
int64_t host_futex(Process& p, const uint64_t* a, int cmd) {
    const int op = static_cast<int>(a[1]);
    const uint64_t addr = a[0], addr2 = a[4];
    if (!p.space().accessible(addr, 4, mem::kProtRead)) return -EFAULT;
    // The fourth argument is a timeout for the waits, a count for the requeues.
    const bool timed = cmd == kFutexWait || cmd == kFutexWaitBitset || cmd == kFutexLockPi ||
                       cmd == kFutexLockPi2 || cmd == kFutexWaitRequeuePi;
    timespec ts;
    const void* arg4 = reinterpret_cast<const void*>(a[3]);
    if (timed) {
        if (a[3] && !p.space().read_value(a[3], ts)) return -EFAULT;
        arg4 = a[3] ? &ts : nullptr;
    }
    const bool two = cmd == kFutexRequeue || cmd == kFutexCmpRequeue || cmd == kFutexWakeOp ||
                     cmd == kFutexWaitRequeuePi || cmd == kFutexCmpRequeuePi;
    if (two && !p.space().accessible(addr2, 4, mem::kProtRead | mem::kProtWrite)) return -EFAULT;
    return host_result(syscall(SYS_futex, p.space().host(addr), op, static_cast<uint32_t>(a[2]),
                               arg4, two ? p.space().host(addr2) : nullptr,
                               static_cast<uint32_t>(a[5])));
}

}  // namespace

int64_t sys_futex(Process& p, const uint64_t* a) {
    const uint64_t addr = a[0];
    const int op = static_cast<int>(a[1]);
    const int cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
    const auto val = static_cast<uint32_t>(a[2]);
    if (addr & 3) return -EINVAL;
    if (!(op & kFutexPrivate)) return host_futex(p, a, cmd);
    uint32_t word;
    switch (cmd) {
        case kFutexWait:
        case kFutexWaitBitset:
        case kFutexWaitRequeuePi: {
            if (cmd == kFutexWaitBitset && static_cast<uint32_t>(a[5]) == 0) return -EINVAL;
            if (!p.space().read_value(addr, word)) return -EFAULT;
            if (word != val) return -EAGAIN;
            // FUTEX_WAIT's timeout is relative on CLOCK_MONOTONIC; the others'
            // absolute, on CLOCK_REALTIME when asked.
            const clockid_t clock = (op & kFutexClockRealtime) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
            int64_t deadline = -1;
            if (a[3]) {
                timespec ts;
                if (!p.space().read_value(a[3], ts)) return -EFAULT;
                if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
                deadline = ts.tv_sec * 1000000000ll + ts.tv_nsec;
                if (cmd == kFutexWait) deadline += clock_ns(clock);
            }
            return futex_block(p, clock, deadline);
        }
        case kFutexWake:
        case kFutexWakeBitset:
        case kFutexRequeue: return 0;
        case kFutexCmpRequeue:
        case kFutexCmpRequeuePi:
            if (!p.space().read_value(addr, word)) return -EFAULT;
            return word == static_cast<uint32_t>(a[5]) ? 0 : -EAGAIN;
        case kFutexWakeOp: return futex_wake_op(p, a[4], static_cast<uint32_t>(a[5])) ? 0 : -EFAULT;
        case kFutexLockPi:
        case kFutexLockPi2:
        case kFutexTrylockPi: {
            if (!p.space().read_value(addr, word)) return -EFAULT;
            const auto tid = static_cast<uint32_t>(gettid());
            if ((word & kFutexTidMask) == 0) {
                const uint32_t v = tid | (word & ~kFutexTidMask);
                return write_guest(p, addr, v) ? 0 : -EFAULT;
            }
            if ((word & kFutexTidMask) == tid) return -EDEADLK;
            if (cmd == kFutexTrylockPi) return -EAGAIN;
            int64_t deadline = -1;
            if (a[3]) {
                timespec ts;
                if (!p.space().read_value(a[3], ts)) return -EFAULT;
                deadline = ts.tv_sec * 1000000000ll + ts.tv_nsec;
            }
            return futex_block(p, CLOCK_REALTIME, deadline);
        }
        case kFutexUnlockPi: {
            if (!p.space().read_value(addr, word)) return -EFAULT;
            if ((word & kFutexTidMask) != static_cast<uint32_t>(gettid())) return -EPERM;
            const uint32_t zero = 0;
            return write_guest(p, addr, zero) ? 0 : -EFAULT;
        }
        default: return -ENOSYS;
    }
}

int64_t sys_prctl(Process& p, const uint64_t* a) {
    const int option = static_cast<int>(a[0]);
    switch (option) {
        case PR_SET_NAME: {
            // The name is at most 15 characters; longer ones are cut, not refused.
            char name[16] = {};
            for (size_t k = 0; k < sizeof name - 1; ++k) {
                if (!p.space().read(a[1] + k, &name[k], 1)) return -EFAULT;
                if (!name[k]) break;
            }
            return host_result(prctl(PR_SET_NAME, name));
        }
        case PR_GET_NAME: {
            char name[16] = {};
            if (prctl(PR_GET_NAME, name) != 0) return -errno;
            return p.space().write(a[1], name, sizeof name) ? 0 : -EFAULT;
        }
        case PR_GET_PDEATHSIG:
        case PR_GET_CHILD_SUBREAPER: {
            int v = 0;
            if (prctl(option, &v) != 0) return -errno;
            return write_guest(p, a[1], v) ? 0 : -EFAULT;
        }
        case PR_SET_PDEATHSIG:
        case PR_GET_DUMPABLE:
        case PR_SET_DUMPABLE:
        case PR_GET_KEEPCAPS:
        case PR_SET_KEEPCAPS:
        case PR_CAPBSET_READ:
        case PR_SET_CHILD_SUBREAPER:
        case PR_GET_NO_NEW_PRIVS:
        case PR_SET_NO_NEW_PRIVS:
        case PR_GET_TIMERSLACK:
        case PR_SET_TIMERSLACK:
        case PR_GET_THP_DISABLE:
        case PR_SET_THP_DISABLE: return host_result(prctl(option, a[1], a[2], a[3], a[4]));
        case PR_GET_SECCOMP: return 0;
        // A guest seccomp filter would judge the emulator's own system calls;
        // PR_SET_VMA names, the vector extension (PR_RISCV_V_*) and the rest are
        // not available, which callers treat as optional.
        default: return -EINVAL;
    }
}

int64_t sys_wait4(Process& p, const uint64_t* a) {
    int status = 0;
    struct rusage ru;
    const pid_t r = wait4(static_cast<pid_t>(a[0]), &status, static_cast<int>(a[2]), &ru);
    if (r < 0) return -errno;
    if (r > 0 && a[1] && !write_guest(p, a[1], status)) return -EFAULT;
    if (a[3] && !write_guest(p, a[3], ru)) return -EFAULT;
    return r;
}

int64_t sys_waitid(Process& p, const uint64_t* a) {
    siginfo_t info{};
    struct rusage ru;
    const long r = syscall(SYS_waitid, static_cast<int>(a[0]), static_cast<pid_t>(a[1]), &info,
                           static_cast<int>(a[3]), &ru);
    if (r < 0) return -errno;
    // siginfo_t: the same 128-byte layout on both.
    if (a[2] && !p.space().write(a[2], &info, sizeof(GuestSiginfo))) return -EFAULT;
    if (a[4] && !write_guest(p, a[4], ru)) return -EFAULT;
    return r;
}

int64_t sys_getpgid(Process&, const uint64_t* a) {
    return host_result(getpgid(static_cast<pid_t>(a[0])));
}

int64_t sys_setpgid(Process&, const uint64_t* a) {
    return host_result(setpgid(static_cast<pid_t>(a[0]), static_cast<pid_t>(a[1])));
}

int64_t sys_getsid(Process&, const uint64_t* a) {
    return host_result(getsid(static_cast<pid_t>(a[0])));
}

int64_t sys_setsid(Process&, const uint64_t*) {
    return host_result(setsid());
}

int64_t sys_getresuid(Process& p, const uint64_t* a) {
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) != 0) return -errno;
    if (int64_t x = write_id(p, a[0], r); x < 0) return x;
    if (int64_t x = write_id(p, a[1], e); x < 0) return x;
    return write_id(p, a[2], s);
}

int64_t sys_getresgid(Process& p, const uint64_t* a) {
    gid_t r, e, s;
    if (getresgid(&r, &e, &s) != 0) return -errno;
    if (int64_t x = write_id(p, a[0], r); x < 0) return x;
    if (int64_t x = write_id(p, a[1], e); x < 0) return x;
    return write_id(p, a[2], s);
}

// Raw system calls: glibc's wrappers would broadcast to threads the guest
// does not have.
int64_t sys_setuid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setuid, a[0]));
}
int64_t sys_setgid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setgid, a[0]));
}
int64_t sys_setreuid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setreuid, a[0], a[1]));
}
int64_t sys_setregid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setregid, a[0], a[1]));
}
int64_t sys_setresuid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setresuid, a[0], a[1], a[2]));
}
int64_t sys_setresgid(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_setresgid, a[0], a[1], a[2]));
}
int64_t sys_setfsuid(Process&, const uint64_t* a) {
    return syscall(SYS_setfsuid, a[0]);
}
int64_t sys_setfsgid(Process&, const uint64_t* a) {
    return syscall(SYS_setfsgid, a[0]);
}

int64_t sys_getgroups(Process& p, const uint64_t* a) {
    const auto size = static_cast<int>(a[0]);
    if (size < 0) return -EINVAL;
    std::vector<gid_t> groups(static_cast<size_t>(size));
    const int n = getgroups(size, groups.data());
    if (n < 0) return -errno;
    if (size && !p.space().write(a[1], groups.data(), n * sizeof(gid_t))) return -EFAULT;
    return n;
}

int64_t sys_setgroups(Process& p, const uint64_t* a) {
    const uint64_t size = a[0];
    if (size > 65536) return -EINVAL;
    std::vector<gid_t> groups(size);
    if (size && !p.space().read(a[1], groups.data(), size * sizeof(gid_t))) return -EFAULT;
    return host_result(syscall(SYS_setgroups, size, groups.data()));
}

int64_t sys_getrlimit(Process& p, const uint64_t* a) {
    struct rlimit rl;
    if (getrlimit(static_cast<__rlimit_resource>(a[0]), &rl) != 0) return -errno;
    return write_guest(p, a[1], rl) ? 0 : -EFAULT;
}

int64_t sys_setrlimit(Process& p, const uint64_t* a) {
    struct rlimit rl;
    if (!p.space().read_value(a[1], rl)) return -EFAULT;
    return host_result(setrlimit(static_cast<__rlimit_resource>(a[0]), &rl));
}

int64_t sys_getpriority(Process&, const uint64_t* a) {
    // The raw call returns 20 - nice, never negative.
    return host_result(syscall(SYS_getpriority, static_cast<int>(a[0]), static_cast<id_t>(a[1])));
}

int64_t sys_setpriority(Process&, const uint64_t* a) {
    return host_result(setpriority(static_cast<__priority_which>(a[0]), static_cast<id_t>(a[1]),
                                   static_cast<int>(a[2])));
}

int64_t sys_personality(Process&, const uint64_t* a) {
    // PER_LINUX; flags are remembered and reported but change nothing.
    static uint32_t persona = 0;
    const uint32_t old = persona;
    if (static_cast<uint32_t>(a[0]) != 0xffffffffu) persona = static_cast<uint32_t>(a[0]);
    return old;
}

int64_t sys_getcpu(Process& p, const uint64_t* a) {
    unsigned cpu = 0, node = 0;
    if (syscall(SYS_getcpu, &cpu, &node, nullptr) != 0) return -errno;
    if (a[0] && !write_guest(p, a[0], cpu)) return -EFAULT;
    if (a[1] && !write_guest(p, a[1], node)) return -EFAULT;
    return 0;
}

}  // namespace xvm::user
