// Guest signals in user mode: dispositions, the blocked mask, pending signals,
// the alternate stack, and delivery onto the guest stack in the riscv64
// rt_sigframe layout (arch/riscv/kernel/signal.c; guest_abi.h).
//
// Host signals the guest may want (SIGINT, SIGTERM, SIGALRM, ...) are caught by
// an async-signal-safe host handler that records them in an atomic set and asks
// the engine to return to the run loop; deliver_pending() then moves them into
// the guest's pending set and delivers. Guest and host signal numbers agree
// (asm-generic/signal.h and x86-64's asm/signal.h define the same 1..31).
#pragma once

#include <signal.h>

#include <cstdint>
#include <deque>

#include "user/guest_abi.h"

namespace xvm::user {

class Process;

inline constexpr int kNumSignals = 64;
inline constexpr int kSigRtMin = 32;  // the kernel's; glibc keeps 32 and 33 for itself
// riscv64 MINSIGSTKSZ (asm-generic/signal.h).
inline constexpr uint64_t kMinSigStackSize = 2048;

constexpr uint64_t sig_bit(int sig) {
    return 1ull << (sig - 1);
}

class Signals {
  public:
    explicit Signals(Process& p) : p_(p) {}
    ~Signals();
    Signals(const Signals&) = delete;
    Signals& operator=(const Signals&) = delete;

    // Maps the sigreturn trampoline and installs the host handlers; called once
    // before the guest runs.
    void start();

    // A synchronous signal caused by the instruction at cpu.pc (fault, illegal
    // instruction, breakpoint): delivered at once to a handler; if the guest
    // cannot handle it (default action, ignored or blocked), the process ends.
    void force(int sig, int code, uint64_t addr);

    // In a forked child: no signal is pending.
    void forget_pending();

    // Makes a signal pending (kill/tgkill to self, forwarded host signals).
    // Standard signals coalesce; real-time ones queue every instance with its
    // siginfo, up to a limit (then false: sigqueue's EAGAIN).
    bool queue(const GuestSiginfo& info);
    // Delivers pending, unblocked signals; called between guest runs.
    void deliver_pending();

    // rt_sigaction: -errno or 0. Keeps the host disposition in step.
    int64_t set_action(int sig, const GuestSigaction* act, GuestSigaction* old);
    const GuestSigaction& action(int sig) const { return action_[sig]; }
    uint64_t blocked() const { return blocked_; }
    void set_blocked(uint64_t mask);
    // Pending signals (host ones collected first).
    uint64_t pending();

    // sigsuspend/ppoll/pselect6 masks: `mask` applies until the next delivery,
    // whose frame records the saved mask (Linux's restore_sigmask()), or until
    // end_temporary_mask() when the call was not interrupted.
    void begin_temporary_mask(uint64_t mask);
    void end_temporary_mask(bool interrupted);

    // sigaltstack: -errno or 0.
    int64_t alt_stack(const GuestStack* ss, GuestStack* old);
    // rt_sigreturn: restores registers, mask and alternate stack from the frame
    // at sp; ends the process with SIGSEGV if the frame is unreadable.
    void sigreturn();

    // Whether a pending, unblocked signal would interrupt a sleep: it has a
    // handler or terminates the process. Ignored ones are discarded here.
    bool wakeup_pending();
    // Sleeps until a host signal arrives or `timeout_ns` passes (-1: no limit),
    // without the race of checking first and sleeping after.
    void wait_host(int64_t timeout_ns);
    // Takes a pending signal in `set` (lowest first) for rt_sigtimedwait; 0 if none.
    int take(uint64_t set, GuestSiginfo& info);

    // System-call interruption. Before a call that may block: whether a signal is
    // already waiting, to be delivered first (the call starts after the handler
    // returns). After -EINTR: whether to restart the call (SA_RESTART, or no
    // handler will run) as the kernel would.
    bool deliver_first(uint64_t nr);
    bool restart(uint64_t nr);

  private:
    void collect_host();
    void deliver(int sig, const GuestSiginfo& info);
    bool setup_frame(int sig, const GuestSiginfo& info, const GuestSigaction& act);
    void sync_host_disposition(int sig);
    int next_handled_signal() const;
    [[noreturn]] void terminate(int sig);
    bool on_alt_stack(uint64_t sp) const;
    int alt_stack_flags(uint64_t sp) const;

    Process& p_;
    GuestSigaction action_[kNumSignals + 1];
    uint64_t blocked_ = 0;  // sig_bit(sig)
    GuestSiginfo dequeue(int sig);
    void discard(int sig);

    uint64_t pending_ = 0;
    GuestSiginfo pending_info_[kNumSignals + 1];          // standard signals
    std::deque<GuestSiginfo> rt_queue_[kNumSignals + 1];  // real-time signals
    size_t rt_queued_ = 0;
    uint64_t saved_mask_ = 0;
    bool restore_mask_ = false;
    GuestStack alt_{0, 2 /* SS_DISABLE */, 0, 0};
    uint64_t trampoline_ = 0;
    bool started_ = false;
};

const char* signal_name(int sig);

// Forwarded host signals blocked for the object's lifetime. A host call that
// takes a mask (ppoll, pselect6, epoll_pwait) and is given old() wakes for
// them with EINTR, with no window between checking and sleeping.
class HostSignalsBlocked {
  public:
    HostSignalsBlocked();
    ~HostSignalsBlocked();
    HostSignalsBlocked(const HostSignalsBlocked&) = delete;
    HostSignalsBlocked& operator=(const HostSignalsBlocked&) = delete;
    const sigset_t& old() const { return old_; }

  private:
    sigset_t old_;
};

// Whether a forwarded host signal arrived that Signals has not collected yet.
bool host_signals_pending();

}  // namespace xvm::user
