# console: the virtio consoles (-device virtio-serial-device + virtconsole).
# xvm.hvc=hvcN[,hvcM...] names their ttys: hvc0 is the SBI console in this
# kernel (HVC_RISCV_SBI registers before virtio probes), so the first virtio
# console is hvc1. Writes a marker naming the device to each; with
# xvm.hvc-input on the command line also reads one line from each and reports
# it on stdout (the kernel console).
devs= input=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	xvm.hvc=*) devs=$(echo "${arg#xvm.hvc=}" | tr ',' ' ') ;;
	xvm.hvc-input) input=1 ;;
	esac
done
ports=$(ls /sys/class/virtio-ports 2>/dev/null | tr '\n' ' ')
echo "console: virtio ports: ${ports:-none}; testing: ${devs:-nothing}"
if [ -z "$devs" ]; then
	echo "XVM-TEST FAIL console needs xvm.hvc=hvcN on the kernel command line"
	exit 1
fi
status=0
for dev in $devs; do
	# One open for both directions: input that reaches the tty while it is open
	# waits there, where a last close would throw it away. An hvc without a
	# console behind it does not open (ENODEV), which ends the script: a failure.
	exec 3<>"/dev/$dev"
	echo "XVM-HVC-OUT $dev: written by the guest to /dev/$dev" >&3
	echo "console: wrote to /dev/$dev"
	if [ "$input" = 1 ]; then
		if read -t 60 -r line <&3; then
			echo "XVM-HVC-IN $dev: $line"
		else
			echo "console: no input line on /dev/$dev"
			status=1
		fi
	fi
	exec 3<&-
done
if [ "$status" = 0 ]; then
	echo "XVM-TEST PASS console"
else
	echo "XVM-TEST FAIL console"
fi
exit $status
