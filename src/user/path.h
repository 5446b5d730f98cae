// Guest path arguments as host paths. Like qemu-riscv64 -L, an absolute guest
// path P names SYSROOT+P when that exists, else P itself: this is how the
// dynamic loader finds /lib/libc.so.6 in /usr/riscv64-linux-gnu/lib while
// /tmp, /etc and /proc stay the host's.
#pragma once

#include <string>
#include <string_view>

namespace xvm::user {

// The host path for `path` under `sysroot` ("" means no sysroot). Relative paths
// and "/" itself are never translated; existence is tested without following a
// final symlink, so a sysroot symlink is what a readlink sees.
std::string sysroot_path(std::string_view sysroot, const std::string& path);

// Whether `path` is /proc/self/ENTRY, /proc/thread-self/ENTRY or /proc/PID/ENTRY
// for the emulator's own pid: files qemu-riscv64 answers itself because the host
// would describe the emulator, not the guest.
bool is_proc_self(std::string_view path, std::string_view entry);

// `path` made absolute against the current directory and normalised ("." and
// ".." resolved lexically, symlinks kept): what /proc/self/exe reports.
std::string absolute_path(const std::string& path);

}  // namespace xvm::user
