/* An illegal instruction with no SIGILL handler: the process dies of SIGILL
 * (a shell sees status 128 + 4 = 132). The all-zero word is defined to be
 * illegal (unprivileged spec, "Expanded Instruction-Length Encoding"). */
    .option norelax             /* no gp-relative lla: gp is not set up */
    .section .rodata
msg:
    .ascii "about to execute an illegal instruction\n"
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
    .option norvc
    .4byte 0x00000000
    li a0, 0
    li a7, 93
    ecall

