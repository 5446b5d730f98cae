/* ebreak with no debugger and no handler: SIGTRAP (status 128 + 5 = 133).
 * The compressed form is used, so a 16-bit breakpoint is covered too. */
    .option norelax             /* no gp-relative lla: gp is not set up */
    .section .rodata
msg:
    .ascii "about to ebreak\n"
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
    .option rvc
    c.ebreak
    li a0, 0
    li a7, 93
    ecall

