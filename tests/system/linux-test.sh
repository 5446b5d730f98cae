#!/usr/bin/env bash
# System tests with the project's Linux guest (guest/linux/build.sh builds it,
# cached per machine):
#   linux-test.sh XVM boot        boots to the marker, runs the boot checks, powers off (status 0)
#   linux-test.sh XVM disk        writes a pattern to a virtio disk, syncs, powers off; a second
#                                 boot reads it back: checksums must agree and match the pattern
#   linux-test.sh XVM vs-qemu     the boot test's console under xvm and under qemu-system-riscv64
#                                 must agree, timestamps and counters aside
set -euo pipefail
XVM=$1
what=$2
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t paths < <("$SRC/guest/linux/build.sh")
IMAGE=${paths[0]}
INITRD=${paths[1]}

# run EMULATOR TEST [extra args...]: console to $tmp/TEST.EMULATOR.log, returns the status.
run() {
  local emu=$1 test=$2
  shift 2
  local cmd
  if [ "$emu" = xvm ]; then cmd=("$XVM" run); else cmd=(qemu-system-riscv64); fi
  timeout 300 "${cmd[@]}" -M virt -m 256M -smp 1 -nographic -bios "$OPENSBI" \
    -kernel "$IMAGE" -initrd "$INITRD" -append "console=ttyS0 xvm.test=$test" "$@" \
    </dev/null >"$tmp/$test.$emu.log" 2>&1
}

check_pass() {  # log test
  if ! grep -q "XVM-BOOT-OK" "$1" || ! grep -q "XVM-TEST PASS $2" "$1" ||
     ! grep -q "XVM-TEST-END $2 status=0" "$1"; then
    echo "linux-test: $2 did not pass; console:" >&2
    tail -40 "$1" >&2
    exit 1
  fi
}

case "$what" in
  boot)
    run xvm boot || { echo "linux-test: xvm exited with $?" >&2; tail -40 "$tmp/boot.xvm.log" >&2; exit 1; }
    check_pass "$tmp/boot.xvm.log" boot
    grep -E "XVM-|boot:" "$tmp/boot.xvm.log"
    ;;
  disk)
    truncate -s 64M "$tmp/disk.img"
    drive=(-drive "file=$tmp/disk.img,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0)
    run xvm disk-write "${drive[@]}" || { tail -40 "$tmp/disk-write.xvm.log" >&2; exit 1; }
    check_pass "$tmp/disk-write.xvm.log" disk-write
    run xvm disk-read "${drive[@]}" || { tail -40 "$tmp/disk-read.xvm.log" >&2; exit 1; }
    check_pass "$tmp/disk-read.xvm.log" disk-read
    w=$(grep -m1 XVM-DISK-MD5 "$tmp/disk-write.xvm.log")
    r=$(grep -m1 XVM-DISK-MD5 "$tmp/disk-read.xvm.log")
    echo "written: $w"
    echo "read:    $r"
    [ "$w" = "$r" ] || { echo "linux-test: the second boot read different data" >&2; exit 1; }
    # A read-only drive is never written: the image stays byte-identical.
    before=$(md5sum <"$tmp/disk.img")
    run xvm disk-read -drive "file=$tmp/disk.img,format=raw,if=none,id=d0,readonly=on" \
      -device virtio-blk-device,drive=d0 || { tail -40 "$tmp/disk-read.xvm.log" >&2; exit 1; }
    check_pass "$tmp/disk-read.xvm.log" disk-read
    [ "$before" = "$(md5sum <"$tmp/disk.img")" ] || { echo "linux-test: read-only image changed" >&2; exit 1; }
    ;;
  vs-qemu)
    run xvm boot || { tail -40 "$tmp/boot.xvm.log" >&2; exit 1; }
    run qemu boot || { tail -40 "$tmp/boot.qemu.log" >&2; exit 1; }
    # The guest's own report, with numbers (times, counters, dates) masked and
    # runs of blanks folded: a counter's width shifts the columns after it.
    norm() { sed -n '/XVM-BOOT-OK/,/XVM-POWEROFF/p' "$1" | grep -v '^\[' | sed -E 's/[0-9]+/#/g; s/[ \t]+/ /g; s/ $//'; }
    if ! diff -u <(norm "$tmp/boot.qemu.log") <(norm "$tmp/boot.xvm.log"); then
      echo "linux-test: console output differs from qemu-system-riscv64 (- qemu, + xvm)" >&2
      exit 1
    fi
    echo "console output agrees with qemu-system-riscv64 ($(norm "$tmp/boot.xvm.log" | wc -l) lines)"
    ;;
  *) echo "usage: linux-test.sh XVM boot|disk|vs-qemu" >&2; exit 2 ;;
esac
