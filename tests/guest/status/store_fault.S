/* A store to unmapped address 0x10 with no SIGSEGV handler: death by SIGSEGV
 * (status 128 + 11 = 139). */
    .option norelax             /* no gp-relative lla: gp is not set up */
    .section .rodata
msg:
    .ascii "about to store to 0x10\n"
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
    li a0, 0x10
    li a1, 0x5a
    sd a1, 0(a0)
    li a0, 0
    li a7, 93
    ecall

