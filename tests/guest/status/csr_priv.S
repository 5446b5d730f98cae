/* Reading a machine-mode CSR (mstatus) from user mode is an illegal
 * instruction (privileged spec, "CSR Field Specifications"): SIGILL, 132. */
    .option norelax             /* no gp-relative lla: gp is not set up */
    .section .rodata
msg:
    .ascii "about to read mstatus\n"
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
    csrr a0, mstatus
    li a0, 0
    li a7, 93
    ecall

