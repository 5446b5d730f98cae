#include "user/signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/log.h"
#include "user/process.h"

namespace xvm::user {

namespace {

constexpr uint64_t kSigDfl = 0;
constexpr uint64_t kSigIgn = 1;
constexpr uint64_t kUnblockable = sig_bit(SIGKILL) | sig_bit(SIGSTOP);
// sigaltstack flags (asm-generic/signal-defs.h, linux/signal.h).
constexpr int kSsOnStack = 1;
constexpr int kSsDisable = 2;
constexpr int kSsAutoDisarm = static_cast<int>(0x80000000u);
// sa_flags the kernel keeps (kernel/signal.c UAPI_SA_FLAGS; riscv64 has no
// SA_RESTORER). Unknown bits read back as clear, which is how programs probe.
constexpr uint64_t kKnownSaFlags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK |
                                   SA_RESTART | SA_NODEFER | SA_RESETHAND | 0x800;
// The vDSO's __vdso_rt_sigreturn (arch/riscv/kernel/vdso/rt_sigreturn.S):
// li a7, 139; ecall. libgcc's unwinder recognises exactly these two words as a
// signal frame (riscv/linux-unwind.h), so backtraces through handlers work.
constexpr uint32_t kSigreturnCode[2] = {0x08b00893, 0x00000073};
constexpr int64_t kSiKernel = 0x80;

enum class Default { Terminate, Core, Ignore, Stop };

Default default_action(int sig) {
    switch (sig) {
        case SIGCHLD:
        case SIGURG:
        case SIGWINCH:
        case SIGCONT: return Default::Ignore;
        case SIGSTOP:
        case SIGTSTP:
        case SIGTTIN:
        case SIGTTOU: return Default::Stop;
        case SIGQUIT:
        case SIGILL:
        case SIGTRAP:
        case SIGABRT:
        case SIGBUS:
        case SIGFPE:
        case SIGSEGV:
        case SIGXCPU:
        case SIGXFSZ:
        case SIGSYS: return Default::Core;
        default: return Default::Terminate;
    }
}

// Host signals that may be forwarded to the guest. Excluded: the uncatchable
// ones, the synchronous ones the emulator itself raises or relies on (guest
// memory faults arrive as host SIGSEGV/SIGBUS, emulator bugs as SIGILL, SIGFPE,
// SIGABRT), and 32/33, which the host's glibc reserves.
bool forwardable(int sig) {
    switch (sig) {
        case SIGKILL:
        case SIGSTOP:
        case SIGSEGV:
        case SIGBUS:
        case SIGILL:
        case SIGFPE:
        case SIGTRAP:
        case SIGABRT:
        case SIGSYS:
        case 32:
        case 33: return false;
        default: return sig >= 1 && sig <= kNumSignals;
    }
}

// The host side, shared with the async handler: process-wide by nature.
std::atomic<uint64_t> g_host_pending{0};
siginfo_t g_host_info[kNumSignals + 1];
std::atomic<engine::Engine*> g_engine{nullptr};

enum class HostMode : uint8_t { Untouched, Catch, Ignore, Default };
HostMode g_host_mode[kNumSignals + 1];
struct sigaction g_host_original[kNumSignals + 1];

void on_host_signal(int sig, siginfo_t* info, void*) {
    const int saved_errno = errno;
    // Forwarded signals are blocked while this runs (sa_mask), so no two writers.
    std::memcpy(&g_host_info[sig], info, sizeof *info);
    g_host_pending.fetch_or(sig_bit(sig), std::memory_order_release);
    if (engine::Engine* e = g_engine.load(std::memory_order_acquire)) e->request_exit();
    errno = saved_errno;
}

sigset_t forwardable_set() {
    sigset_t s;
    sigemptyset(&s);
    for (int sig = 1; sig <= kNumSignals; ++sig)
        if (forwardable(sig)) sigaddset(&s, sig);
    return s;
}

// System calls a signal may interrupt (the kernel's -ERESTARTSYS ones: restarted
// under SA_RESTART) and those it always interrupts when a handler runs
// (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK: sleeps, waits with a mask).
enum class Restart { Never, Sys, NoHandler };

Restart restart_kind(uint64_t nr) {
    switch (nr) {
        case 25:
        case 29:
        case 32:
        case 56:
        case 63:
        case 64:
        case 65:
        case 66:
        case 67:
        case 68:
        case 69:
        case 70:
        case 71:
        case 76:
        case 77:
        case 95:
        case 98:
        case 188:
        case 189:
        case 193:
        case 202:
        case 203:
        case 206:
        case 207:
        case 211:
        case 212:
        case 242:
        case 243:
        case 260:
        case 269:
        case 285:
        case 286:
        case 287: return Restart::Sys;
        case 22:
        case 72:
        case 73:
        case 101:
        case 115:
        case 133:
        case 137:
        case 441: return Restart::NoHandler;
        default: return Restart::Never;
    }
}

}  // namespace

HostSignalsBlocked::HostSignalsBlocked() {
    const sigset_t s = forwardable_set();
    pthread_sigmask(SIG_BLOCK, &s, &old_);
}

HostSignalsBlocked::~HostSignalsBlocked() {
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

bool host_signals_pending() {
    return g_host_pending.load(std::memory_order_acquire) != 0;
}

const char* signal_name(int sig) {
    const char* s = sigdescr_np(sig);
    return s ? s : "Unknown signal";
}

Signals::~Signals() {
    if (!started_) return;
    engine::Engine* self = &p_.engine();
    g_engine.compare_exchange_strong(self, nullptr);
    for (int sig = 1; sig <= kNumSignals; ++sig) {
        if (g_host_mode[sig] == HostMode::Untouched) continue;
        sigaction(sig, &g_host_original[sig], nullptr);
        g_host_mode[sig] = HostMode::Untouched;
    }
}

void Signals::start() {
    if (started_) return;
    started_ = true;
    // The sigreturn trampoline, in the gap between the mmap area and the stack.
    MemoryMap& map = p_.memory_map();
    mem::AddressSpace& space = p_.space();
    constexpr uint64_t kPage = mem::AddressSpace::kPageSize;
    uint64_t at = map.mmap_top();
    if (map.overlaps(at, at + kPage)) at = map.find_free(kPage).value_or(0);
    if (at && space.map(at, kPage, mem::kProtRead | mem::kProtWrite) &&
        space.write(at, kSigreturnCode, sizeof kSigreturnCode) &&
        space.protect(at, kPage, mem::kProtRead | mem::kProtExec)) {
        map.add(at, at + kPage);
        trampoline_ = at;
    } else {
        XVM_LOG(kUnimp, "no room for the sigreturn trampoline: signal handlers cannot return\n");
    }

    g_engine.store(&p_.engine(), std::memory_order_release);
    for (int sig = 1; sig <= kNumSignals; ++sig) {
        if (!forwardable(sig)) continue;
        struct sigaction cur {};
        if (sigaction(sig, nullptr, &cur) != 0) continue;
        g_host_original[sig] = cur;
        g_host_mode[sig] = HostMode::Untouched;
        // An ignored signal stays ignored across execve (signal(7)).
        if (cur.sa_handler == SIG_IGN) action_[sig].handler = kSigIgn;
        sync_host_disposition(sig);
    }
    // So does the blocked mask: the guest's starts as the one this process was
    // given (by a shell, or by the execve of another guest, see
    // syscalls_exec.cpp); the emulator itself runs with nothing blocked, now
    // that its handlers are in place for whatever was held pending.
    sigset_t inherited, none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, &inherited);
    uint64_t mask = 0;
    for (int sig = 1; sig <= kNumSignals; ++sig)
        if (sigismember(&inherited, sig) == 1) mask |= sig_bit(sig);
    set_blocked(mask);
}

void Signals::forget_pending() {
    // A forked child starts with no pending signals (fork(2)).
    for (int sig = kSigRtMin; sig <= kNumSignals; ++sig) rt_queue_[sig].clear();
    rt_queued_ = 0;
    pending_ = 0;
    g_host_pending.store(0, std::memory_order_release);
}

void Signals::sync_host_disposition(int sig) {
    if (!started_ || !forwardable(sig)) return;
    const GuestSigaction& act = action_[sig];
    HostMode want;
    if (act.handler == kSigIgn) {
        // Then the host discards it too: no EINTR, and SIGPIPE becomes EPIPE only.
        want = HostMode::Ignore;
    } else if (act.handler == kSigDfl) {
        const Default d = default_action(sig);
        // Default-ignored signals stay with the host's default (no EINTR), and so
        // do the stop signals, so job control stops the emulator with its guest.
        want = (d == Default::Ignore || d == Default::Stop) ? HostMode::Default : HostMode::Catch;
    } else {
        want = HostMode::Catch;
    }
    if (g_host_mode[sig] == want) return;
    struct sigaction sa {};
    if (want == HostMode::Catch) {
        sa.sa_sigaction = on_host_signal;
        // No SA_RESTART: a blocking host call must return EINTR so the guest's
        // SA_RESTART choice can be applied (restart()).
        sa.sa_flags = SA_SIGINFO;
        sa.sa_mask = forwardable_set();
    } else {
        sa.sa_handler = want == HostMode::Ignore ? SIG_IGN : SIG_DFL;
        sigemptyset(&sa.sa_mask);
    }
    if (sigaction(sig, &sa, nullptr) == 0) g_host_mode[sig] = want;
}

void Signals::collect_host() {
    if (g_host_pending.load(std::memory_order_acquire) == 0) return;
    HostSignalsBlocked block;
    uint64_t got = g_host_pending.exchange(0, std::memory_order_acq_rel);
    while (got) {
        const int sig = __builtin_ctzll(got) + 1;
        got &= got - 1;
        // The host siginfo_t is the same 128-byte generic layout.
        GuestSiginfo info;
        static_assert(sizeof info <= sizeof(siginfo_t));
        std::memcpy(static_cast<void*>(&info), &g_host_info[sig], sizeof info);
        info.signo = sig;
        queue(info);
    }
}

bool Signals::queue(const GuestSiginfo& info) {
    const int sig = info.signo;
    if (sig < 1 || sig > kNumSignals) return false;
    const uint64_t bit = sig_bit(sig);
    // Linux discards an ignored signal when it is sent, unless it is blocked
    // (the handler may change before it is unblocked).
    const GuestSigaction& act = action_[sig];
    const bool ignored = act.handler == kSigIgn ||
                         (act.handler == kSigDfl && (default_action(sig) == Default::Ignore ||
                                                     default_action(sig) == Default::Stop));
    if (ignored && !(blocked_ & bit)) return true;
    if (sig >= kSigRtMin) {
        // RLIMIT_SIGPENDING-like bound on what a guest can make us hold.
        constexpr size_t kMaxQueued = 4096;
        if (rt_queued_ >= kMaxQueued) return false;
        rt_queue_[sig].push_back(info);
        ++rt_queued_;
    } else if (pending_ & bit) {
        return true;  // a standard signal is pending once
    } else {
        pending_info_[sig] = info;
    }
    pending_ |= bit;
    return true;
}

GuestSiginfo Signals::dequeue(int sig) {
    if (sig < kSigRtMin) {
        pending_ &= ~sig_bit(sig);
        return pending_info_[sig];
    }
    GuestSiginfo info = rt_queue_[sig].front();
    rt_queue_[sig].pop_front();
    --rt_queued_;
    if (rt_queue_[sig].empty()) pending_ &= ~sig_bit(sig);
    return info;
}

void Signals::discard(int sig) {
    pending_ &= ~sig_bit(sig);
    rt_queued_ -= rt_queue_[sig].size();
    rt_queue_[sig].clear();
}

uint64_t Signals::pending() {
    collect_host();
    return pending_;
}

void Signals::set_blocked(uint64_t mask) {
    blocked_ = mask & ~kUnblockable;
}

void Signals::begin_temporary_mask(uint64_t mask) {
    saved_mask_ = blocked_;
    restore_mask_ = true;
    set_blocked(mask);
}

void Signals::end_temporary_mask(bool interrupted) {
    // When interrupted, the mask stays until deliver_pending() has set up the
    // handler's frame (which records the saved mask for sigreturn).
    if (restore_mask_ && !interrupted) {
        blocked_ = saved_mask_;
        restore_mask_ = false;
    }
}

int64_t Signals::set_action(int sig, const GuestSigaction* act, GuestSigaction* old) {
    if (sig < 1 || sig > kNumSignals) return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
    if (old) *old = action_[sig];
    if (!act) return 0;
    action_[sig] = *act;
    action_[sig].flags &= kKnownSaFlags;
    action_[sig].mask &= ~kUnblockable;
    // POSIX: setting a pending signal to be ignored discards it, blocked or not.
    if (act->handler == kSigIgn ||
        (act->handler == kSigDfl && default_action(sig) == Default::Ignore))
        discard(sig);
    sync_host_disposition(sig);
    return 0;
}

bool Signals::on_alt_stack(uint64_t sp) const {
    // kernel on_sig_stack(): an auto-disarming stack never counts as "on it".
    if (alt_.flags & kSsAutoDisarm) return false;
    return sp > alt_.sp && sp - alt_.sp <= alt_.size;
}

int Signals::alt_stack_flags(uint64_t sp) const {
    if (alt_.size == 0) return kSsDisable;
    return on_alt_stack(sp) ? kSsOnStack : 0;
}

int64_t Signals::alt_stack(const GuestStack* ss, GuestStack* old) {
    // kernel/signal.c do_sigaltstack().
    const uint64_t sp = p_.cpu().x[2];
    if (old) {
        *old =
            GuestStack{alt_.sp, alt_stack_flags(sp) | (alt_.flags & kSsAutoDisarm), 0, alt_.size};
    }
    if (!ss) return 0;
    if (on_alt_stack(sp)) return -EPERM;
    const int mode = ss->flags & ~kSsAutoDisarm;
    if (mode != kSsDisable && mode != kSsOnStack && mode != 0) return -EINVAL;
    if (mode == kSsDisable) {
        alt_ = GuestStack{0, ss->flags, 0, 0};
    } else {
        if (ss->size < kMinSigStackSize) return -ENOMEM;
        alt_ = GuestStack{ss->sp, ss->flags, 0, ss->size};
    }
    return 0;
}

bool Signals::setup_frame(int sig, const GuestSiginfo& info, const GuestSigaction& act) {
    // arch/riscv/kernel/signal.c get_sigframe() and setup_rt_frame().
    riscv::Cpu& cpu = p_.cpu();
    uint64_t sp = cpu.x[2];
    if (on_alt_stack(sp) && !on_alt_stack(sp - sizeof(GuestSigframe))) return false;
    if ((act.flags & SA_ONSTACK) && alt_stack_flags(sp) == 0) sp = alt_.sp + alt_.size;
    const uint64_t frame = (sp - sizeof(GuestSigframe)) & ~uint64_t{15};

    GuestSigframe f{};
    f.info = info;
    f.info.signo = sig;
    f.uc.stack = alt_;
    f.uc.sigmask = restore_mask_ ? saved_mask_ : blocked_;
    GuestSigcontext& mc = f.uc.mcontext;
    mc.regs[0] = cpu.pc;
    for (int k = 1; k < 32; ++k) mc.regs[k] = cpu.x[k];
    std::memcpy(mc.fregs, cpu.f, sizeof mc.fregs);
    mc.fcsr = (cpu.frm << 5) | cpu.fflags;
    if (!p_.space().write(frame, &f, sizeof f)) return false;

    if (alt_.flags & kSsAutoDisarm) alt_ = GuestStack{0, kSsDisable, 0, 0};
    restore_mask_ = false;
    cpu.x[1] = trampoline_;
    cpu.x[2] = frame;
    cpu.x[10] = static_cast<uint64_t>(sig);
    cpu.x[11] = frame + offsetof(GuestSigframe, info);
    cpu.x[12] = frame + offsetof(GuestSigframe, uc);
    cpu.pc = act.handler;
    cpu.resv_addr = ~0ull;  // a handler never completes an interrupted LR/SC
    return true;
}

void Signals::sigreturn() {
    riscv::Cpu& cpu = p_.cpu();
    GuestSigframe f;
    if (!p_.space().read(cpu.x[2], &f, sizeof f)) {
        XVM_LOG(kGuestErrors, "rt_sigreturn: bad frame at {:#x}\n", cpu.x[2]);
        force(SIGSEGV, kSiKernel, 0);
        return;
    }
    set_blocked(f.uc.sigmask);
    const GuestSigcontext& mc = f.uc.mcontext;
    cpu.pc = mc.regs[0];
    for (int k = 1; k < 32; ++k) cpu.x[k] = mc.regs[k];
    std::memcpy(cpu.f, mc.fregs, sizeof mc.fregs);
    cpu.fflags = mc.fcsr & 0x1f;
    cpu.frm = (mc.fcsr >> 5) & 7;
    cpu.resv_addr = ~0ull;
    // restore_altstack(): errors (e.g. EPERM while still on the stack) are ignored.
    (void)alt_stack(&f.uc.stack, nullptr);
}

namespace {

std::string signal_abbrev(int sig) {
    const char* a = sigabbrev_np(sig);
    return a ? fmt::format("SIG{}", a) : fmt::format("signal {}", sig);
}

// -strace shows deliveries the way strace does: "--- SIGSEGV {...} ---".
void trace_delivery(int sig, const GuestSiginfo& info) {
    if (!log::enabled(log::kStrace)) return;
    std::string fields;
    switch (sig) {
        case SIGSEGV:
        case SIGBUS:
        case SIGILL:
        case SIGFPE:
        case SIGTRAP:
            if (info.code > 0) {
                fields = fmt::format(", si_addr={:#x}", info.u.addr);
                break;
            }
            [[fallthrough]];
        default: fields = fmt::format(", si_pid={}, si_uid={}", info.u.kill.pid, info.u.kill.uid);
    }
    fmt::print(log::g_out, "{} --- {} {{si_signo={}, si_code={}{}}} ---\n", getpid(),
               signal_abbrev(sig), signal_abbrev(sig), info.code, fields);
}

}  // namespace

void Signals::terminate(int sig) {
    // Like qemu-riscv64: a message only for the core-dumping signals, then the
    // status a shell shows for a signal death.
    if (log::enabled(log::kStrace))
        fmt::print(log::g_out, "{} +++ killed by {} +++\n", getpid(), signal_abbrev(sig));
    std::fflush(nullptr);
    if (default_action(sig) == Default::Core) {
        std::fprintf(stderr, "xvm: uncaught target signal %d (%s) - core dumped at pc 0x%llx\n",
                     sig, signal_name(sig), static_cast<unsigned long long>(p_.cpu().pc));
        std::fflush(stderr);
    }
    // Die of the signal itself, so that a parent's wait() sees WIFSIGNALED (a
    // shell shows 128 + sig), without a core file of the emulator (qemu does the
    // same). 32 and 33 cannot be reset through the host's glibc: exit instead.
    rlimit core{};
    if (getrlimit(RLIMIT_CORE, &core) == 0) {
        core.rlim_cur = 0;
        setrlimit(RLIMIT_CORE, &core);
    }
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    if (sigaction(sig, &dfl, nullptr) == 0) {
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
        raise(sig);
    }
    std::_Exit(128 + sig);
}

void Signals::force(int sig, int code, uint64_t addr) {
    GuestSiginfo info;
    info.signo = sig;
    info.code = code;
    info.u.addr = addr;
    // kernel force_sig_info_to_task(): a blocked or ignored synchronous signal
    // takes its default action.
    const uint64_t handler = action_[sig].handler;
    if (handler == kSigDfl || handler == kSigIgn || (blocked_ & sig_bit(sig))) terminate(sig);
    deliver(sig, info);
}

void Signals::deliver(int sig, const GuestSiginfo& info) {
    const GuestSigaction act = action_[sig];
    if (act.handler == kSigIgn) return;
    trace_delivery(sig, info);
    if (act.handler == kSigDfl) {
        const Default d = default_action(sig);
        if (d == Default::Ignore || d == Default::Stop) return;
        terminate(sig);
    }
    if (!setup_frame(sig, info, act)) {
        // The kernel's force_sigsegv(): no usable stack for the frame.
        XVM_LOG(kGuestErrors, "cannot write the frame for signal {} at sp {:#x}\n", sig,
                p_.cpu().x[2]);
        terminate(SIGSEGV);
    }
    uint64_t block = blocked_ | act.mask;
    if (!(act.flags & SA_NODEFER)) block |= sig_bit(sig);
    set_blocked(block);
    if (act.flags & SA_RESETHAND) {
        action_[sig].handler = kSigDfl;
        sync_host_disposition(sig);
    }
}

void Signals::deliver_pending() {
    collect_host();
    while (uint64_t ready = pending_ & ~blocked_) {
        const int sig = __builtin_ctzll(ready) + 1;
        deliver(sig, dequeue(sig));
        if (p_.exited()) return;
    }
    if (restore_mask_) {
        blocked_ = saved_mask_;
        restore_mask_ = false;
    }
}

bool Signals::wakeup_pending() {
    collect_host();
    uint64_t ready = pending_ & ~blocked_;
    while (ready) {
        const int sig = __builtin_ctzll(ready) + 1;
        ready &= ready - 1;
        const GuestSigaction& act = action_[sig];
        if (act.handler > kSigIgn) return true;
        if (act.handler == kSigDfl &&
            (default_action(sig) == Default::Terminate || default_action(sig) == Default::Core))
            return true;
        discard(sig);  // ignored: dropped, as delivery would
    }
    return false;
}

void Signals::wait_host(int64_t timeout_ns) {
    // Forwarded signals are blocked while we look, and ppoll unblocks them
    // atomically as it starts to sleep: one arriving in between wakes it at once.
    HostSignalsBlocked block;
    if (g_host_pending.load(std::memory_order_acquire) != 0) return;
    if (timeout_ns == 0) return;
    timespec ts{timeout_ns / 1000000000, timeout_ns % 1000000000};
    ppoll(nullptr, 0, timeout_ns < 0 ? nullptr : &ts, &block.old());
}

int Signals::take(uint64_t set, GuestSiginfo& info) {
    collect_host();
    const uint64_t ready = pending_ & set & ~kUnblockable;
    if (!ready) return 0;
    const int sig = __builtin_ctzll(ready) + 1;
    info = dequeue(sig);
    info.signo = sig;
    return sig;
}

int Signals::next_handled_signal() const {
    uint64_t ready = pending_ & ~blocked_;
    while (ready) {
        const int sig = __builtin_ctzll(ready) + 1;
        ready &= ready - 1;
        if (action_[sig].handler > kSigIgn) return sig;
    }
    return 0;
}

bool Signals::deliver_first(uint64_t nr) {
    // Only calls that block in the host: the waiting ones of restart_kind()'s
    // second group look for signals themselves, without a race.
    if (restart_kind(nr) != Restart::Sys) return false;
    return g_host_pending.load(std::memory_order_acquire) != 0 || (pending_ & ~blocked_) != 0;
}

bool Signals::restart(uint64_t nr) {
    // arch/riscv/kernel/signal.c handle_signal(): with no handler to run the call
    // is restarted; with one, only -ERESTARTSYS calls and only under SA_RESTART.
    const Restart kind = restart_kind(nr);
    if (kind == Restart::Never) return false;
    collect_host();
    const int sig = next_handled_signal();
    // Nothing to run: restart, unless nothing is pending at all (then the EINTR
    // had another cause and restarting could loop).
    if (!sig) return pending_ != 0;
    return kind == Restart::Sys && (action_[sig].flags & SA_RESTART);
}

}  // namespace xvm::user
