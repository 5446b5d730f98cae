// Process creation. clone without CLONE_VM is fork: the host forks the whole
// emulator, guest memory included (private mappings copy on write, shared ones
// stay shared). vfork and posix_spawn (CLONE_VM | CLONE_VFORK) become a fork
// whose parent waits until the child has exec'd or exited, which is all the
// vfork contract lets the child rely on. Threads (CLONE_VM alone) are not
// emulated. execve of a riscv64 program runs the emulator again on it, with the
// emulator options this process was started with; any other file (a host
// program, a script) is handed to the host's execve, as qemu-riscv64 does.
#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "user/process.h"
#include "user/syscall_args.h"
#include "user/syscall_handlers.h"

namespace xvm::user {

namespace {

// Flags a fork-style clone can honour.
constexpr uint64_t kForkFlags = CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID |
                                CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_SETTLS;

// Reads a NULL-terminated guest array of string pointers (argv, envp); -errno
// on a bad pointer, E2BIG past the kernel's MAX_ARG_STRINGS-like bound.
int64_t read_string_array(Process& p, uint64_t addr, std::vector<std::string>& out) {
    constexpr size_t kMaxStrings = 0x7fffffff / 8;
    constexpr size_t kMaxBytes = 32u << 20;
    size_t bytes = 0;
    for (uint64_t k = 0; addr; ++k) {
        uint64_t ptr;
        if (!p.space().read_value(addr + k * 8, ptr)) return -EFAULT;
        if (!ptr) break;
        if (out.size() >= kMaxStrings) return -E2BIG;
        std::string s;
        if (!p.space().read_string(ptr, s, 128 * 1024)) return -EFAULT;
        bytes += s.size() + 1;
        if (bytes > kMaxBytes) return -E2BIG;
        out.push_back(std::move(s));
    }
    return 0;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (std::string& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

bool is_riscv_elf(int fd) {
    Elf64_Ehdr eh{};
    if (pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) return false;
    return std::equal(eh.e_ident, eh.e_ident + SELFMAG, ELFMAG) && eh.e_machine == EM_RISCV;
}

// The emulator's own command line up to the guest program: "xvm user -L ...",
// without the options that describe this guest only (-0, -E, -U).
std::vector<std::string> emulator_prefix(Process& p) {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> words;
    for (size_t at = 0; at < all.size();) {
        const size_t end = all.find('\0', at);
        words.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos) break;
        at = end + 1;
    }
    const size_t guest = p.options().load.argv.size();
    if (words.size() < guest + 1) return {};
    words.resize(words.size() - guest);
    std::vector<std::string> out;
    for (size_t k = 0; k < words.size(); ++k) {
        if ((words[k] == "-0" || words[k] == "-E" || words[k] == "-U") && k + 1 < words.size()) {
            ++k;
            continue;
        }
        if (words[k] == "--") continue;
        out.push_back(words[k]);
    }
    return out;
}

// Blocks on the host what the guest has blocked, so that an exec'd program (or
// emulator) starts with the mask Linux keeps across execve; returns the old one.
sigset_t host_mask_from_guest(uint64_t blocked) {
    sigset_t set, old;
    sigemptyset(&set);
    for (int sig = 1; sig <= kNumSignals; ++sig)
        if ((blocked & sig_bit(sig)) && sig != SIGKILL && sig != SIGSTOP) sigaddset(&set, sig);
    pthread_sigmask(SIG_SETMASK, &set, &old);
    return old;
}

}  // namespace

int64_t sys_clone(Process& p, const uint64_t* a) {
    const uint64_t flags = a[0];
    const uint64_t newsp = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    if (flags & ~kForkFlags) return -ENOSYS;  // threads, namespaces, shared tables
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) return -ENOSYS;
    const int exit_signal = static_cast<int>(flags & CSIGNAL);
    int done[2] = {-1, -1};
    if ((flags & CLONE_VFORK) && pipe2(done, O_CLOEXEC) != 0) return -errno;
    std::fflush(nullptr);
    const pid_t pid = exit_signal == SIGCHLD
                          ? fork()
                          : static_cast<pid_t>(syscall(SYS_clone, exit_signal, 0, 0, 0, 0));
    if (pid < 0) {
        const int e = errno;
        if (done[0] >= 0) close(done[0]), close(done[1]);
        return -e;
    }
    if (pid == 0) {
        // The child: the write end stays open until it execs or exits.
        if (done[0] >= 0) close(done[0]);
        p.signals().forget_pending();
        if (newsp) p.cpu().x[2] = newsp;
        if (flags & CLONE_SETTLS) p.cpu().x[4] = tls;
        if (flags & CLONE_CHILD_SETTID) {
            const auto tid = static_cast<int32_t>(gettid());
            (void)write_guest(p, ctid, tid);
        }
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID) (void)write_guest(p, ptid, static_cast<int32_t>(pid));
    if (done[0] >= 0) {
        close(done[1]);
        char c;
        while (read(done[0], &c, 1) < 0 && errno == EINTR) {
        }
        close(done[0]);
    }
    return pid;
}

int64_t sys_execve(Process& p, const uint64_t* a) {
    std::string path;
    if (int64_t r = read_path(p, a[0], path); r < 0) return r;
    std::vector<std::string> argv, envp;
    if (int64_t r = read_string_array(p, a[1], argv); r < 0) return r;
    if (int64_t r = read_string_array(p, a[2], envp); r < 0) return r;
    if (is_proc_self(path, "exe")) path = p.exe_path();
    const std::string host = sysroot_path(p.options().load.sysroot, path);

    const int fd = open(host.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    const bool riscv = is_riscv_elf(fd);
    close(fd);

    std::vector<std::string> args;
    std::string target = host;
    if (riscv) {
        if (access(host.c_str(), X_OK) != 0) return -errno;
        char self[PATH_MAX];
        const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) return -ENOEXEC;
        target.assign(self, static_cast<size_t>(n));
        args = emulator_prefix(p);
        if (args.empty()) return -ENOEXEC;
        args.insert(args.end(),
                    {"-L", p.options().load.sysroot.empty() ? "/" : p.options().load.sysroot});
        if (!argv.empty()) args.insert(args.end(), {"-0", argv[0]});
        args.insert(args.end(), {"--", host});
        if (argv.size() > 1) args.insert(args.end(), argv.begin() + 1, argv.end());
    } else {
        args = argv;
    }
    std::vector<char*> cargs = c_array(args), cenv = c_array(envp);
    std::fflush(nullptr);
    const sigset_t old = host_mask_from_guest(p.signals().blocked());
    execve(target.c_str(), cargs.data(), cenv.data());
    const int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return -e;
}

}  // namespace xvm::user
