// Signal system calls: dispositions, masks, waiting, sending. The state and the
// delivery live in Signals (signals.h); these handlers check arguments the way
// kernel/signal.c does and move structures in and out of guest memory.
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

constexpr uint64_t kSigsetSize = 8;  // the riscv64 kernel's sigset_t (_NSIG = 64)
constexpr int kSiUser = 0;
constexpr int kSiTkill = -6;

GuestSiginfo user_info(int sig, int code) {
    GuestSiginfo info;
    info.signo = sig;
    info.code = code;
    info.u.kill.pid = getpid();
    info.u.kill.uid = getuid();
    return info;
}

// A signal to the guest itself is queued in its own signal state; SIGKILL and
// SIGSTOP act on the emulator, as they would on the guest.
int64_t send_self(Process& p, int sig, int code) {
    if (sig == 0) return 0;
    if (sig == SIGKILL || sig == SIGSTOP) return host_result(kill(getpid(), sig));
    return p.signals().queue(user_info(sig, code)) ? 0 : -EAGAIN;
}

int64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

}  // namespace

int64_t sys_rt_sigaction(Process& p, const uint64_t* a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    GuestSigaction act, old;
    GuestSigaction* actp;
    if (!read_optional(p, a[1], act, actp)) return -EFAULT;
    const int64_t r = p.signals().set_action(static_cast<int>(a[0]), actp, a[2] ? &old : nullptr);
    if (r < 0) return r;
    if (a[2] && !write_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

int64_t sys_rt_sigprocmask(Process& p, const uint64_t* a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    Signals& s = p.signals();
    const uint64_t old = s.blocked();
    if (a[1]) {
        uint64_t set;
        if (!p.space().read_value(a[1], set)) return -EFAULT;
        switch (a[0]) {
            case SIG_BLOCK: s.set_blocked(old | set); break;
            case SIG_UNBLOCK: s.set_blocked(old & ~set); break;
            case SIG_SETMASK: s.set_blocked(set); break;
            default: return -EINVAL;
        }
    }
    if (a[2] && !write_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

int64_t sys_rt_sigpending(Process& p, const uint64_t* a) {
    if (a[1] > kSigsetSize) return -EINVAL;
    const uint64_t set = p.signals().pending() & p.signals().blocked();
    return p.space().write(a[0], &set, a[1]) ? 0 : -EFAULT;
}

int64_t sys_rt_sigsuspend(Process& p, const uint64_t* a) {
    if (a[1] != kSigsetSize) return -EINVAL;
    uint64_t mask;
    if (!p.space().read_value(a[0], mask)) return -EFAULT;
    Signals& s = p.signals();
    s.begin_temporary_mask(mask);
    while (!s.wakeup_pending()) s.wait_host(-1);
    // The handler's frame records the mask from before the call.
    return -EINTR;
}

int64_t sys_rt_sigreturn(Process& p, const uint64_t*) {
    p.signals().sigreturn();
    return 0;  // not written: every register comes from the frame
}

int64_t sys_rt_sigtimedwait(Process& p, const uint64_t* a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    uint64_t set;
    if (!p.space().read_value(a[0], set)) return -EFAULT;
    int64_t deadline = -1;
    if (a[2]) {
        timespec ts;
        if (!p.space().read_value(a[2], ts)) return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
        deadline = monotonic_ns() + ts.tv_sec * 1000000000ll + ts.tv_nsec;
    }
    Signals& s = p.signals();
    for (;;) {
        GuestSiginfo info;
        if (const int sig = s.take(set, info)) {
            if (a[1] && !write_guest(p, a[1], info)) return -EFAULT;
            return sig;
        }
        if (s.wakeup_pending()) return -EINTR;
        int64_t left = -1;
        if (deadline >= 0) {
            left = deadline - monotonic_ns();
            if (left <= 0) return -EAGAIN;
        }
        s.wait_host(left);
    }
}

int64_t sys_sigaltstack(Process& p, const uint64_t* a) {
    GuestStack ss, old;
    GuestStack* ssp;
    if (!read_optional(p, a[0], ss, ssp)) return -EFAULT;
    const int64_t r = p.signals().alt_stack(ssp, a[1] ? &old : nullptr);
    if (r < 0) return r;
    if (a[1] && !write_guest(p, a[1], old)) return -EFAULT;
    return 0;
}

int64_t sys_kill(Process& p, const uint64_t* a) {
    const auto pid = static_cast<pid_t>(a[0]);
    const int sig = static_cast<int>(a[1]);
    if (sig < 0 || sig > kNumSignals) return -EINVAL;
    if (pid == getpid()) return send_self(p, sig, kSiUser);
    // Others (and process groups, which include us): the host delivers, and the
    // forwarded host signal comes back to the guest through Signals.
    return host_result(kill(pid, sig));
}

int64_t sys_tkill(Process& p, const uint64_t* a) {
    const auto tid = static_cast<pid_t>(a[0]);
    const int sig = static_cast<int>(a[1]);
    if (tid <= 0 || sig < 0 || sig > kNumSignals) return -EINVAL;
    if (tid == gettid()) return send_self(p, sig, kSiTkill);
    return host_result(syscall(SYS_tkill, tid, sig));
}

int64_t sys_tgkill(Process& p, const uint64_t* a) {
    const auto tgid = static_cast<pid_t>(a[0]);
    const auto tid = static_cast<pid_t>(a[1]);
    const int sig = static_cast<int>(a[2]);
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > kNumSignals) return -EINVAL;
    if (tgid == getpid() && tid == gettid()) return send_self(p, sig, kSiTkill);
    return host_result(syscall(SYS_tgkill, tgid, tid, sig));
}

int64_t sys_rt_sigqueueinfo(Process& p, const uint64_t* a) {
    const auto pid = static_cast<pid_t>(a[0]);
    const int sig = static_cast<int>(a[1]);
    GuestSiginfo info;
    if (!p.space().read_value(a[2], info)) return -EFAULT;
    if (sig < 0 || sig > kNumSignals) return -EINVAL;
    if (pid == getpid()) {
        if (sig == 0) return 0;
        info.signo = sig;
        return p.signals().queue(info) ? 0 : -EAGAIN;
    }
    // Same 128-byte siginfo layout on the host.
    return host_result(syscall(SYS_rt_sigqueueinfo, pid, sig, &info));
}

int64_t sys_rt_tgsigqueueinfo(Process& p, const uint64_t* a) {
    const auto tgid = static_cast<pid_t>(a[0]);
    const auto tid = static_cast<pid_t>(a[1]);
    const int sig = static_cast<int>(a[2]);
    GuestSiginfo info;
    if (!p.space().read_value(a[3], info)) return -EFAULT;
    if (sig < 0 || sig > kNumSignals) return -EINVAL;
    if (tgid == getpid() && tid == gettid()) {
        if (sig == 0) return 0;
        info.signo = sig;
        return p.signals().queue(info) ? 0 : -EAGAIN;
    }
    return host_result(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &info));
}

}  // namespace xvm::user
