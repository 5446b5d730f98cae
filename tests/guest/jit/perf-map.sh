#!/usr/bin/env bash
# usage: perf-map.sh XVM PROGRAM
# Runs `XVM user --engine jit --perf-map PROGRAM` and checks the map perf reads
# (/tmp/perf-PID.map): one "START SIZE guest_0xPC" line per compiled block, at
# least one of them for the program's entry point, every size non-zero.
set -u
[ $# -eq 2 ] || { echo "usage: $0 XVM PROGRAM" >&2; exit 2; }
xvm=$1 prog=$2
"$xvm" user --engine jit --perf-map "$prog" >/dev/null &
pid=$!
wait "$pid"
status=$?
map=/tmp/perf-$pid.map
trap 'rm -f "$map"' EXIT
[ "$status" -eq 0 ] || { echo "perf-map: the program exited with $status" >&2; exit 1; }
[ -s "$map" ] || { echo "perf-map: no map at $map" >&2; exit 1; }
bad=$(grep -cvE '^[0-9a-f]+ [0-9a-f]*[1-9a-f][0-9a-f]* guest_0x[0-9a-f]+$' "$map")
[ "$bad" -eq 0 ] || { echo "perf-map: $bad malformed lines in $map:" >&2; head -5 "$map" >&2; exit 1; }
entry=$(riscv64-linux-gnu-readelf -h "$prog" | sed -n 's/.*Entry point address: *0x0*\([0-9a-f]*\).*/\1/p')
grep -q " guest_0x$entry\$" "$map" || { echo "perf-map: no block at the entry point 0x$entry" >&2; exit 1; }
echo "perf-map: $(wc -l < "$map") blocks named"
