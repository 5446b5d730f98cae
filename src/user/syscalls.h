// The Linux system-call layer of user mode (riscv64 uses the generic numbering
// of include/uapi/asm-generic/unistd.h). Each handler takes the six argument
// registers and returns the value for a0: a result, or -errno.
#pragma once

#include <cstdint>

namespace xvm::user {

class Process;

using SyscallFn = int64_t (*)(Process& p, const uint64_t* a);

struct SyscallInfo {
    const char* name;
    SyscallFn fn;
    // How -strace prints the arguments, one letter each:
    //   d signed decimal  u unsigned  x hex  p pointer  s string  f fd (AT_FDCWD aware)
    //   o open flags      m mode (octal)  S signal number
    const char* args;
};

// nullptr for numbers xvm does not implement (the caller returns -ENOSYS).
const SyscallInfo* find_syscall(uint64_t nr);

// Runs the system call in a7 with arguments a0-a5 and writes a0; logs with -strace.
void do_syscall(Process& p);

}  // namespace xvm::user
