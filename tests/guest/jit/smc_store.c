// Self-modifying code without fence.i: functions in an RWX mapping are rewritten
// by plain stores, or by system calls that write the pages (read, pread, readv),
// and called again through a function pointer, after a system call or directly.
// The RISC-V ISA only promises instruction fetch sees the stores after a
// fence.i; Linux user mode (and qemu-riscv64) see them at the next call, which
// is what programs relying on this observe and what every engine must do here.
// Each result is checked (exit status) and printed (compared with qemu).
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef long (*fn_t)(long);

enum { A0 = 10, A1 = 11, T0 = 5 };
static const uint32_t kRet = 0x00008067;  // jalr x0, 0(ra)

static uint32_t addi(int rd, int rs1, int imm) {
    return (uint32_t)((imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13);
}
static uint32_t addiw(int rd, int rs1, int imm) {
    return (uint32_t)((imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x1b);
}
static uint32_t lui(int rd, uint32_t imm20) { return imm20 << 12 | (uint32_t)rd << 7 | 0x37; }
static uint32_t add(int rd, int a, int b) { return (uint32_t)(b << 20 | a << 15 | rd << 7 | 0x33); }
static uint32_t bne(int rs1, int rs2, int off) {
    const uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | (uint32_t)rs2 << 20 |
           (uint32_t)rs1 << 15 | 1 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

static int failures;
static void check(const char* what, int round, long got, long want) {
    if (got != want) {
        printf("FAIL %s %d: got %ld, want %ld\n", what, round, got, want);
        ++failures;
    }
}

// f(x) = k: lui + addiw + ret, written by plain (volatile) stores.
static void gen_const(volatile uint32_t* p, int32_t k) {
    const int32_t lo = (int32_t)((uint32_t)k << 20) >> 20;
    const uint32_t hi = ((uint32_t)k - (uint32_t)lo) >> 12;
    p[0] = lui(A0, hi & 0xfffff);
    p[1] = addiw(A0, A0, lo);
    p[2] = kRet;
}
// f(x) = x + (x+1) + ... n terms + k: a counted loop whose add (word 3) and
// constant (word 1) get patched.
static void gen_loop(volatile uint32_t* p, int n, int k) {
    p[0] = addi(T0, 0, n);
    p[1] = addi(A1, 0, k);
    p[2] = add(A1, A1, A0);  // loop:
    p[3] = addi(A0, A0, 1);
    p[4] = addi(T0, T0, -1);
    p[5] = bne(T0, 0, -12);
    p[6] = addi(A0, A1, 0);
    p[7] = kRet;
}
static long loop_result(long x, int n, int k) {
    long s = k;
    for (int j = 0; j < n; ++j) s += x + j;
    return s;
}

static sigjmp_buf segv_env;
static volatile sig_atomic_t segv_seen;
static void on_segv(int sig) {
    (void)sig;
    segv_seen = 1;
    siglongjmp(segv_env, 1);
}

int main(void) {
    const size_t kPage = 4096;
    uint32_t* code = mmap(NULL, 2 * kPage, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    volatile uint32_t* vcode = code;
    fn_t f = (fn_t)(void*)code;

    // 1. Patch `li a0, N` and call, many times (the function and the caller get
    //    compiled); a system call between the store and the call.
    unsigned long sum = 0;
    for (int round = 0; round < 3000; ++round) {
        gen_const(vcode, round * 7919 - 1000000);
        (void)getppid();
        const long r = f(round);
        check("const-syscall", round, r, round * 7919 - 1000000);
        sum = sum * 31 + (unsigned long)r;
    }
    printf("const after a system call: %lu\n", sum);

    // 2. The same with nothing between the store and the call.
    sum = 0;
    for (int round = 0; round < 3000; ++round) {
        gen_const(vcode, 5 - round * 13);
        const long r = f(round);
        check("const-direct", round, r, 5 - round * 13);
        sum = sum * 31 + (unsigned long)r;
    }
    printf("const called directly: %lu\n", sum);

    // 3. A hot loop inside the function: patch its constant, call it often.
    gen_loop(vcode, 20, 0);
    sum = 0;
    for (int round = 0; round < 400; ++round) {
        vcode[1] = addi(A1, 0, round - 200);
        for (int j = 0; j < 5; ++j) {
            const long r = f(j);
            check("loop", round, r, loop_result(j, 20, round - 200));
            sum = sum * 31 + (unsigned long)r;
        }
    }
    printf("loop constant: %lu\n", sum);

    // 4. read() from a pipe, pread() and readv() from a file write new code over
    //    compiled code: no EFAULT, and the new code runs.
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    char path[] = "/tmp/xvm-smc-store-XXXXXX";
    const int file = mkstemp(path);
    if (file < 0) {
        perror("mkstemp");
        return 1;
    }
    unlink(path);
    gen_const(vcode, 999);
    for (int round = 0; round < 60; ++round) {
        for (int j = 0; j < 200; ++j) check("warm", round, f(j), f(0));
        uint32_t fresh[3];
        gen_const(fresh, 1000 + round);
        long n;
        if (round % 3 == 0) {
            if (write(fds[1], fresh, sizeof fresh) != sizeof fresh) return 2;
            n = read(fds[0], code, sizeof fresh);
        } else if (round % 3 == 1) {
            if (pwrite(file, fresh, sizeof fresh, 64) != sizeof fresh) return 2;
            n = pread(file, code, sizeof fresh, 64);
        } else {
            if (pwrite(file, fresh, sizeof fresh, 128) != sizeof fresh) return 2;
            struct iovec iov[2] = {{code, 4}, {code + 1, sizeof fresh - 4}};
            if (lseek(file, 128, SEEK_SET) != 128) return 2;
            n = readv(file, iov, 2);
        }
        check("syscall-write size", round, n, (long)sizeof fresh);
        check("syscall-write", round, f(0), 1000 + round);
    }
    printf("system calls wrote code: ok\n");

    // 5. Kernel writes of other kinds into a page holding code (data after it).
    struct stat* st = (struct stat*)(void*)(code + 256);
    check("fstat", 0, fstat(file, st), 0);
    check("clock_gettime", 0, clock_gettime(CLOCK_MONOTONIC, (struct timespec*)(code + 512)), 0);
    check("getcwd", 0, getcwd((char*)(code + 640), 256) != NULL, 1);
    check("after kernel writes", 0, f(0), 1059);
    printf("kernel writes next to code: ok\n");

    // 6. Data and code in one page: a counter stored beside a hot function.
    volatile long* counter = (volatile long*)(void*)(code + 128);
    *counter = 0;
    gen_const(vcode, 77);
    for (int j = 0; j < 300; ++j) *counter += f(j);
    check("data beside code", 0, *counter, 300 * 77);
    printf("counter beside code: %ld\n", *counter);

    // 7. The guest's own protection still holds: once the page is read-only and
    //    executable, a store is SIGSEGV; made writable again, stores patch code.
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (int round = 0; round < 5; ++round) {
        for (int j = 0; j < 200; ++j) (void)f(j);
        if (mprotect(code, 2 * kPage, PROT_READ | PROT_EXEC) != 0) return 3;
        segv_seen = 0;
        if (sigsetjmp(segv_env, 1) == 0) gen_const(vcode, -1);
        check("segv on read-only code", round, segv_seen, 1);
        check("unchanged read-only code", round, f(0), 77 + round);
        if (mprotect(code, 2 * kPage, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return 3;
        gen_const(vcode, 78 + round);
        check("writable again", round, f(0), 78 + round);
    }
    signal(SIGSEGV, SIG_DFL);
    printf("read-only code faults: ok\n");

    // 8. After fork each process patches its own copy.
    for (int j = 0; j < 300; ++j) (void)f(j);
    fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        gen_const(vcode, 4242);
        const long r = f(0);
        printf("child: %ld\n", r);
        fflush(stdout);
        _exit(r == 4242 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check("child status", 0, WIFEXITED(status) ? WEXITSTATUS(status) : 99, 0);
    check("parent unchanged", 0, f(0), 82);
    gen_const(vcode, 4343);
    check("parent patched", 0, f(0), 4343);
    printf("parent: %ld\n", f(0));

    munmap(code, 2 * kPage);
    printf("%d failures\n", failures);
    return failures != 0;
}
