#!/usr/bin/env bash
# usage: small-cache.sh XVM user ARGS...
# Runs `XVM user --jit-cache-size 128K --stats ARGS...`, passing its stdout,
# stderr and exit status through. Under XVM_ENGINE=jit it also fails (status 97)
# when the code cache was never reclaimed: the small cache is there to make the
# program outgrow it.
set -u
[ $# -ge 2 ] || { echo "usage: $0 XVM user ARGS..." >&2; exit 2; }
xvm=$1; shift
cmd=$1; shift
err=$(mktemp "${TMPDIR:-/tmp}/xvm-small-cache.XXXXXX") || exit 2
trap 'rm -f "$err"' EXIT
"$xvm" "$cmd" --jit-cache-size 128K --stats "$@" 2>"$err"
status=$?
cat "$err" >&2
if [ "${XVM_ENGINE:-}" = jit ]; then
  flushes=$(sed -n 's/.*cache flushes \([0-9][0-9]*\).*/\1/p' "$err")
  if [ "${flushes:-0}" -eq 0 ]; then
    echo "small-cache: the JIT never reclaimed its 128K code cache" >&2
    exit 97
  fi
fi
exit $status
