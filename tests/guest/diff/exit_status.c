// Process exit: atexit handlers run in reverse order, buffered stdout is
// flushed by exit(), and the status (3) reaches the parent.
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"  // the recursion ends in exit()

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs second\n"); }
static void third(void) { printf("atexit: registered third, runs first\n"); }

__attribute__((noinline)) static int leave(int depth) {
  if (depth == 0) {
    printf("calling exit(3) from a nested frame (output still buffered)\n");
    exit(3);
  }
  return leave(depth - 1) + 1;
}

int main(void) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);  // nothing reaches the fd before exit flushes
  atexit(first);
  atexit(second);
  atexit(third);
  for (int i = 0; i < 5; i++) printf("buffered line %d\n", i);
  leave(10);
  printf("not reached\n");
  return 0;
}
