// Descriptor system calls: positioned and vectored I/O, duplication, fcntl,
// pipes, terminal ioctls, polling and event descriptors. Guest descriptors are
// host descriptors. Structures are passed through where the layouts agree
// (flock, f_owner_ex, pollfd, fd_set, termios, termios2, winsize, itimerspec,
// inotify_event) and converted where they do not (epoll_event, guest_abi.h).
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>

#include "user/guest_abi.h"
#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

constexpr uint64_t kMaxIo = 1ull << 31;
constexpr uint64_t kSigsetSize = 8;

int fd_arg(uint64_t v) {
    return static_cast<int>(v);
}

// Buffers handed straight to the host: checked first, so a bad pointer is EFAULT.
int64_t io_buffer(Process& p, uint64_t addr, uint64_t& len, uint8_t need, void*& out) {
    len = std::min(len, kMaxIo);
    if (!p.space().accessible(addr, len, need)) return -EFAULT;
    out = p.space().host(addr);
    return 0;
}

// An optional loff_t* argument, read before and written back after the call.
struct OffsetArg {
    uint64_t addr;
    loff_t value = 0;
    bool read(Process& p) { return !addr || p.space().read_value(addr, value); }
    loff_t* ptr() { return addr ? &value : nullptr; }
    bool write_back(Process& p) const { return !addr || write_guest(p, addr, value); }
};

// Terminal and file ioctls whose argument layout is the same on riscv64 and
// x86-64 (asm-generic/ioctls.h and termbits.h on both). `in`/`out`: bytes the
// argument points to, copied before/after the host call; both 0 means the
// argument is a value (or unused). Anything else is -ENOTTY, as Linux answers
// a command the file does not know.
struct IoctlArg {
    uint32_t cmd;
    uint8_t in;
    uint8_t out;
};

constexpr uint8_t kTermios = 36, kTermios2 = 44, kWinsize = 8;
constexpr IoctlArg kIoctls[] = {
    {0x5401, 0, kTermios},       // TCGETS
    {0x5402, kTermios, 0},       // TCSETS
    {0x5403, kTermios, 0},       // TCSETSW
    {0x5404, kTermios, 0},       // TCSETSF
    {0x802c542a, 0, kTermios2},  // TCGETS2
    {0x402c542b, kTermios2, 0},  // TCSETS2
    {0x402c542c, kTermios2, 0},  // TCSETSW2
    {0x402c542d, kTermios2, 0},  // TCSETSF2
    {0x5409, 0, 0},              // TCSBRK (value)
    {0x540a, 0, 0},              // TCXONC (value)
    {0x540b, 0, 0},              // TCFLSH (value)
    {0x540c, 0, 0},              // TIOCEXCL
    {0x540d, 0, 0},              // TIOCNXCL
    {0x540e, 0, 0},              // TIOCSCTTY (value)
    {0x540f, 0, 4},              // TIOCGPGRP
    {0x5410, 4, 0},              // TIOCSPGRP
    {0x5411, 0, 4},              // TIOCOUTQ
    {0x5412, 1, 0},              // TIOCSTI
    {0x5413, 0, kWinsize},       // TIOCGWINSZ
    {0x5414, kWinsize, 0},       // TIOCSWINSZ
    {0x5415, 0, 4},              // TIOCMGET
    {0x5416, 4, 0},              // TIOCMBIS
    {0x5417, 4, 0},              // TIOCMBIC
    {0x5418, 4, 0},              // TIOCMSET
    {0x541b, 0, 4},              // FIONREAD
    {0x5421, 4, 0},              // FIONBIO
    {0x5422, 0, 0},              // TIOCNOTTY
    {0x5423, 4, 0},              // TIOCSETD
    {0x5424, 0, 4},              // TIOCGETD
    {0x5425, 0, 0},              // TCSBRKP (value)
    {0x5429, 0, 4},              // TIOCGSID
    {0x5441, 0, 0},              // TIOCGPTPEER (value: open flags)
    {0x5450, 0, 0},              // FIONCLEX
    {0x5451, 0, 0},              // FIOCLEX
    {0x5452, 4, 0},              // FIOASYNC
    {0x5460, 0, 8},              // FIOQSIZE (loff_t)
    {0x80045430, 0, 4},          // TIOCGPTN
    {0x40045431, 4, 0},          // TIOCSPTLCK
    {0x80045432, 0, 4},          // TIOCGDEV
};

}  // namespace

int64_t sys_lseek(Process&, const uint64_t* a) {
    return host_result(lseek(fd_arg(a[0]), static_cast<off_t>(a[1]), static_cast<int>(a[2])));
}

int64_t sys_pread64(Process& p, const uint64_t* a) {
    uint64_t len = a[2];
    void* buf;
    if (int64_t r = io_buffer(p, a[1], len, mem::kProtWrite, buf); r < 0) return r;
    return host_result(pread(fd_arg(a[0]), buf, len, static_cast<off_t>(a[3])));
}

int64_t sys_pwrite64(Process& p, const uint64_t* a) {
    uint64_t len = a[2];
    void* buf;
    if (int64_t r = io_buffer(p, a[1], len, mem::kProtRead, buf); r < 0) return r;
    return host_result(pwrite(fd_arg(a[0]), buf, len, static_cast<off_t>(a[3])));
}

int64_t sys_readv(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtWrite, iov); r < 0) return r;
    return host_result(readv(fd_arg(a[0]), iov.data(), static_cast<int>(iov.size())));
}

// preadv/pwritev(fd, iov, count, pos_l, pos_h[, flags]): on 64-bit, pos_l is the
// whole offset (the kernel's pos_from_hilo() shifts pos_h out).
int64_t sys_preadv(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtWrite, iov); r < 0) return r;
    return host_result(syscall(SYS_preadv, fd_arg(a[0]), iov.data(), iov.size(), a[3], 0));
}

int64_t sys_pwritev(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtRead, iov); r < 0) return r;
    return host_result(syscall(SYS_pwritev, fd_arg(a[0]), iov.data(), iov.size(), a[3], 0));
}

int64_t sys_preadv2(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtWrite, iov); r < 0) return r;
    return host_result(
        syscall(SYS_preadv2, fd_arg(a[0]), iov.data(), iov.size(), a[3], 0, fd_arg(a[5])));
}

int64_t sys_pwritev2(Process& p, const uint64_t* a) {
    std::vector<iovec> iov;
    if (int64_t r = guest_iovecs(p, a[1], a[2], mem::kProtRead, iov); r < 0) return r;
    return host_result(
        syscall(SYS_pwritev2, fd_arg(a[0]), iov.data(), iov.size(), a[3], 0, fd_arg(a[5])));
}

int64_t sys_dup(Process&, const uint64_t* a) {
    return host_result(dup(fd_arg(a[0])));
}

int64_t sys_dup3(Process&, const uint64_t* a) {
    return host_result(dup3(fd_arg(a[0]), fd_arg(a[1]), static_cast<int>(a[2])));
}

int64_t sys_pipe2(Process& p, const uint64_t* a) {
    int fds[2];
    if (pipe2(fds, static_cast<int>(a[1])) != 0) return -errno;
    if (!p.space().write(a[0], fds, sizeof fds)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_fcntl(Process& p, const uint64_t* a) {
    const int fd = fd_arg(a[0]);
    const int cmd = static_cast<int>(a[1]);
    switch (cmd) {
        case F_GETLK:
        case F_SETLK:
        case F_SETLKW:
        case F_OFD_GETLK:
        case F_OFD_SETLK:
        case F_OFD_SETLKW: {
            struct flock fl;
            static_assert(sizeof fl == 32);
            if (!p.space().read_value(a[2], fl)) return -EFAULT;
            if (fcntl(fd, cmd, &fl) != 0) return -errno;
            if ((cmd == F_GETLK || cmd == F_OFD_GETLK) && !write_guest(p, a[2], fl)) return -EFAULT;
            return 0;
        }
        case F_GETOWN_EX:
        case F_SETOWN_EX: {
            f_owner_ex own;
            if (cmd == F_SETOWN_EX && !p.space().read_value(a[2], own)) return -EFAULT;
            if (fcntl(fd, cmd, &own) != 0) return -errno;
            if (cmd == F_GETOWN_EX && !write_guest(p, a[2], own)) return -EFAULT;
            return 0;
        }
        case F_DUPFD:
        case F_DUPFD_CLOEXEC:
        case F_GETFD:
        case F_SETFD:
        case F_GETFL:
        case F_SETFL:
        case F_GETOWN:
        case F_SETOWN:
        case F_GETSIG:
        case F_SETSIG:
        case F_GETLEASE:
        case F_SETLEASE:
        case F_NOTIFY:
        case F_GETPIPE_SZ:
        case F_SETPIPE_SZ:
        case F_ADD_SEALS:
        case F_GET_SEALS: return host_result(fcntl(fd, cmd, static_cast<long>(a[2])));
        default: return -EINVAL;
    }
}

int64_t sys_ioctl(Process& p, const uint64_t* a) {
    const auto cmd = static_cast<uint32_t>(a[1]);
    const IoctlArg* known = nullptr;
    for (const IoctlArg& k : kIoctls)
        if (k.cmd == cmd) known = &k;
    if (!known) return -ENOTTY;
    if (!known->in && !known->out)
        return host_result(ioctl(fd_arg(a[0]), cmd, static_cast<unsigned long>(a[2])));
    alignas(8) uint8_t buf[64] = {};
    if (known->in && !p.space().read(a[2], buf, known->in)) return -EFAULT;
    if (known->out && !p.space().accessible(a[2], known->out, mem::kProtWrite)) return -EFAULT;
    if (ioctl(fd_arg(a[0]), cmd, buf) < 0) return -errno;
    if (known->out && !p.space().write(a[2], buf, known->out)) return -EFAULT;
    return 0;
}

int64_t sys_sendfile(Process& p, const uint64_t* a) {
    OffsetArg off{a[2]};
    if (!off.read(p)) return -EFAULT;
    const ssize_t n = sendfile(fd_arg(a[0]), fd_arg(a[1]), off.ptr(), std::min(a[3], kMaxIo));
    if (n < 0) return -errno;
    return off.write_back(p) ? n : -EFAULT;
}

int64_t sys_copy_file_range(Process& p, const uint64_t* a) {
    OffsetArg in{a[1]}, out{a[3]};
    if (!in.read(p) || !out.read(p)) return -EFAULT;
    const ssize_t n = copy_file_range(fd_arg(a[0]), in.ptr(), fd_arg(a[2]), out.ptr(),
                                      std::min(a[4], kMaxIo), static_cast<unsigned>(a[5]));
    if (n < 0) return -errno;
    return in.write_back(p) && out.write_back(p) ? n : -EFAULT;
}

int64_t sys_splice(Process& p, const uint64_t* a) {
    OffsetArg in{a[1]}, out{a[3]};
    if (!in.read(p) || !out.read(p)) return -EFAULT;
    const ssize_t n = splice(fd_arg(a[0]), in.ptr(), fd_arg(a[2]), out.ptr(),
                             std::min(a[4], kMaxIo), static_cast<unsigned>(a[5]));
    if (n < 0) return -errno;
    return in.write_back(p) && out.write_back(p) ? n : -EFAULT;
}

int64_t sys_flock(Process&, const uint64_t* a) {
    return host_result(flock(fd_arg(a[0]), static_cast<int>(a[1])));
}

int64_t sys_fadvise64(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_fadvise64, fd_arg(a[0]), a[1], a[2], static_cast<int>(a[3])));
}

int64_t sys_ppoll(Process& p, const uint64_t* a) {
    const uint64_t nfds = a[1];
    if (nfds > (1u << 20)) return -EINVAL;
    const uint64_t bytes = nfds * sizeof(pollfd);
    if (!p.space().accessible(a[0], bytes, mem::kProtRead | mem::kProtWrite)) return -EFAULT;
    timespec ts;
    timespec* tsp;
    if (!read_optional(p, a[2], ts, tsp)) return -EFAULT;
    Signals& s = p.signals();
    if (a[3]) {
        uint64_t mask;
        if (a[4] != kSigsetSize) return -EINVAL;
        if (!p.space().read_value(a[3], mask)) return -EFAULT;
        s.begin_temporary_mask(mask);
    }
    long r;
    if (s.wakeup_pending()) {
        r = -EINTR;
    } else {
        HostSignalsBlocked block;
        r = host_signals_pending()
                ? -EINTR
                : host_result(ppoll(reinterpret_cast<pollfd*>(p.space().host(a[0])), nfds, tsp,
                                    &block.old()));
    }
    // Linux writes the time left back (poll_select_finish()).
    if (tsp) (void)write_guest(p, a[2], ts);
    s.end_temporary_mask(r == -EINTR);
    return r;
}

int64_t sys_pselect6(Process& p, const uint64_t* a) {
    const auto n = static_cast<int>(a[0]);
    if (n < 0) return -EINVAL;
    // fd_set is an array of unsigned long on both: n bits, whole words.
    const uint64_t bytes = (static_cast<uint64_t>(n) + 63) / 64 * 8;
    void* sets[3] = {};
    for (int k = 0; k < 3; ++k) {
        if (!a[1 + k]) continue;
        if (!p.space().accessible(a[1 + k], bytes, mem::kProtRead | mem::kProtWrite))
            return -EFAULT;
        sets[k] = p.space().host(a[1 + k]);
    }
    timespec ts;
    timespec* tsp;
    if (!read_optional(p, a[4], ts, tsp)) return -EFAULT;
    // The sixth argument points at { const sigset_t* ss; size_t ss_len; }.
    Signals& s = p.signals();
    if (a[5]) {
        uint64_t sig[2];
        if (!p.space().read(a[5], sig, sizeof sig)) return -EFAULT;
        if (sig[0]) {
            uint64_t mask;
            if (sig[1] != kSigsetSize) return -EINVAL;
            if (!p.space().read_value(sig[0], mask)) return -EFAULT;
            s.begin_temporary_mask(mask);
        }
    }
    long r;
    if (s.wakeup_pending()) {
        r = -EINTR;
    } else {
        HostSignalsBlocked block;
        const struct {
            const sigset_t* ss;
            size_t len;
        } host_mask{&block.old(), kSigsetSize};
        r = host_signals_pending()
                ? -EINTR
                : host_result(syscall(SYS_pselect6, n, sets[0], sets[1], sets[2], tsp, &host_mask));
    }
    if (tsp) (void)write_guest(p, a[4], ts);
    s.end_temporary_mask(r == -EINTR);
    return r;
}

int64_t sys_epoll_create1(Process&, const uint64_t* a) {
    return host_result(epoll_create1(static_cast<int>(a[0])));
}

int64_t sys_epoll_ctl(Process& p, const uint64_t* a) {
    epoll_event ev{};
    if (a[3]) {
        GuestEpollEvent g;
        if (!p.space().read_value(a[3], g)) return -EFAULT;
        ev.events = g.events;
        ev.data.u64 = g.data;
    }
    return host_result(
        epoll_ctl(fd_arg(a[0]), static_cast<int>(a[1]), fd_arg(a[2]), a[3] ? &ev : nullptr));
}

namespace {

// epoll_pwait and epoll_pwait2: host events converted to the guest's layout.
int64_t epoll_wait_common(Process& p, const uint64_t* a, const timespec* timeout, int timeout_ms) {
    const auto max = static_cast<int>(a[2]);
    if (max <= 0 || static_cast<uint64_t>(max) > INT_MAX / sizeof(GuestEpollEvent)) return -EINVAL;
    if (!p.space().accessible(a[1], uint64_t(max) * sizeof(GuestEpollEvent), mem::kProtWrite))
        return -EFAULT;
    // Fewer events per call than asked is allowed; it bounds the host buffer.
    std::vector<epoll_event> events(std::min(max, 1024));
    Signals& s = p.signals();
    if (a[4]) {
        uint64_t mask;
        if (a[5] != kSigsetSize) return -EINVAL;
        if (!p.space().read_value(a[4], mask)) return -EFAULT;
        s.begin_temporary_mask(mask);
    }
    long r;
    if (s.wakeup_pending()) {
        r = -EINTR;
    } else {
        HostSignalsBlocked block;
        if (host_signals_pending())
            r = -EINTR;
        else if (timeout)
            r = host_result(syscall(SYS_epoll_pwait2, fd_arg(a[0]), events.data(),
                                    static_cast<int>(events.size()), timeout, &block.old(),
                                    kSigsetSize));
        else
            r = host_result(epoll_pwait(fd_arg(a[0]), events.data(),
                                        static_cast<int>(events.size()), timeout_ms, &block.old()));
    }
    s.end_temporary_mask(r == -EINTR);
    for (long k = 0; k < r; ++k) {
        const GuestEpollEvent g{events[k].events, 0, events[k].data.u64};
        if (!write_guest(p, a[1] + k * sizeof g, g)) return -EFAULT;
    }
    return r;
}

}  // namespace

int64_t sys_epoll_pwait(Process& p, const uint64_t* a) {
    return epoll_wait_common(p, a, nullptr, static_cast<int>(a[3]));
}

int64_t sys_epoll_pwait2(Process& p, const uint64_t* a) {
    timespec ts;
    timespec* tsp;
    if (!read_optional(p, a[3], ts, tsp)) return -EFAULT;
    return epoll_wait_common(p, a, tsp, -1);
}

int64_t sys_eventfd2(Process&, const uint64_t* a) {
    return host_result(eventfd(static_cast<unsigned>(a[0]), static_cast<int>(a[1])));
}

int64_t sys_memfd_create(Process& p, const uint64_t* a) {
    std::string name;
    if (!p.space().read_string(a[0], name, 249)) return -EFAULT;
    return host_result(memfd_create(name.c_str(), static_cast<unsigned>(a[1])));
}

int64_t sys_close_range(Process&, const uint64_t* a) {
    return host_result(syscall(SYS_close_range, static_cast<unsigned>(a[0]),
                               static_cast<unsigned>(a[1]), static_cast<unsigned>(a[2])));
}

int64_t sys_inotify_init1(Process&, const uint64_t* a) {
    return host_result(inotify_init1(static_cast<int>(a[0])));
}

int64_t sys_inotify_add_watch(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[1], path); r < 0) return r;
    return host_result(inotify_add_watch(fd_arg(a[0]), path.c_str(), static_cast<uint32_t>(a[2])));
}

int64_t sys_inotify_rm_watch(Process&, const uint64_t* a) {
    return host_result(inotify_rm_watch(fd_arg(a[0]), static_cast<int>(a[1])));
}

int64_t sys_timerfd_create(Process&, const uint64_t* a) {
    return host_result(timerfd_create(static_cast<int>(a[0]), static_cast<int>(a[1])));
}

int64_t sys_timerfd_settime(Process& p, const uint64_t* a) {
    itimerspec nv, old;
    if (!p.space().read_value(a[2], nv)) return -EFAULT;
    if (timerfd_settime(fd_arg(a[0]), static_cast<int>(a[1]), &nv, &old) != 0) return -errno;
    if (a[3] && !write_guest(p, a[3], old)) return -EFAULT;
    return 0;
}

int64_t sys_timerfd_gettime(Process& p, const uint64_t* a) {
    itimerspec v;
    if (timerfd_gettime(fd_arg(a[0]), &v) != 0) return -errno;
    return write_guest(p, a[1], v) ? 0 : -EFAULT;
}

}  // namespace xvm::user
