# workload: a small CPU / memory / syscall workload with timings (guest
# clock): a 100k-iteration shell loop, dd of 256 MiB from /dev/zero to
# /dev/null, md5sum of 64 MiB of zeros.
. /tests/lib.sh
t0=$(now)
i=0
while [ $i -lt 100000 ]; do i=$((i + 1)); done
t1=$(now)
echo "workload: shell loop 100000 iterations: $(elapsed $t0 $t1)s"
dd if=/dev/zero of=/dev/null bs=1M count=256 2>/dev/null
t2=$(now)
echo "workload: dd 256 MiB /dev/zero -> /dev/null: $(elapsed $t1 $t2)s"
sum=$(dd if=/dev/zero bs=1M count=64 2>/dev/null | md5sum | cut -d' ' -f1)
t3=$(now)
echo "workload: md5sum 64 MiB of zeros: $(elapsed $t2 $t3)s md5=$sum"
echo "workload: total $(elapsed $t0 $t3)s"
# md5 of 64 MiB of zero bytes
if [ "$i" = 100000 ] && [ "$sum" = 7f614da9329cd3aebf59b91aadc30bf0 ]; then
	echo "XVM-TEST PASS workload"
else
	echo "XVM-TEST FAIL workload i=$i md5=$sum"
	exit 1
fi
