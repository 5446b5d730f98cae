#include "user/signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>

#include "core/log.h"
#include "user/process.h"

namespace xvm::user {

const char* signal_name(int sig) {
    const char* s = sigdescr_np(sig);
    return s ? s : "Unknown signal";
}

void Signals::terminate(int sig, bool core) {
    // Like qemu-riscv64: a message naming the signal, then the shell-visible status.
    std::fflush(stdout);
    std::fprintf(stderr, "xvm: uncaught target signal %d (%s)%s at pc 0x%llx\n", sig,
                 signal_name(sig), core ? " - core dumped" : "",
                 static_cast<unsigned long long>(p_.cpu().pc));
    std::fflush(stderr);
    std::_Exit(128 + sig);
}

void Signals::force(int sig, int code, uint64_t addr) {
    SigInfoLite info{sig, code, addr, 0, 0};
    const GuestSigaction& act = action[sig];
    const bool blocked = (blocked_ >> (sig - 1)) & 1;
    if (act.handler == 0 || act.handler == 1 || blocked) terminate(sig, true);
    deliver(sig, info);
}

void Signals::queue(const SigInfoLite& info) {
    pending_ |= 1ull << (info.signo - 1);
    pending_info_[info.signo] = info;
}

void Signals::deliver_pending() {
    while (has_deliverable()) {
        const uint64_t ready = pending_ & ~blocked_;
        const int sig = __builtin_ctzll(ready) + 1;
        pending_ &= ~(1ull << (sig - 1));
        deliver(sig, pending_info_[sig]);
        if (p_.exited()) return;
    }
}

void Signals::deliver(int sig, const SigInfoLite&) {
    // Default actions only for now: terminate.
    const GuestSigaction& act = action[sig];
    if (act.handler == 1) return;
    switch (sig) {
        case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT: return;
        default: break;
    }
    terminate(sig, sig == SIGQUIT || sig == SIGILL || sig == SIGABRT || sig == SIGFPE ||
                       sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP || sig == SIGSYS);
}

void Signals::install_host_forwarding() {}

}  // namespace xvm::user
