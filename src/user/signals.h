// Guest signals in user mode: dispositions, masks, pending sets, and delivery
// onto the guest stack (riscv64 rt_sigframe layout, arch/riscv/kernel/signal.c).
#pragma once

#include <cstdint>

namespace xvm::user {

class Process;

inline constexpr int kNumSignals = 64;

struct GuestSigaction {
    uint64_t handler = 0;  // SIG_DFL = 0, SIG_IGN = 1, else a guest address
    uint64_t flags = 0;
    uint64_t restorer = 0;
    uint64_t mask = 0;
};

struct SigInfoLite {
    int signo = 0;
    int code = 0;
    uint64_t addr = 0;  // fault address, or sender pid/uid packed by the caller
    int32_t pid = 0;
    uint32_t uid = 0;
};

class Signals {
public:
    explicit Signals(Process& p) : p_(p) {}

    // A synchronous signal caused by the instruction at cpu.pc (fault, illegal
    // instruction, breakpoint). Delivered at once; if the guest cannot handle it
    // (default action, ignored or blocked), the process ends as Linux would.
    void force(int sig, int code, uint64_t addr);

    // Queues a signal (kill/tgkill/raise, host signals forwarded to the guest).
    void queue(const SigInfoLite& info);
    // Delivers pending, unblocked signals; called between guest runs.
    void deliver_pending();
    bool has_deliverable() const { return (pending_ & ~blocked_) != 0; }

    GuestSigaction action[kNumSignals + 1];
    uint64_t blocked_ = 0;  // bit (sig - 1)
    uint64_t pending_ = 0;
    SigInfoLite pending_info_[kNumSignals + 1];
    uint64_t altstack_sp = 0, altstack_size = 0;
    int altstack_flags = 2;  // SS_DISABLE

    // Forwards the host signals a user expects to reach the guest (SIGINT, SIGTERM,
    // SIGHUP, SIGQUIT, SIGUSR1/2, SIGALRM, SIGPIPE, SIGCHLD, SIGWINCH...).
    void install_host_forwarding();

private:
    void deliver(int sig, const SigInfoLite& info);
    [[noreturn]] void terminate(int sig, bool core);
    Process& p_;
};

const char* signal_name(int sig);

}  // namespace xvm::user
