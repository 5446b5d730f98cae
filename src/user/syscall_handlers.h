// Declarations of every sys_*() handler listed in syscall_table.inc.
#pragma once

#include <cstdint>

namespace xvm::user {

class Process;

#define XVM_SYSCALL(nr, name, fmt) int64_t sys_##name(Process& p, const uint64_t* a);
#include "user/syscall_table.inc"

}  // namespace xvm::user
