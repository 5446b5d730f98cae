#include "engine/host_fault.h"

#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "mem/address_space.h"

namespace xvm::engine {

namespace {

thread_local FaultRecovery t_recovery;

void on_fault(int sig, siginfo_t* info, void* uctx) {
    FaultRecovery& r = t_recovery;
    if (r.space && r.space->contains_host(info->si_addr)) {
        const uint64_t guest_addr = r.space->guest_of(info->si_addr);
        // x86 page-fault error code, bit 1: the access was a write.
        const auto* uc = static_cast<const ucontext_t*>(uctx);
        const bool write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        if (sig == SIGSEGV && write) {
            const int saved_errno = errno;
            const bool ours = r.space->release_code_guard(guest_addr);
            errno = saved_errno;
            if (ours) {
                // Outside guest execution (a system call's copy) the engine sees
                // the write when it next runs; inside, it must stop to look.
                if (r.armed && r.exit_request)
                    std::atomic_ref<uint8_t>(*r.exit_request).store(1, std::memory_order_relaxed);
                return;
            }
        }
        if (r.armed) {
            r.armed = false;
            r.guest_addr = guest_addr;
            r.write = write;
            r.host_pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
            static constexpr int kByNumber[16] = {
                REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
            for (int k = 0; k < 16; ++k)
                r.gregs[k] = static_cast<uint64_t>(uc->uc_mcontext.gregs[kByNumber[k]]);
            siglongjmp(r.env, 1);
        }
    }
    // Not a guest access: a host bug. Die the way the signal normally kills.
    signal(sig, SIG_DFL);
    raise(sig);
}

}  // namespace

void install_fault_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        // The handler runs on an alternate stack so that a guest-triggered fault
        // can never be confused with host stack exhaustion.
        static char alt_stack[64 * 1024];
        stack_t ss{};
        ss.ss_sp = alt_stack;
        ss.ss_size = sizeof alt_stack;
        sigaltstack(&ss, nullptr);
        struct sigaction sa {};
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, nullptr);
        sigaction(SIGBUS, &sa, nullptr);
    });
}

FaultRecovery& thread_fault_recovery() {
    return t_recovery;
}

void unblock_fault_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    sigaddset(&set, SIGBUS);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace xvm::engine
