#!/usr/bin/env bash
# usage: small-cache.sh XVM user ARGS...
# Runs `XVM user --jit-cache-size 128K --stats ARGS...`, passing its stdout,
# stderr and exit status through. Under XVM_ENGINE=jit it also fails (status 97)
# unless the cache was reclaimed while the program ran: the JIT's "cache
# flushes" in --stats count reclaims and invalidations, the interpreter's
# "flushes" only invalidations.
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
  jit=$(sed -n 's/.*cache flushes \([0-9][0-9]*\).*/\1/p' "$err")
  interp=$(sed -n 's/.*interpreter blocks .*, \([0-9][0-9]*\) flushes.*/\1/p' "$err")
  if [ $(( ${jit:-0} - ${interp:-0} )) -le 0 ]; then
    echo "small-cache: the 128K code cache was never reclaimed (${jit:-?} JIT flushes," \
         "${interp:-?} invalidations)" >&2
    exit 97
  fi
fi
exit $status
