// Pipes and descriptors: pipe/pipe2 flags, non-blocking reads, EOF and
// EPIPE, dup/dup2/dup3 redirection of stdout into a pipe, poll readiness,
// fcntl descriptor flags, a socketpair, writev/readv.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);  // unbuffered: stdout is redirected below
  int p[2];
  if (pipe(p) != 0) return 2;
  printf("pipe write %zd\n", write(p[1], "hello pipe", 10));
  char buf[256];
  ssize_t n = read(p[0], buf, sizeof buf);
  printf("pipe read %zd '%.*s'\n", n, (int)n, buf);

  // non-blocking empty read
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
  errno = 0;
  n = read(p[0], buf, sizeof buf);
  printf("empty non-blocking read %zd EAGAIN=%d\n", n, errno == EAGAIN);

  // poll: not readable, then readable
  struct pollfd pfd = {.fd = p[0], .events = POLLIN};
  printf("poll empty -> %d\n", poll(&pfd, 1, 0));
  write(p[1], "x", 1);
  int pr = poll(&pfd, 1, 0);
  printf("poll with data -> %d revents POLLIN=%d\n", pr, (pfd.revents & POLLIN) != 0);
  read(p[0], buf, 1);

  // many small writes, one large read; then a larger-than-buffer transfer in pieces
  for (int i = 0; i < 100; i++) write(p[1], "0123456789", 10);
  n = read(p[0], buf, sizeof buf);
  printf("coalesced read %zd\n", n);
  n = read(p[0], buf, sizeof buf);
  printf("remaining read %zd\n", n);
  while (read(p[0], buf, sizeof buf) > 0) {
  }

  // EOF once the write end is closed
  close(p[1]);
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) & ~O_NONBLOCK);
  printf("read after writer closed %zd\n", read(p[0], buf, sizeof buf));
  close(p[0]);

  // EPIPE (SIGPIPE ignored) when the read end is closed
  signal(SIGPIPE, SIG_IGN);
  pipe(p);
  close(p[0]);
  errno = 0;
  n = write(p[1], "lost", 4);
  printf("write to closed pipe %zd EPIPE=%d\n", n, errno == EPIPE);
  close(p[1]);

  // pipe2 flags
  pipe2(p, O_CLOEXEC | O_NONBLOCK);
  printf("pipe2 cloexec=%d nonblock=%d\n", (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0,
         (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
  close(p[0]);
  close(p[1]);

  // dup2 stdout into a pipe, print, restore, then show what was captured
  pipe(p);
  int saved = dup(1);
  printf("dup gives a new descriptor: %d\n", saved > 2);
  dup2(p[1], 1);
  printf("captured line one\n");
  printf("captured line two\n");
  dup2(saved, 1);
  close(saved);
  close(p[1]);
  n = read(p[0], buf, sizeof buf);
  printf("captured %zd bytes:\n%.*s", n, (int)n, buf);
  close(p[0]);
  int d = dup3(0, 100, O_CLOEXEC);
  printf("dup3 -> %d cloexec=%d\n", d, (fcntl(d, F_GETFD) & FD_CLOEXEC) != 0);
  printf("F_DUPFD from 50 -> %d\n", fcntl(0, F_DUPFD, 50));
  errno = 0;
  printf("dup2 bad fd -> %d EBADF=%d\n", dup2(999, 5), errno == EBADF);

  // socketpair and scatter/gather I/O
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
    struct iovec out[3] = {{"scatter ", 8}, {"gather ", 7}, {"io", 2}};
    printf("writev %zd\n", writev(sv[0], out, 3));
    char a[5], b[20];
    struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
    n = readv(sv[1], in, 2);
    printf("readv %zd '%.5s' '%.*s'\n", n, a, (int)(n - 5), b);
    send(sv[1], "reply", 5, 0);
    n = recv(sv[0], buf, sizeof buf, 0);
    printf("socketpair reply '%.*s'\n", (int)n, buf);
    shutdown(sv[1], SHUT_WR);
    printf("recv after shutdown %zd\n", recv(sv[0], buf, sizeof buf, 0));
    close(sv[0]);
    close(sv[1]);
  }
  return 0;
}
