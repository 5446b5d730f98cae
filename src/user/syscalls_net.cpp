// Socket system calls. Socket addresses, option values (ints, struct timeval,
// struct linger, struct ucred) and control messages (cmsghdr with 8-byte
// alignment, SCM_RIGHTS int arrays) have the same layout on riscv64 and x86-64,
// so their bytes pass through; only struct msghdr carries guest pointers and is
// rebuilt with host ones.
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

int fd_arg(uint64_t v) {
    return static_cast<int>(v);
}

// struct user_msghdr on riscv64 (LP64): pointers and size_t are 8 bytes.
struct GuestMsghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    int32_t pad1;
};
static_assert(sizeof(GuestMsghdr) == 56 && sizeof(msghdr) == 56);

// struct mmsghdr: a msghdr and the byte count, padded to 64.
constexpr uint64_t kMmsghdrSize = 64;
constexpr uint64_t kMmsgLenOffset = 56;

// A guest buffer of `len` bytes as a host pointer; nullptr stays nullptr.
int64_t guest_buffer(Process& p, uint64_t addr, uint64_t len, uint8_t need, void*& out) {
    out = nullptr;
    if (!addr) return 0;
    if (!p.space().accessible(addr, len, need)) return -EFAULT;
    out = p.space().host(addr);
    return 0;
}

// An (addr, socklen_t* addrlen) result pair: the length is read, the address
// area checked for writing, and the length written back after the call.
struct AddrOut {
    uint64_t addr, len_addr;
    socklen_t len = 0;
    void* host = nullptr;

    int64_t prepare(Process& p) {
        if (!addr || !len_addr) return 0;
        if (!p.space().read_value(len_addr, len)) return -EFAULT;
        if (static_cast<int>(len) < 0) return -EINVAL;
        return guest_buffer(p, addr, len, mem::kProtWrite, host);
    }
    sockaddr* sa() { return static_cast<sockaddr*>(host); }
    socklen_t* lenp() { return host ? &len : nullptr; }
    bool finish(Process& p) const { return !host || write_guest(p, len_addr, len); }
};

// Builds a host msghdr pointing into guest memory. `iov` keeps the host iovecs.
int64_t host_msghdr(Process& p, const GuestMsghdr& g, bool receive, msghdr& h,
                    std::vector<iovec>& iov) {
    const uint8_t need = receive ? mem::kProtWrite : mem::kProtRead;
    if (int64_t r = guest_iovecs(p, g.iov, g.iovlen, need, iov); r < 0) return r;
    h = msghdr{};
    if (int64_t r = guest_buffer(p, g.name, g.namelen, need, h.msg_name); r < 0) return r;
    h.msg_namelen = g.name ? g.namelen : 0;
    h.msg_iov = iov.data();
    h.msg_iovlen = iov.size();
    if (int64_t r = guest_buffer(p, g.control, g.controllen, need, h.msg_control); r < 0) return r;
    h.msg_controllen = g.control ? g.controllen : 0;
    h.msg_flags = g.flags;
    return 0;
}

// What recvmsg changes in the caller's msghdr.
bool write_back(Process& p, uint64_t addr, GuestMsghdr g, const msghdr& h) {
    g.namelen = h.msg_namelen;
    g.controllen = h.msg_controllen;
    g.flags = h.msg_flags;
    return write_guest(p, addr, g);
}

}  // namespace

int64_t sys_socket(Process&, const uint64_t* a) {
    return host_result(
        socket(static_cast<int>(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2])));
}

int64_t sys_socketpair(Process& p, const uint64_t* a) {
    int sv[2];
    if (socketpair(static_cast<int>(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2]), sv) != 0)
        return -errno;
    if (!p.space().write(a[3], sv, sizeof sv)) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_bind(Process& p, const uint64_t* a) {
    void* addr;
    if (int64_t r = guest_buffer(p, a[1], a[2], mem::kProtRead, addr); r < 0) return r;
    return host_result(
        bind(fd_arg(a[0]), static_cast<sockaddr*>(addr), static_cast<socklen_t>(a[2])));
}

int64_t sys_connect(Process& p, const uint64_t* a) {
    void* addr;
    if (int64_t r = guest_buffer(p, a[1], a[2], mem::kProtRead, addr); r < 0) return r;
    return host_result(
        connect(fd_arg(a[0]), static_cast<sockaddr*>(addr), static_cast<socklen_t>(a[2])));
}

int64_t sys_listen(Process&, const uint64_t* a) {
    return host_result(listen(fd_arg(a[0]), static_cast<int>(a[1])));
}

int64_t sys_accept4(Process& p, const uint64_t* a) {
    AddrOut out{a[1], a[2]};
    if (int64_t r = out.prepare(p); r < 0) return r;
    const int fd = accept4(fd_arg(a[0]), out.sa(), out.lenp(), static_cast<int>(a[3]));
    if (fd < 0) return -errno;
    if (!out.finish(p)) {
        close(fd);
        return -EFAULT;
    }
    return fd;
}

int64_t sys_accept(Process& p, const uint64_t* a) {
    const uint64_t args[6] = {a[0], a[1], a[2], 0};
    return sys_accept4(p, args);
}

int64_t sys_getsockname(Process& p, const uint64_t* a) {
    AddrOut out{a[1], a[2]};
    if (!a[1] || !a[2]) return -EFAULT;
    if (int64_t r = out.prepare(p); r < 0) return r;
    if (getsockname(fd_arg(a[0]), out.sa(), out.lenp()) != 0) return -errno;
    return out.finish(p) ? 0 : -EFAULT;
}

int64_t sys_getpeername(Process& p, const uint64_t* a) {
    AddrOut out{a[1], a[2]};
    if (!a[1] || !a[2]) return -EFAULT;
    if (int64_t r = out.prepare(p); r < 0) return r;
    if (getpeername(fd_arg(a[0]), out.sa(), out.lenp()) != 0) return -errno;
    return out.finish(p) ? 0 : -EFAULT;
}

int64_t sys_sendto(Process& p, const uint64_t* a) {
    void *buf, *addr;
    if (int64_t r = guest_buffer(p, a[1], a[2], mem::kProtRead, buf); r < 0) return r;
    if (int64_t r = guest_buffer(p, a[4], a[5], mem::kProtRead, addr); r < 0) return r;
    return host_result(sendto(fd_arg(a[0]), buf, a[2], static_cast<int>(a[3]),
                              static_cast<sockaddr*>(addr), static_cast<socklen_t>(a[5])));
}

int64_t sys_recvfrom(Process& p, const uint64_t* a) {
    void* buf;
    if (int64_t r = guest_buffer(p, a[1], a[2], mem::kProtWrite, buf); r < 0) return r;
    AddrOut out{a[4], a[5]};
    if (int64_t r = out.prepare(p); r < 0) return r;
    const ssize_t n =
        recvfrom(fd_arg(a[0]), buf, a[2], static_cast<int>(a[3]), out.sa(), out.lenp());
    if (n < 0) return -errno;
    return out.finish(p) ? n : -EFAULT;
}

int64_t sys_setsockopt(Process& p, const uint64_t* a) {
    const int level = static_cast<int>(a[1]), name = static_cast<int>(a[2]);
    // Socket filters carry a pointer (struct sock_fprog) and would filter the
    // emulator's view; not offered.
    if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF))
        return -ENOPROTOOPT;
    void* val;
    if (int64_t r = guest_buffer(p, a[3], a[4], mem::kProtRead, val); r < 0) return r;
    return host_result(setsockopt(fd_arg(a[0]), level, name, val, static_cast<socklen_t>(a[4])));
}

int64_t sys_getsockopt(Process& p, const uint64_t* a) {
    AddrOut out{a[3], a[4]};
    if (!a[4]) return -EFAULT;
    if (int64_t r = out.prepare(p); r < 0) return r;
    socklen_t len = out.len;
    if (getsockopt(fd_arg(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2]), out.host, &len) !=
        0)
        return -errno;
    out.len = len;
    return write_guest(p, a[4], out.len) ? 0 : -EFAULT;
}

int64_t sys_shutdown(Process&, const uint64_t* a) {
    return host_result(shutdown(fd_arg(a[0]), static_cast<int>(a[1])));
}

int64_t sys_sendmsg(Process& p, const uint64_t* a) {
    GuestMsghdr g;
    if (!p.space().read_value(a[1], g)) return -EFAULT;
    msghdr h;
    std::vector<iovec> iov;
    if (int64_t r = host_msghdr(p, g, false, h, iov); r < 0) return r;
    return host_result(sendmsg(fd_arg(a[0]), &h, static_cast<int>(a[2])));
}

int64_t sys_recvmsg(Process& p, const uint64_t* a) {
    GuestMsghdr g;
    if (!p.space().read_value(a[1], g)) return -EFAULT;
    msghdr h;
    std::vector<iovec> iov;
    if (int64_t r = host_msghdr(p, g, true, h, iov); r < 0) return r;
    const ssize_t n = recvmsg(fd_arg(a[0]), &h, static_cast<int>(a[2]));
    if (n < 0) return -errno;
    return write_back(p, a[1], g, h) ? n : -EFAULT;
}

// sendmmsg/recvmmsg one message at a time: the count of messages done is what
// the caller sees, and an error after the first message ends the batch (as the
// kernel reports it). recvmmsg's timeout is not applied.
int64_t sys_sendmmsg(Process& p, const uint64_t* a) {
    const auto count = static_cast<unsigned>(std::min<uint64_t>(a[2], 1024));
    unsigned done = 0;
    for (; done < count; ++done) {
        const uint64_t at = a[1] + done * kMmsghdrSize;
        const uint64_t args[6] = {a[0], at, a[3]};
        const int64_t n = sys_sendmsg(p, args);
        if (n < 0) return done ? done : n;
        const auto len = static_cast<uint32_t>(n);
        if (!write_guest(p, at + kMmsgLenOffset, len)) return done ? done : -EFAULT;
    }
    return done;
}

int64_t sys_recvmmsg(Process& p, const uint64_t* a) {
    const auto count = static_cast<unsigned>(std::min<uint64_t>(a[2], 1024));
    const int flags = static_cast<int>(a[3]);
    unsigned done = 0;
    for (; done < count; ++done) {
        const uint64_t at = a[1] + done * kMmsghdrSize;
        // After the first message, MSG_WAITFORONE makes the rest non-blocking.
        const int f = (done && (flags & MSG_WAITFORONE)) ? flags | MSG_DONTWAIT : flags;
        const uint64_t args[6] = {a[0], at, static_cast<uint64_t>(f & ~MSG_WAITFORONE)};
        const int64_t n = sys_recvmsg(p, args);
        if (n < 0) return done ? done : n;
        const auto len = static_cast<uint32_t>(n);
        if (!write_guest(p, at + kMmsgLenOffset, len)) return done ? done : -EFAULT;
    }
    return done;
}

}  // namespace xvm::user
