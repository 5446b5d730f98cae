#!/usr/bin/env bash
# Stand-in for the xvm binary that forwards `xvm user ARGS...` to qemu-riscv64,
# so the guest test harness can be proven before xvm runs programs
# (XVM_DIFF_SELFTEST=1, or -DXVM_GUEST_SELFTEST=ON).
[ "${1:-}" = user ] || { echo "qemu-as-xvm: only 'user' mode is supported" >&2; exit 2; }
shift
exec "${XVM_DIFF_QEMU:-qemu-riscv64}" "$@"
