// The riscv64 Linux structures whose layout differs from the x86-64 host's, and
// the signal-frame structures the host has no equivalent of. Every size and
// offset below was checked against the sysroot's kernel headers
// (/usr/riscv64-linux-gnu/include: asm-generic/stat.h, asm-generic/signal.h,
// asm-generic/siginfo.h, asm/ucontext.h, asm/sigcontext.h, asm/ptrace.h,
// linux/eventpoll.h) by printing offsetof/sizeof in a riscv64 program.
// Structures not listed here (statx, linux_dirent64, timespec, timeval,
// itimerval, rusage, rlimit, sysinfo, tms, pollfd, flock, statfs, termios,
// termios2, winsize, stack_t, siginfo_t) have the same layout on both.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

namespace xvm::user {

// asm-generic/stat.h (riscv64 newfstatat/fstat): 128 bytes; x86-64's is 144 with
// st_nlink before st_mode.
struct GuestStat {
    uint64_t dev;
    uint64_t ino;
    uint32_t mode;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint64_t rdev;
    uint64_t pad1;
    int64_t size;
    int32_t blksize;
    int32_t pad2;
    int64_t blocks;
    int64_t atime;
    uint64_t atime_nsec;
    int64_t mtime;
    uint64_t mtime_nsec;
    int64_t ctime;
    uint64_t ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
};
static_assert(sizeof(GuestStat) == 128);
static_assert(offsetof(GuestStat, mode) == 16 && offsetof(GuestStat, rdev) == 32);
static_assert(offsetof(GuestStat, size) == 48 && offsetof(GuestStat, blksize) == 56);
static_assert(offsetof(GuestStat, blocks) == 64 && offsetof(GuestStat, atime) == 72);
static_assert(offsetof(GuestStat, mtime) == 88 && offsetof(GuestStat, ctime_nsec) == 112);

// Field by field, as the kernel's cp_new_stat() fills it (st_dev and st_rdev use
// the same new_encode_dev() encoding on both architectures).
inline GuestStat to_guest_stat(const struct stat& s) {
    GuestStat g{};
    g.dev = s.st_dev;
    g.ino = s.st_ino;
    g.mode = s.st_mode;
    g.nlink = static_cast<uint32_t>(s.st_nlink);
    g.uid = s.st_uid;
    g.gid = s.st_gid;
    g.rdev = s.st_rdev;
    g.size = s.st_size;
    g.blksize = static_cast<int32_t>(s.st_blksize);
    g.blocks = s.st_blocks;
    g.atime = s.st_atim.tv_sec;
    g.atime_nsec = static_cast<uint64_t>(s.st_atim.tv_nsec);
    g.mtime = s.st_mtim.tv_sec;
    g.mtime_nsec = static_cast<uint64_t>(s.st_mtim.tv_nsec);
    g.ctime = s.st_ctim.tv_sec;
    g.ctime_nsec = static_cast<uint64_t>(s.st_ctim.tv_nsec);
    return g;
}

// linux/eventpoll.h: riscv64 aligns `data` to 8 (16 bytes); x86-64 packs it (12).
struct GuestEpollEvent {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
};
static_assert(sizeof(GuestEpollEvent) == 16);

// asm-generic/signal.h struct sigaction: riscv64 defines no SA_RESTORER, so
// there is no sa_restorer field (x86-64's kernel struct has one: 32 bytes).
struct GuestSigaction {
    uint64_t handler = 0;  // SIG_DFL = 0, SIG_IGN = 1, else a guest address
    uint64_t flags = 0;
    uint64_t mask = 0;
};
static_assert(sizeof(GuestSigaction) == 24);

// asm-generic/siginfo.h, 128 bytes on every 64-bit Linux: three ints, padding,
// then a union whose members start at byte 16.
struct GuestSiginfo {
    int32_t signo = 0;
    int32_t err = 0;
    int32_t code = 0;
    int32_t pad = 0;
    // _sigfault: si_addr at 0; _kill/_rt/_sigchld: si_pid at 0, si_uid at 4,
    // si_value or si_status at 8; _timer: si_tid, si_overrun, si_value.
    union {
        uint64_t addr;
        struct {
            int32_t pid;
            uint32_t uid;
            uint64_t value;
        } kill;
        uint8_t bytes[112];
    } u{};
};
static_assert(sizeof(GuestSiginfo) == 128);
static_assert(offsetof(GuestSiginfo, u) == 16);

// stack_t: ss_sp, ss_flags (int, padded), ss_size.
struct GuestStack {
    uint64_t sp = 0;
    int32_t flags = 0;
    int32_t pad = 0;
    uint64_t size = 0;
};
static_assert(sizeof(GuestStack) == 24);

// The signal frame (arch/riscv/kernel/signal.c struct rt_sigframe { siginfo;
// ucontext }). asm/ucontext.h: uc_flags, uc_link, uc_stack, uc_sigmask (8 bytes)
// and padding to a 128-byte sigset, then uc_mcontext = struct sigcontext
// (asm/sigcontext.h) aligned to 16: user_regs_struct sc_regs (pc, x1..x31) and
// union __riscv_fp_state (the D variant f[32] + fcsr, sized as the Q variant:
// 528 bytes). glibc's ucontext_t (sys/ucontext.h) has the same layout.
struct GuestSigcontext {
    uint64_t regs[32];  // [0] = pc, [k] = x[k]
    uint64_t fregs[32];
    uint32_t fcsr;
    uint8_t fp_reserved[528 - 32 * 8 - 4];
};
static_assert(sizeof(GuestSigcontext) == 784);
static_assert(offsetof(GuestSigcontext, fregs) == 256);
static_assert(offsetof(GuestSigcontext, fcsr) == 512);

struct alignas(16) GuestUcontext {
    uint64_t flags;
    uint64_t link;
    GuestStack stack;
    uint64_t sigmask;
    uint8_t sigmask_reserved[128 - 8];
    alignas(16) GuestSigcontext mcontext;
};
static_assert(sizeof(GuestUcontext) == 960);
static_assert(offsetof(GuestUcontext, stack) == 16);
static_assert(offsetof(GuestUcontext, sigmask) == 40);
static_assert(offsetof(GuestUcontext, mcontext) == 176);

struct GuestSigframe {
    GuestSiginfo info;
    GuestUcontext uc;
};
static_assert(sizeof(GuestSigframe) == 1088);
static_assert(offsetof(GuestSigframe, uc) == 128);

}  // namespace xvm::user
