// Processes: fork, a child writing through a pipe, exit statuses and
// signal deaths collected by waitpid, and wait4 with WNOHANG. The parent
// prints everything, so the output order is fixed.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  pipe(p);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    char msg[64];
    int n = snprintf(msg, sizeof msg, "child sees parent alive: %d", getppid() > 1);
    write(p[1], msg, (size_t)n);
    _exit(7);
  }
  close(p[1]);
  char buf[128];
  ssize_t n = read(p[0], buf, sizeof buf);
  close(p[0]);
  int status = 0;
  pid_t w = waitpid(child, &status, 0);
  printf("from child: '%.*s'\n", (int)n, buf);
  printf("waitpid matched=%d exited=%d status=%d\n", w == child, WIFEXITED(status), WEXITSTATUS(status));

  // a child killed by a signal
  child = fork();
  if (child == 0) {
    raise(SIGKILL);
    _exit(0);
  }
  waitpid(child, &status, 0);
  printf("signaled=%d termsig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

  // a child that dies of SIGSEGV (no handler)
  child = fork();
  if (child == 0) {
    volatile int *volatile bad = (volatile int *)0x8;
    *bad = 1;
    _exit(0);
  }
  waitpid(child, &status, 0);
  printf("segv child signaled=%d termsig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

  // memory is copied, not shared, after fork
  static int counter = 100;
  child = fork();
  if (child == 0) {
    counter = 555;
    _exit(counter == 555 ? 3 : 4);
  }
  waitpid(child, &status, 0);
  printf("child exit %d, parent counter still %d\n", WEXITSTATUS(status), counter);

  // several children reaped in any order, summed
  int sum = 0;
  for (int i = 1; i <= 5; i++)
    if (fork() == 0) _exit(i * 10);
  for (int i = 0; i < 5; i++) {
    if (wait(&status) > 0 && WIFEXITED(status)) sum += WEXITSTATUS(status);
  }
  printf("sum of five exit statuses %d\n", sum);
  printf("no children left: %d\n", waitpid(-1, &status, WNOHANG) == -1);
  /* Shared anonymous memory stays shared across fork; private memory does not. */
  int* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int* priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *shared = 1;
  *priv = 1;
  pid_t writer = fork();
  if (writer == 0) {
    *shared = 42;
    *priv = 42;
    _exit(0);
  }
  waitpid(writer, NULL, 0);
  printf("after fork: shared %d private %d\n", *shared, *priv);
  return 0;
}
