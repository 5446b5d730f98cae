# Helpers shared by the tests (sourced, not run).

# Seconds since boot, from /proc/uptime (10 ms resolution, guest clock).
now() { read -r t _ </proc/uptime; echo "$t"; }
# elapsed START END -> "1.23"
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The disk pattern: the first 8 MiB of `seq 1 1200000` (every line differs,
# so a misplaced, repeated or zeroed sector changes the checksum). Its md5 is
# fixed: `seq 1 1200000 | head -c 8388608 | md5sum` on any host gives it.
PATTERN_BYTES=8388608
PATTERN_MD5=add0f140a064663e5aea6e809c4c416e
pattern() { seq 1 1200000 | head -c "$PATTERN_BYTES"; }

disk_md5() {
	# Drop the page cache so the read really goes to the device.
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	head -c "$PATTERN_BYTES" "$1" | md5sum | cut -d' ' -f1
}

need_disk() {
	if [ ! -b "$1" ]; then
		echo "XVM-TEST FAIL no block device $1 (attach a virtio-blk disk)"
		exit 1
	fi
	echo "disk: $1 $(cat /sys/block/${1#/dev/}/size) sectors"
}
