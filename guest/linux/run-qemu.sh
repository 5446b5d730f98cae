#!/usr/bin/env bash
# Boots the xvm test guest (guest/linux/build.sh) on Debian's
# qemu-system-riscv64 `virt` board with Debian's OpenSBI, the reference that
# xvm's system mode is compared against.
#
#   run-qemu.sh                       interactive shell on the console
#                                     (Ctrl-A x quits QEMU; `exit` powers off)
#   run-qemu.sh --test workload       boot, run /tests/workload.sh, power off
#   run-qemu.sh --test disk-write --disk disk.img
#   run-qemu.sh --test disk-read  --disk disk.img
#   run-qemu.sh --disk-roundtrip      disk-write then disk-read on a fresh
#                                     image in two boots; checksums must agree
#
# Options: --smp N (1), --mem SIZE (256M), --disk FILE (virtio-blk; created
# as a 64 MiB sparse file if missing), --append "ARGS" (more kernel command
# line), --timeout SECONDS (300, test mode), --log FILE (copy of the console),
# --kernel/--initrd FILE (instead of build.sh's), -- ARGS (extra QEMU args).
# Environment: QEMU (qemu-system-riscv64), OPENSBI (fw_dynamic.bin path).
#
# Test mode exits 0 only if QEMU exited 0 and the guest printed
# "XVM-TEST PASS" and "XVM-TEST-END <name> status=0". On stderr it reports
# the wall time from launch to the XVM-BOOT-OK marker and to power-off.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
OPENSBI=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}

test_name="" smp=1 mem=256M disk="" append="" timeout_s=300 log="" kernel="" initrd=""
roundtrip=0
extra=()
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --test) test_name=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --disk) disk=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --disk-roundtrip) roundtrip=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-qemu.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

need_tools() {
  local missing=()
  command -v "$QEMU" >/dev/null || missing+=(qemu-system-misc)
  [ -f "$OPENSBI" ] || missing+=(opensbi)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "run-qemu.sh: installing ${missing[*]}" >&2
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}
need_tools

if [ -z "$kernel" ] || [ -z "$initrd" ]; then
  mapfile -t paths < <("$HERE/build.sh")
  [ ${#paths[@]} -eq 2 ] || { echo "run-qemu.sh: build.sh gave no paths" >&2; exit 1; }
  kernel=${kernel:-${paths[0]}}
  initrd=${initrd:-${paths[1]}}
fi

if [ "$roundtrip" = 1 ]; then
  # Two boots against one fresh image: write, then read back.
  img=$(mktemp /tmp/xvm-disk.XXXXXX.img)
  log1=$(mktemp /tmp/xvm-disk-write.XXXXXX.log)
  log2=$(mktemp /tmp/xvm-disk-read.XXXXXX.log)
  trap 'rm -f "$img" "$log1" "$log2"' EXIT
  rm -f "$img"
  common=(--smp "$smp" --mem "$mem" --timeout "$timeout_s" --kernel "$kernel" --initrd "$initrd"
          --disk "$img")
  [ -z "$append" ] || common+=(--append "$append")
  rc=0
  "$0" "${common[@]}" --log "$log1" --test disk-write -- "${extra[@]}" || rc=1
  [ "$rc" = 1 ] || "$0" "${common[@]}" --log "$log2" --test disk-read -- "${extra[@]}" || rc=1
  [ -z "$log" ] || cat "$log1" "$log2" >"$log"
  w=$(sed -n 's/^XVM-DISK-MD5 //p' "$log1")
  r=$(sed -n 's/^XVM-DISK-MD5 //p' "$log2")
  if [ "$rc" = 0 ] && [ -n "$w" ] && [ "$w" = "$r" ]; then
    echo "run-qemu: disk round trip OK (md5 $w)" >&2
    exit 0
  fi
  echo "run-qemu: disk round trip FAILED (write '$w', read '$r')" >&2
  exit 1
fi

cmdline="console=ttyS0"
[ -z "$test_name" ] || cmdline+=" xvm.test=$test_name"
[ -z "$append" ] || cmdline+=" $append"

args=(-M virt -m "$mem" -smp "$smp" -nographic
      -bios "$OPENSBI" -kernel "$kernel" -initrd "$initrd" -append "$cmdline")
if [ -n "$disk" ]; then
  [ -e "$disk" ] || truncate -s 64M "$disk"
  args+=(-drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0)
fi
args+=("${extra[@]}")

if [ -z "$test_name" ]; then
  exec "$QEMU" "${args[@]}"
fi

# Test mode: stream the console, note when the markers appear.
start=$EPOCHREALTIME
since() { awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
boot_at="" pass=0 end_ok=0 qemu_rc=""
[ -z "$log" ] || : >"$log"
while IFS= read -r line; do
  line=${line%$'\r'}
  case "$line" in XVM-QEMU-EXIT*) qemu_rc=${line#XVM-QEMU-EXIT }; continue ;; esac
  printf '%s\n' "$line"
  [ -z "$log" ] || printf '%s\n' "$line" >>"$log"
  case "$line" in
    XVM-BOOT-OK*) boot_at=$(since) ;;
    "XVM-TEST PASS"*) pass=1 ;;
    "XVM-TEST-END $test_name status=0") end_ok=1 ;;
  esac
done < <(timeout "$timeout_s" "$QEMU" "${args[@]}" </dev/null 2>&1; echo "XVM-QEMU-EXIT $?")
total=$(since)
echo "run-qemu: test=$test_name smp=$smp boot-to-marker=${boot_at:-never}s total=${total}s qemu-exit=${qemu_rc:-?}" >&2
[ "${qemu_rc:-1}" = 0 ] && [ "$pass" = 1 ] && [ "$end_ok" = 1 ]
