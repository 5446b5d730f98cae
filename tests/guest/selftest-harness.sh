#!/usr/bin/env bash
# Proves run-diff.sh without xvm: with qemu standing in for xvm every program
# must compare equal, and a stand-in that changes stdout or the exit status
# must be reported as a mismatch.
# usage: selftest-harness.sh PROGRAM [PROGRAM...]
set -u
unset XVM_DIFF_SELFTEST  # the negative checks need the stand-ins given below
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/xvm-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
qemu=${XVM_DIFF_QEMU:-qemu-riscv64}

cat >"$work/extra-line" <<EOS
#!/usr/bin/env bash
shift
"$qemu" "\$@"; status=\$?
echo "one more line"
exit \$status
EOS
cat >"$work/wrong-status" <<EOS
#!/usr/bin/env bash
shift
"$qemu" "\$@"
exit 77
EOS
chmod +x "$work/extra-line" "$work/wrong-status"

fail=0
expect() {  # expect STATUS DESCRIPTION COMMAND...
  local want=$1 what=$2; shift 2
  "$@" >"$work/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: run-diff exited $got, expected $want"
    sed 's/^/    /' "$work/out"
    fail=1
  else
    echo "ok: $what"
  fi
}

for prog in "$@"; do
  expect 0 "$(basename "$prog") equal under qemu-as-xvm" "$here/run-diff.sh" "$here/qemu-as-xvm.sh" "$prog"
  expect 0 "$(basename "$prog") equal with XVM_DIFF_SELFTEST=1" env XVM_DIFF_SELFTEST=1 "$here/run-diff.sh" /nonexistent "$prog"
  expect 1 "$(basename "$prog") extra output detected" "$here/run-diff.sh" "$work/extra-line" "$prog"
  expect 1 "$(basename "$prog") wrong status detected" "$here/run-diff.sh" "$work/wrong-status" "$prog"
done
expect 1 "wrong --expect-status detected" "$here/run-diff.sh" --expect-status 5 "$here/qemu-as-xvm.sh" "$1"
expect 2 "missing xvm binary reported" "$here/run-diff.sh" /nonexistent/xvm "$1"
exit $fail
