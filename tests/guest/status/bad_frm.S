/* An FP instruction with the dynamic rounding mode while frm holds a reserved
 * value (5, 6 or 7) is illegal (unprivileged spec, "Floating-Point Control and
 * Status Register"): SIGILL, 132. The same instruction with frm = 0 works. */
    .option norelax             /* no gp-relative lla: gp is not set up */
    .section .rodata
msg:
    .ascii "about to use frm=7\n"
msg_end:

    .text
    .globl _start
_start:
    /* proves the program ran up to here: run-diff.sh compares stdout too */
    li a0, 1
    lla a1, msg
    lla a2, msg_end
    sub a2, a2, a1
    li a7, 64
    ecall
    li t0, 0x3ff0000000000000
    fmv.d.x f1, t0
    fsrmi 0
    fadd.d f2, f1, f1, dyn
    fsrmi 7
    fadd.d f2, f1, f1, dyn
    li a0, 0
    li a7, 93
    ecall

