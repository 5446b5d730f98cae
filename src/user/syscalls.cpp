#include "user/syscalls.h"

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "core/log.h"
#include "user/process.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

constexpr unsigned kMaxSyscall = 512;

struct Table {
    SyscallInfo rows[kMaxSyscall] = {};
    Table() {
#define XVM_SYSCALL(nr, name, fmt) rows[nr] = SyscallInfo{#name, &sys_##name, fmt};
#include "user/syscall_table.inc"
    }
};

const Table& table() {
    static const Table t;
    return t;
}

// O_RDONLY|O_CREAT|..., as strace prints them (asm-generic/fcntl.h values,
// which x86-64 shares; O_SYNC and O_TMPFILE print their own bit, __O_SYNC and
// __O_TMPFILE, next to O_DSYNC and O_DIRECTORY).
std::string open_flags(uint64_t v) {
    static constexpr std::pair<uint64_t, const char*> kFlags[] = {
        {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
        {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
        {O_DSYNC, "O_DSYNC"},         {O_DIRECT, "O_DIRECT"},     {O_LARGEFILE, "O_LARGEFILE"},
        {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
        {O_CLOEXEC, "O_CLOEXEC"},     {04000000, "O_SYNC"},       {O_PATH, "O_PATH"},
        {020000000, "O_TMPFILE"},
    };
    static constexpr const char* kAccess[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    std::string out = kAccess[v & O_ACCMODE];
    v &= ~uint64_t{O_ACCMODE};
    for (auto [bit, name] : kFlags) {
        if (v & bit) {
            out += '|';
            out += name;
            v &= ~bit;
        }
    }
    if (v) out += fmt::format("|{:#x}", v);
    return out;
}

std::string format_arg(Process& p, char kind, uint64_t v) {
    switch (kind) {
        case 'd': return std::to_string(static_cast<int64_t>(v));
        case 'u': return std::to_string(v);
        case 'f':
            if (static_cast<int32_t>(v) == AT_FDCWD) return "AT_FDCWD";
            return std::to_string(static_cast<int32_t>(v));
        case 'm': return fmt::format("0{:o}", v);
        case 'o': return open_flags(v);
        case 'S': {
            const char* name = v < 65 ? sigabbrev_np(static_cast<int>(v)) : nullptr;
            return name ? fmt::format("SIG{}", name) : std::to_string(static_cast<int64_t>(v));
        }
        case 's': {
            std::string s;
            if (!p.space().read_string(v, s, 256)) return fmt::format("{:#x}", v);
            std::string out = "\"";
            for (char c : s) {
                if (c == '\n') out += "\\n";
                else if (c == '"') out += "\\\"";
                else if (c < 32 || c > 126) out += fmt::format("\\x{:02x}", static_cast<uint8_t>(c));
                else out += c;
            }
            return out + "\"";
        }
        case 'p': return v ? fmt::format("{:#x}", v) : "NULL";
        default: return fmt::format("{:#x}", v);
    }
}

}  // namespace

const SyscallInfo* find_syscall(uint64_t nr) {
    if (nr >= kMaxSyscall || !table().rows[nr].fn) return nullptr;
    return &table().rows[nr];
}

void do_syscall(Process& p) {
    riscv::Cpu& cpu = p.cpu();
    const uint64_t nr = cpu.x[17];
    const uint64_t a[6] = {cpu.x[10], cpu.x[11], cpu.x[12], cpu.x[13], cpu.x[14], cpu.x[15]};
    const SyscallInfo* info = find_syscall(nr);
    const bool trace = log::enabled(log::kStrace);
    std::string prefix;
    if (trace) {
        prefix = fmt::format("{} ", getpid());
        if (info) {
            prefix += info->name;
            prefix += '(';
            for (unsigned k = 0; info->args[k]; ++k) {
                if (k) prefix += ',';
                prefix += format_arg(p, info->args[k], a[k]);
            }
            prefix += ')';
        } else {
            prefix += fmt::format("syscall_{}({:#x},{:#x},{:#x})", nr, a[0], a[1], a[2]);
        }
        // exit and friends never return: print before running.
        if (nr == 93 || nr == 94) fmt::print(log::g_out, "{}\n", prefix);
    }
    // A signal that arrived while the guest ran is delivered before a call that
    // could block starts (the call runs after the handler returns); one that
    // interrupts the call restarts it after the handler, or at once when no
    // handler runs, as the kernel does: pc backs up to the ecall and a0 gets its
    // argument back (arch/riscv/kernel/signal.c handle_signal()).
    int64_t ret = -ENOSYS;
    bool restart = false;
    if (!info) {
        XVM_LOG(kUnimp, "unimplemented system call {} at pc {:#x}\n", nr, cpu.pc);
    } else if (p.signals().deliver_first(nr)) {
        restart = true;
    } else {
        ret = info->fn(p, a);
        restart = ret == -EINTR && p.signals().restart(nr);
    }
    if (trace && nr != 93 && nr != 94) {
        if (restart)
            fmt::print(log::g_out, "{} = ? ERESTARTSYS (signal first, then restarted)\n", prefix);
        else if (ret < 0 && ret > -4096)
            fmt::print(log::g_out, "{} = -1 errno={} ({})\n", prefix, -ret, strerrorname_np(static_cast<int>(-ret)) ? strerrorname_np(static_cast<int>(-ret)) : "?");
        else
            fmt::print(log::g_out, "{} = {}\n", prefix, ret);
    }
    if (restart) {
        cpu.pc -= 4;
        ret = static_cast<int64_t>(a[0]);
    }
    // rt_sigreturn restores every register itself, a0 included.
    if (nr != 139) cpu.x[10] = static_cast<uint64_t>(ret);
}

}  // namespace xvm::user
