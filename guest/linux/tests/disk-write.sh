# disk-write: write the known 8 MiB pattern raw to the start of /dev/vda,
# sync, read it back uncached and compare. Run disk-read on a later boot to
# check that it reached the disk image.
. /tests/lib.sh
DEV=${XVM_DISK:-/dev/vda}
need_disk "$DEV"
t0=$(now)
pattern >/tmp/pattern
made=$(md5sum </tmp/pattern | cut -d' ' -f1)
if [ "$made" != "$PATTERN_MD5" ]; then
	echo "XVM-TEST FAIL disk-write pattern md5=$made want=$PATTERN_MD5 (seq/head/md5sum broken)"
	exit 1
fi
t1=$(now)
dd if=/tmp/pattern of="$DEV" bs=64k conv=fsync 2>/dev/null
sync
t2=$(now)
got=$(disk_md5 "$DEV")
t3=$(now)
echo "XVM-DISK-MD5 $got"
echo "disk-write: pattern made in $(elapsed $t0 $t1)s, $PATTERN_BYTES bytes written in $(elapsed $t1 $t2)s, read back in $(elapsed $t2 $t3)s"
if [ "$got" = "$PATTERN_MD5" ]; then
	echo "XVM-TEST PASS disk-write md5=$got"
else
	echo "XVM-TEST FAIL disk-write md5=$got want=$PATTERN_MD5"
	exit 1
fi
