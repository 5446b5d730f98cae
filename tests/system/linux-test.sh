#!/usr/bin/env bash
# System tests with the project's Linux guest (guest/linux/build.sh builds it,
# cached per machine):
#   linux-test.sh XVM boot        boots to the marker, runs the boot checks, powers off (status 0)
#   linux-test.sh XVM disk        writes a pattern to a virtio disk, syncs, powers off; a second
#                                 boot reads it back: checksums must agree and match the pattern
#   linux-test.sh XVM vs-qemu     the boot test's console under xvm and under qemu-system-riscv64
#                                 must agree, timestamps and counters aside
#   linux-test.sh XVM console     a virtio console (virtio-serial-device + virtconsole) on a file
#                                 chardev gets what the guest writes to its hvc; as the kernel
#                                 console (console=hvc1) it gets init's output; on a pipe chardev
#                                 a line from the host reaches the guest; qemu-system-riscv64 on
#                                 the same command line writes the same file
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
    -kernel "$IMAGE" -initrd "$INITRD" -append "console=ttyS0 xvm.test=$test $APPEND_MORE" "$@" \
    </dev/null >"$tmp/$test.$emu.log" 2>&1
}
APPEND_MORE=

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
  console)
    # hvc0 is the SBI console in this kernel (HVC_RISCV_SBI): the virtio one is hvc1.
    con() {  # chardev spec -> the options that put a virtio console on it
      echo "-chardev $1 -device virtio-serial-device -device virtconsole,chardev=c0"
    }
    fail() { echo "linux-test: $1; console:" >&2; tail -40 "$2" >&2; exit 1; }
    # 1. The guest writes to /dev/hvc1; the file gets it, the UART does not.
    APPEND_MORE=xvm.hvc=hvc1
    # shellcheck disable=SC2046
    run xvm console $(con "file,id=c0,path=$tmp/hvc.txt") --stats ||
      fail "xvm exited with $?" "$tmp/console.xvm.log"
    check_pass "$tmp/console.xvm.log" console
    grep -q "XVM-HVC-OUT hvc1: written by the guest to /dev/hvc1" "$tmp/hvc.txt" ||
      fail "the guest's line is not in the chardev file" "$tmp/hvc.txt"
    ! grep -q "XVM-HVC-OUT" "$tmp/console.xvm.log" ||
      fail "the guest's hvc1 line reached the UART" "$tmp/console.xvm.log"
    bytes=$(stat -c %s "$tmp/hvc.txt")
    grep -q "console 0: $bytes bytes out, 0 bytes in" "$tmp/console.xvm.log" ||
      fail "--stats does not count the $bytes bytes of the file" "$tmp/console.xvm.log"
    echo "file chardev: $(tr -d '\r' <"$tmp/hvc.txt")"
    # 2. console=hvc1 last: the kernel's messages and init's /dev/console go there.
    APPEND_MORE=console=hvc1
    # shellcheck disable=SC2046
    run xvm boot $(con "file,id=c0,path=$tmp/kcon.txt") ||
      fail "xvm exited with $?" "$tmp/boot.xvm.log"
    check_pass "$tmp/kcon.txt" boot
    grep -q "printk: console \[hvc1\] enabled" "$tmp/boot.xvm.log" ||
      fail "the kernel did not take hvc1 as a console" "$tmp/boot.xvm.log"
    echo "console=hvc1: $(grep -c . "$tmp/kcon.txt") lines in the chardev file"
    # 3. Input: a pipe chardev (PATH.in, PATH.out). Like a user at a prompt, the
    #    host answers the guest's line with one of its own, which the guest reads.
    #    (Input typed before the guest's driver is up is lost: docs/system-mode.md.)
    mkfifo "$tmp/p.in" "$tmp/p.out"
    exec 3<>"$tmp/p.in" 4<>"$tmp/p.out"  # read-write: neither open blocks
    (IFS= read -r line <&4 && printf '%s\n' "$line" >"$tmp/p.txt" && echo "hello from the host" >&3) &
    answer=$!
    APPEND_MORE="xvm.hvc=hvc1 xvm.hvc-input"
    # shellcheck disable=SC2046
    run xvm console $(con "pipe,id=c0,path=$tmp/p") || fail "xvm exited with $?" "$tmp/console.xvm.log"
    kill "$answer" 2>/dev/null || true
    check_pass "$tmp/console.xvm.log" console
    grep -q "XVM-HVC-OUT hvc1" "$tmp/p.txt" || fail "nothing came out of the pipe" "$tmp/console.xvm.log"
    grep -q "XVM-HVC-IN hvc1: hello from the host" "$tmp/console.xvm.log" ||
      fail "the guest did not read the host's line" "$tmp/console.xvm.log"
    grep "XVM-HVC-IN" "$tmp/console.xvm.log"
    # 4. The same file from qemu-system-riscv64, if it is installed.
    if command -v qemu-system-riscv64 >/dev/null; then
      APPEND_MORE=xvm.hvc=hvc1
      # shellcheck disable=SC2046
      run qemu console $(con "file,id=c0,path=$tmp/hvc.qemu.txt") ||
        fail "qemu exited with $?" "$tmp/console.qemu.log"
      check_pass "$tmp/console.qemu.log" console
      if ! diff -u "$tmp/hvc.qemu.txt" "$tmp/hvc.txt"; then
        echo "linux-test: the chardev file differs from qemu-system-riscv64's (- qemu, + xvm)" >&2
        exit 1
      fi
      echo "chardev file agrees with qemu-system-riscv64"
    fi
    ;;
  *) echo "usage: linux-test.sh XVM boot|disk|vs-qemu|console" >&2; exit 2 ;;
esac
