// Clocks, sleeps, interval timers and resource accounting. Every structure here
// (timespec, timeval, timezone, itimerval, itimerspec, sigevent, tms, rusage,
// sysinfo) has the same layout on riscv64 and x86-64, so values pass through.
// Sleeps wait in Signals::wait_host() so that a signal for the guest ends them
// without a race; CPU-time figures are the emulator's own.
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

constexpr int64_t kNsPerSec = 1000000000;

bool valid(const timespec& ts) {
    return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < kNsPerSec;
}

int64_t to_ns(const timespec& ts) {
    return ts.tv_sec * kNsPerSec + ts.tv_nsec;
}

timespec from_ns(int64_t ns) {
    return timespec{ns / kNsPerSec, ns % kNsPerSec};
}

// Clocks a sleep can wait on by polling with a timeout: wall and monotonic ones.
bool wall_or_monotonic(clockid_t c) {
    return c == CLOCK_REALTIME || c == CLOCK_MONOTONIC || c == CLOCK_BOOTTIME || c == CLOCK_TAI;
}

int64_t now_ns(clockid_t c) {
    timespec ts;
    clock_gettime(c, &ts);
    return to_ns(ts);
}

// Sleeps on `clock` until `deadline`; -EINTR (and the time left in `rem`, when
// given) if a signal for the guest arrives first.
int64_t sleep_until(Process& p, clockid_t clock, int64_t deadline, uint64_t rem) {
    Signals& s = p.signals();
    for (;;) {
        const int64_t left = deadline - now_ns(clock);
        if (left <= 0) return 0;
        if (s.wakeup_pending()) {
            if (rem && !write_guest(p, rem, from_ns(left))) return -EFAULT;
            return -EINTR;
        }
        s.wait_host(left);
    }
}

}  // namespace

int64_t sys_clock_gettime(Process& p, const uint64_t* a) {
    timespec ts;
    if (clock_gettime(static_cast<clockid_t>(a[0]), &ts) != 0) return -errno;
    return write_guest(p, a[1], ts) ? 0 : -EFAULT;
}

int64_t sys_clock_getres(Process& p, const uint64_t* a) {
    timespec ts;
    if (clock_getres(static_cast<clockid_t>(a[0]), &ts) != 0) return -errno;
    if (a[1] && !write_guest(p, a[1], ts)) return -EFAULT;
    return 0;
}

int64_t sys_gettimeofday(Process& p, const uint64_t* a) {
    timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) != 0) return -errno;
    if (a[0] && !write_guest(p, a[0], tv)) return -EFAULT;
    if (a[1] && !write_guest(p, a[1], tz)) return -EFAULT;
    return 0;
}

int64_t sys_nanosleep(Process& p, const uint64_t* a) {
    timespec req;
    if (!p.space().read_value(a[0], req)) return -EFAULT;
    if (!valid(req)) return -EINVAL;
    return sleep_until(p, CLOCK_MONOTONIC, now_ns(CLOCK_MONOTONIC) + to_ns(req), a[1]);
}

int64_t sys_clock_nanosleep(Process& p, const uint64_t* a) {
    const auto clock = static_cast<clockid_t>(a[0]);
    const bool absolute = a[1] & TIMER_ABSTIME;
    timespec req;
    if (!p.space().read_value(a[2], req)) return -EFAULT;
    if (!wall_or_monotonic(clock)) {
        // CPU-time clocks and invalid ids: the host decides (EINVAL, ENOTSUP...).
        timespec rem{};
        const long r = syscall(SYS_clock_nanosleep, clock, static_cast<int>(a[1]), &req, &rem);
        if (r < 0 && errno == EINTR && a[3] && !absolute) (void)write_guest(p, a[3], rem);
        return host_result(r);
    }
    if (!valid(req)) return -EINVAL;
    const int64_t deadline = absolute ? to_ns(req) : now_ns(clock) + to_ns(req);
    // Linux writes the remaining time only for relative sleeps.
    return sleep_until(p, clock, deadline, absolute ? 0 : a[3]);
}

int64_t sys_times(Process& p, const uint64_t* a) {
    struct tms t;
    const clock_t ticks = times(&t);
    if (a[0] && !write_guest(p, a[0], t)) return -EFAULT;
    return ticks;
}

int64_t sys_getrusage(Process& p, const uint64_t* a) {
    struct rusage ru;
    if (getrusage(static_cast<int>(a[0]), &ru) != 0) return -errno;
    return write_guest(p, a[1], ru) ? 0 : -EFAULT;
}

int64_t sys_sysinfo(Process& p, const uint64_t* a) {
    struct sysinfo si;
    if (sysinfo(&si) != 0) return -errno;
    return write_guest(p, a[0], si) ? 0 : -EFAULT;
}

// Interval timers run on the host; their SIGALRM/SIGVTALRM/SIGPROF are forwarded.
int64_t sys_getitimer(Process& p, const uint64_t* a) {
    itimerval v;
    if (syscall(SYS_getitimer, static_cast<int>(a[0]), &v) != 0) return -errno;
    return write_guest(p, a[1], v) ? 0 : -EFAULT;
}

int64_t sys_setitimer(Process& p, const uint64_t* a) {
    itimerval nv, old;
    itimerval* nvp;
    if (!read_optional(p, a[1], nv, nvp)) return -EFAULT;
    if (syscall(SYS_setitimer, static_cast<int>(a[0]), nvp, &old) != 0) return -errno;
    if (a[2] && !write_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

// POSIX timers: kernel timer ids, signal notification through the host.
int64_t sys_timer_create(Process& p, const uint64_t* a) {
    sigevent ev;
    sigevent* evp;
    if (!read_optional(p, a[1], ev, evp)) return -EFAULT;
    int id;
    if (syscall(SYS_timer_create, static_cast<clockid_t>(a[0]), evp, &id) != 0) return -errno;
    if (!write_guest(p, a[2], id)) {
        syscall(SYS_timer_delete, id);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_timer_settime(Process& p, const uint64_t* a) {
    itimerspec nv, old;
    if (!p.space().read_value(a[2], nv)) return -EFAULT;
    if (syscall(SYS_timer_settime, static_cast<int>(a[0]), static_cast<int>(a[1]), &nv, &old) != 0)
        return -errno;
    if (a[3] && !write_guest(p, a[3], old)) return -EFAULT;
    return 0;
}

int64_t sys_timer_gettime(Process& p, const uint64_t* a) {
    itimerspec v;
    if (syscall(SYS_timer_gettime, static_cast<int>(a[0]), &v) != 0) return -errno;
    return write_guest(p, a[1], v) ? 0 : -EFAULT;
}

int64_t sys_timer_getoverrun(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_timer_getoverrun, static_cast<int>(a[0])));
}

int64_t sys_timer_delete(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_timer_delete, static_cast<int>(a[0])));
}

}  // namespace xvm::user
