# ext2: make an ext2 filesystem on /dev/vda (destroys its contents), mount
# it, write files, unmount, mount again and check them. Exercises the
# ext2 driver, the block layer and virtio-blk with real filesystem I/O.
. /tests/lib.sh
DEV=${XVM_DISK:-/dev/vda}
need_disk "$DEV"
t0=$(now)
mke2fs -q -F "$DEV" >/dev/null || { echo "XVM-TEST FAIL ext2 mke2fs"; exit 1; }
mkdir -p /mnt/d
mount -t ext2 "$DEV" /mnt/d || { echo "XVM-TEST FAIL ext2 mount"; exit 1; }
seq 1 1200000 | head -c "$PATTERN_BYTES" >/mnt/d/pattern
i=0
while [ $i -lt 100 ]; do echo "file $i" >/mnt/d/f$i; i=$((i + 1)); done
umount /mnt/d
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
mount -t ext2 -o ro "$DEV" /mnt/d || { echo "XVM-TEST FAIL ext2 remount"; exit 1; }
got=$(md5sum </mnt/d/pattern | cut -d' ' -f1)
n=$(ls /mnt/d | grep -c '^f')
f42=$(cat /mnt/d/f42)
umount /mnt/d
t1=$(now)
echo "ext2: mkfs, 8 MiB + 100 files written and checked in $(elapsed $t0 $t1)s"
if [ "$got" = "$PATTERN_MD5" ] && [ "$n" = 100 ] && [ "$f42" = "file 42" ]; then
	echo "XVM-TEST PASS ext2"
else
	echo "XVM-TEST FAIL ext2 md5=$got files=$n f42='$f42'"
	exit 1
fi
