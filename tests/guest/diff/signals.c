// Signal delivery: SA_SIGINFO handlers for raise/kill/sigqueue, blocked
// signals that stay pending until unblocked, real-time queueing, SA_NODEFER,
// SA_RESETHAND, sigaltstack, SIGSEGV/SIGILL from faulting instructions
// (escaping with siglongjmp or by editing the saved pc), FP state preserved
// across a handler. Ends by killing itself with SIGTERM: exit status 128+15.
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_signo, last_code, pid_matches;
static char trace[128];
static volatile sig_atomic_t trace_len;
static sigjmp_buf escape;
static volatile uintptr_t fault_addr;
static volatile int on_altstack;
static char *altstack_base;

static void note(char c) {
  if (trace_len < (sig_atomic_t)sizeof trace - 1) trace[trace_len++] = c;
}

static void info_handler(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  hits++;
  last_signo = si->si_signo == sig ? sig : -1;
  last_code = si->si_code;
  pid_matches = si->si_pid == getpid();
}

static void self_blocked_probe(int sig) {
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  note(sigismember(&now, sig) ? 'y' : 'n');
}

static void segv_longjmp(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  fault_addr = (uintptr_t)si->si_addr;
  last_code = si->si_code;
  siglongjmp(escape, 1);
}

static void segv_skip(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  ucontext_t *uc = ctx;
  fault_addr = (uintptr_t)si->si_addr;
  uc->uc_mcontext.__gregs[REG_PC] += 4;  // the faulting store is a 4-byte instruction
  uc->uc_mcontext.__gregs[10] = 1234;    // and a0 comes back changed
}

static void ill_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  last_code = si->si_code;
  siglongjmp(escape, 2);
}

static void alt_handler(int sig) {
  (void)sig;
  char local;
  on_altstack = &local >= altstack_base && &local < altstack_base + SIGSTKSZ * 4;
}

static void fp_handler(int sig) {
  (void)sig;
  fesetround(FE_TOWARDZERO);
  volatile double x = 1.0, y = 3.0;
  volatile double z = x / y;
  (void)z;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, NULL) != 0) perror("sigaction");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  install(SIGUSR1, info_handler, 0);
  raise(SIGUSR1);
  printf("raise: hits=%d signo-ok=%d code=%d (SI_TKILL=%d) pid-matches=%d\n", hits, last_signo == SIGUSR1,
         last_code, SI_TKILL, pid_matches);
  kill(getpid(), SIGUSR1);
  printf("kill: hits=%d code=%d (SI_USER=%d) pid-matches=%d\n", hits, last_code, SI_USER, pid_matches);
  union sigval sv = {.sival_int = 99};
  sigqueue(getpid(), SIGUSR1, sv);
  printf("sigqueue: hits=%d code=%d (SI_QUEUE=%d)\n", hits, last_code, SI_QUEUE);

  // blocked -> pending -> delivered on unblock
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  raise(SIGUSR1);
  raise(SIGUSR1);  // standard signals do not queue
  sigset_t pending;
  sigpending(&pending);
  printf("blocked: hits=%d pending=%d\n", hits, sigismember(&pending, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  sigpending(&pending);
  printf("unblocked: hits=%d pending=%d\n", hits, sigismember(&pending, SIGUSR1));

  // real-time signals queue
  install(SIGRTMIN + 1, info_handler, 0);
  int before = hits;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  for (int i = 0; i < 3; i++) sigqueue(getpid(), SIGRTMIN + 1, sv);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("rt signal queued deliveries: %d\n", hits - before);

  // the running handler's own signal is blocked, unless SA_NODEFER.
  // (sa_mask is not exercised: qemu-riscv64 7.2 ignores it, see README.)
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = self_blocked_probe;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("own signal blocked in handler: default=%.1s nodefer=%.1s\n", trace, trace + 1);

  // SA_RESETHAND restores the default action after one delivery
  install(SIGUSR2, info_handler, SA_RESETHAND);
  raise(SIGUSR2);
  sigaction(SIGUSR2, NULL, &sa);
  printf("resethand: now default=%d\n", sa.sa_handler == SIG_DFL);
  signal(SIGUSR2, SIG_IGN);
  raise(SIGUSR2);
  printf("ignored signal survived\n");

  // sigaltstack
  stack_t ss = {0};
  altstack_base = malloc(SIGSTKSZ * 4);
  ss.ss_sp = altstack_base;
  ss.ss_size = SIGSTKSZ * 4;
  sigaltstack(&ss, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = alt_handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("handler ran on alternate stack: %d\n", on_altstack);

  // SIGSEGV on an unmapped address, escaped with siglongjmp
  install(SIGSEGV, segv_longjmp, SA_NODEFER);
  if (sigsetjmp(escape, 1) == 0) {
    volatile int *volatile bad = (volatile int *)0x10;
    *bad = 1;
    printf("store to 0x10 did not fault\n");
  } else {
    printf("SIGSEGV at %#lx code=%d (SEGV_MAPERR=%d)\n", (unsigned long)fault_addr, last_code, SEGV_MAPERR);
  }
  // SIGSEGV on a read-only page
  long page = sysconf(_SC_PAGESIZE);
  char *ro = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ro[0] = 'x';
  mprotect(ro, page, PROT_READ);
  if (sigsetjmp(escape, 1) == 0) {
    ro[8] = 'y';
    printf("store to read-only page did not fault\n");
  } else {
    printf("SIGSEGV on read-only page: addr-ok=%d code=%d (SEGV_ACCERR=%d) content=%c\n",
           fault_addr == (uintptr_t)(ro + 8), last_code, SEGV_ACCERR, ro[0]);
  }
  // the handler can skip the faulting instruction by editing the saved pc
  install(SIGSEGV, segv_skip, 0);
  register long a0 asm("a0") = 5;
  asm volatile(".option push\n.option norvc\nsd zero, 0(%1)\n.option pop" : "+r"(a0) : "r"(ro + 16) : "memory");
  printf("resumed after skipping the fault: a0=%ld\n", a0);

  // SIGILL from an illegal instruction
  install(SIGILL, ill_handler, 0);
  if (sigsetjmp(escape, 1) == 0) {
    asm volatile(".4byte 0");  // the all-zero word is defined to be illegal
    printf("illegal instruction executed\n");
  } else {
    printf("SIGILL code=%d (ILL_ILLOPC=%d)\n", last_code, ILL_ILLOPC);
  }
  sigprocmask(SIG_SETMASK, NULL, &old);
  printf("mask restored by siglongjmp: SIGILL blocked=%d SIGSEGV blocked=%d\n", sigismember(&old, SIGILL),
         sigismember(&old, SIGSEGV));

  // FP rounding mode and registers are restored after a handler changes them
  fesetround(FE_UPWARD);
  signal(SIGUSR1, fp_handler);
  volatile double keep = 0.1;
  raise(SIGUSR1);
  printf("after handler: round-upward=%d keep=%.17g\n", fegetround() == FE_UPWARD, keep);
  fesetround(FE_TONEAREST);

  printf("terminating with SIGTERM\n");
  fflush(stdout);
  signal(SIGTERM, SIG_DFL);
  raise(SIGTERM);
  printf("still alive?\n");
  return 0;
}
