#!/usr/bin/env bash
# Differential runner: run one riscv64 Linux program under qemu-riscv64 (the
# reference) and under `xvm user`, then compare stdout and exit status.
#
# usage: run-diff.sh [options] XVM PROGRAM [ARGS...]
#   -E VAR=VAL          set VAR in the guest environment (passed to both emulators)
#   -U VAR              remove VAR from the guest environment (passed to both)
#   --stdin FILE        feed FILE on standard input (default /dev/null)
#   --expect-status N   also require the reference exit status to be N
#   --ref-only          run only the reference (to validate a program itself)
#
# Environment:
#   XVM_DIFF_QEMU       reference emulator (default: qemu-riscv64 on PATH)
#   XVM_GUEST_SYSROOT   sysroot for dynamic programs (default /usr/riscv64-linux-gnu)
#   XVM_DIFF_TIMEOUT    seconds each emulator may run (default 100)
#   XVM_DIFF_SELFTEST=1 replace XVM by qemu-as-xvm.sh, proving the harness
#                       itself: every test must then pass.
#
# A guest killed by signal N shows as status 128+N on both sides, which is
# what a shell reports for qemu (it re-raises the guest's signal on itself).
set -u

usage() { echo "usage: $0 [-E VAR=VAL] [-U VAR] [--stdin FILE] [--expect-status N] [--ref-only] XVM PROGRAM [ARGS...]" >&2; exit 2; }

env_opts=()
stdin_file=/dev/null
expect_status=
ref_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    -E|-U) [ $# -ge 2 ] || usage; env_opts+=("$1" "$2"); shift 2 ;;
    --stdin) [ $# -ge 2 ] || usage; stdin_file=$2; shift 2 ;;
    --expect-status) [ $# -ge 2 ] || usage; expect_status=$2; shift 2 ;;
    --ref-only) ref_only=1; shift ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || usage

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
xvm=$1; shift
prog=$1; shift
qemu=${XVM_DIFF_QEMU:-qemu-riscv64}
sysroot=${XVM_GUEST_SYSROOT:-/usr/riscv64-linux-gnu}
limit=${XVM_DIFF_TIMEOUT:-100}
if [ "${XVM_DIFF_SELFTEST:-0}" = 1 ]; then
  xvm=$here/qemu-as-xvm.sh
fi

if ! command -v "$qemu" >/dev/null; then
  echo "run-diff: reference emulator '$qemu' not found (install the Debian package qemu-user)" >&2
  exit 2
fi
[ -f "$prog" ] || { echo "run-diff: no such program: $prog" >&2; exit 2; }
[ "$ref_only" = 1 ] || [ -x "$xvm" ] || { echo "run-diff: xvm binary not executable: $xvm" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/xvm-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0  # guests that die by signal must not litter core files

# Host variables the environment test reads (one kept, one removed with -U).
export XVM_DIFF_HOST_KEEP=kept-from-host
export XVM_DIFF_HOST_DROP=should-be-removed

# `timeout` passes a signal death through (it re-raises the signal on
# itself) and reports a hang as 124.
ref_cmd=(timeout -k 5 "$limit" "$qemu" -L "$sysroot" "${env_opts[@]}" "$prog" "$@")
xvm_cmd=(timeout -k 5 "$limit" "$xvm" user -L "$sysroot" "${env_opts[@]}" "$prog" "$@")

# (the outer 2>/dev/null silences bash's own "Segmentation fault" job notice)
{ "${ref_cmd[@]}" <"$stdin_file" >"$work/ref.out" 2>"$work/ref.err"; ref_status=$?; } 2>/dev/null
[ "$ref_status" != 124 ] || echo "run-diff: qemu-riscv64 timed out after ${limit}s" >&2

if [ -n "$expect_status" ] && [ "$ref_status" != "$expect_status" ]; then
  echo "run-diff: reference (qemu) exited $ref_status, test expects $expect_status" >&2
  echo "--- qemu stderr:" >&2; cat "$work/ref.err" >&2
  exit 1
fi
if [ "$ref_only" = 1 ]; then
  cat "$work/ref.out"
  echo "run-diff: reference status $ref_status" >&2
  exit 0
fi

{ "${xvm_cmd[@]}" <"$stdin_file" >"$work/xvm.out" 2>"$work/xvm.err"; xvm_status=$?; } 2>/dev/null
[ "$xvm_status" != 124 ] || echo "run-diff: xvm timed out after ${limit}s" >&2

fail=0
if ! cmp -s "$work/ref.out" "$work/xvm.out"; then
  echo "run-diff: stdout differs ($prog)" >&2
  diff -u --label "qemu-riscv64 stdout" --label "xvm stdout" "$work/ref.out" "$work/xvm.out" >&2
  fail=1
fi
if [ "$ref_status" != "$xvm_status" ]; then
  echo "run-diff: exit status differs ($prog)" >&2
  fail=1
fi
if [ "$fail" = 1 ]; then
  echo "qemu-riscv64 status: $ref_status" >&2
  echo "xvm status:          $xvm_status" >&2
  echo "--- xvm stderr (last 20 lines):" >&2
  tail -n 20 "$work/xvm.err" >&2
  exit 1
fi
echo "run-diff: OK ($(wc -l <"$work/ref.out") lines, status $ref_status)"
exit 0
