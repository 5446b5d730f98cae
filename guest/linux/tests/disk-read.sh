# disk-read: read the first 8 MiB of /dev/vda (written by disk-write on an
# earlier boot) and check it against the known pattern.
. /tests/lib.sh
DEV=${XVM_DISK:-/dev/vda}
need_disk "$DEV"
t0=$(now)
got=$(disk_md5 "$DEV")
t1=$(now)
echo "XVM-DISK-MD5 $got"
echo "disk-read: read $PATTERN_BYTES bytes in $(elapsed $t0 $t1)s"
if [ "$got" = "$PATTERN_MD5" ]; then
	echo "XVM-TEST PASS disk-read md5=$got"
else
	echo "XVM-TEST FAIL disk-read md5=$got want=$PATTERN_MD5"
	exit 1
fi
