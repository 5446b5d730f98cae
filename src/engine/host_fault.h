// Host faults inside the guest address space become guest faults. The engine
// arms a recovery point around guest execution; the SIGSEGV/SIGBUS handler jumps
// back to it when the faulting address lies in the guest range. A write to a page
// the address space guards because it holds translated code is not a guest fault:
// the handler lifts the guard, asks the engine to stop at its next safe point
// (there it drops the page's translations) and returns, so the store runs again.
// Any other fault is a real host bug and is re-raised with the default action.
#pragma once

#include <csetjmp>
#include <cstdint>

namespace xvm::mem {
class AddressSpace;
}

namespace xvm::engine {

struct FaultRecovery {
    sigjmp_buf env;
    const mem::AddressSpace* space = nullptr;
    uint8_t* exit_request = nullptr;  // the running Cpu's, raised after a write to code
    volatile bool armed = false;
    uint64_t guest_addr = 0;
    uintptr_t host_pc = 0;    // where the host faulted (compiled code maps it to a guest pc)
    uint64_t gregs[16] = {};  // the general registers there, by x86 number (rax = 0 ... r15)
    bool write = false;
};

// Installs the process-wide handler once (idempotent, thread-safe).
void install_fault_handler();

// The calling thread's recovery point (one per thread running guest code).
FaultRecovery& thread_fault_recovery();

// After a jump back, the blocked signal must be unblocked by the recovering code.
void unblock_fault_signals();

}  // namespace xvm::engine
