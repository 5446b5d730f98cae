// setjmp/longjmp: unwinding deep recursion, value 0 becoming 1, callee-saved
// integer and FP registers restored, sigsetjmp saving and restoring the
// signal mask, and many jumps in a loop.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

// Both warnings are the subject of this test: the recursion ends in longjmp,
// and the register variables below must survive setjmp/longjmp because they
// live in callee-saved registers that jmp_buf saves.
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#pragma GCC diagnostic ignored "-Wclobbered"

static jmp_buf env;
static sigjmp_buf senv;
static int depth_reached;

__attribute__((noinline)) static void dive(int depth, int limit) {
  volatile char pad[64];  // give every frame some stack
  pad[0] = (char)depth;
  depth_reached = depth + pad[0] - (char)depth;
  if (depth == limit) longjmp(env, depth);
  dive(depth + 1, limit);
}

__attribute__((noinline)) static void jump_zero(void) { longjmp(env, 0); }

__attribute__((noinline)) static double clobber_fp(double x) {
  // Touch callee-saved FP registers (fs0-fs11) before jumping.
  register double a asm("fs0") = x * 2, b asm("fs1") = x * 3, c asm("fs11") = x * 5;
  asm volatile("" : "+f"(a), "+f"(b), "+f"(c));
  if (x > 0) longjmp(env, 9);
  return a + b + c;
}

int main(void) {
  int r = setjmp(env);
  if (r == 0) {
    dive(0, 500);
  } else {
    printf("longjmp from depth %d returned %d\n", depth_reached, r);
  }

  r = setjmp(env);
  if (r == 0) jump_zero();
  printf("longjmp(env, 0) makes setjmp return %d\n", r);

  // callee-saved registers live across setjmp must come back intact
  register long s1 asm("s1") = 0x1111;
  register long s9 asm("s9") = 0x9999;
  register double fs2 asm("fs2") = 2.5;
  register double fs10 asm("fs10") = -7.25;
  asm volatile("" : "+r"(s1), "+r"(s9), "+f"(fs2), "+f"(fs10));
  if (setjmp(env) == 0) {
    clobber_fp(1.0);
  }
  asm volatile("" : "+r"(s1), "+r"(s9), "+f"(fs2), "+f"(fs10));
  printf("after longjmp s1=%#lx s9=%#lx fs2=%g fs10=%g\n", s1, s9, fs2, fs10);

  // volatile locals keep values written after setjmp
  volatile int counter = 0;
  if (setjmp(env) < 5) {
    counter++;
    if (counter < 5) longjmp(env, counter);
  }
  printf("loop via longjmp ran %d times\n", counter);

  // sigsetjmp(…, 1) restores the mask; sigsetjmp(…, 0) does not
  sigset_t set, cur;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  if (sigsetjmp(senv, 1) == 0) {
    sigprocmask(SIG_BLOCK, &set, NULL);
    siglongjmp(senv, 1);
  }
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("savemask=1: SIGUSR1 blocked after siglongjmp = %d\n", sigismember(&cur, SIGUSR1));
  if (sigsetjmp(senv, 0) == 0) {
    sigprocmask(SIG_BLOCK, &set, NULL);
    siglongjmp(senv, 1);
  }
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("savemask=0: SIGUSR1 blocked after siglongjmp = %d\n", sigismember(&cur, SIGUSR1));

  long total = 0;
  for (int i = 0; i < 100000; i++) {
    int v = setjmp(env);
    if (v == 0) longjmp(env, i % 7 + 1);
    total += v;
  }
  printf("100000 jumps, total %ld\n", total);
  return 0;
}
