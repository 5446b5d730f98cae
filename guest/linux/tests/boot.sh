# boot: the smallest system test. Reports what the guest found (harts,
# memory, devices, RTC time, virtio rng) and passes if every hart that the
# device tree has came online.
. /tests/lib.sh
possible=$(cat /sys/devices/system/cpu/possible)
online=$(cat /sys/devices/system/cpu/online)
echo "boot: cpus possible=$possible online=$online"
echo "boot: $(grep MemTotal /proc/meminfo)"
echo "boot: rtc $(cat /sys/class/rtc/rtc0/date 2>/dev/null) $(cat /sys/class/rtc/rtc0/time 2>/dev/null)"
echo "boot: block devices: $(ls /sys/block 2>/dev/null | tr '\n' ' ')"
echo "boot: hwrng: $(cat /sys/class/misc/hw_random/rng_current 2>/dev/null || echo none)"
if [ -c /dev/hwrng ] && [ "$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)" != none ]; then
	echo "boot: hwrng bytes: $(head -c 16 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
fi
echo "boot: interrupts:"
sed 's/^/  /' /proc/interrupts
if [ "$possible" = "$online" ]; then
	echo "XVM-TEST PASS boot"
else
	echo "XVM-TEST FAIL boot cpus possible=$possible online=$online"
	exit 1
fi
