// Address-space calls: anonymous mmap, partial munmap, mprotect, mremap,
// MAP_FIXED replacement, file-backed MAP_SHARED and MAP_PRIVATE mappings,
// brk/sbrk. Addresses are never printed, only contents and results.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static void on_segv(int sig) {
  (void)sig;
  siglongjmp(env, 1);
}
static int probe_write(volatile char *p) {
  if (sigsetjmp(env, 1)) return 0;
  *p = 1;
  return 1;
}
static int probe_read(volatile char *p) {
  if (sigsetjmp(env, 1)) return 0;
  (void)*p;
  return 1;
}

int main(void) {
  signal(SIGSEGV, on_segv);
  const long pg = sysconf(_SC_PAGESIZE);

  char *m = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap ok %d, zero filled %d, page aligned %d\n", m != MAP_FAILED, m[0] == 0 && m[8 * pg - 1] == 0,
         ((uintptr_t)m % (uintptr_t)pg) == 0);
  for (long i = 0; i < 8 * pg; i++) m[i] = (char)(i / pg + 'A');

  // hole in the middle
  printf("munmap middle %d\n", munmap(m + 3 * pg, 2 * pg));
  printf("readable: page2 %d page3 %d page4 %d page5 %d\n", probe_read(m + 2 * pg), probe_read(m + 3 * pg),
         probe_read(m + 4 * pg), probe_read(m + 5 * pg));
  printf("contents kept: %c %c\n", m[2 * pg], m[5 * pg]);

  // read-only, then no access, then writable again
  mprotect(m, pg, PROT_READ);
  printf("read-only page: read %d write %d\n", probe_read(m), probe_write(m));
  mprotect(m, pg, PROT_NONE);
  printf("PROT_NONE page: read %d\n", probe_read(m));
  mprotect(m, pg, PROT_READ | PROT_WRITE);
  printf("writable again %d content %c\n", probe_write(m + 1), m[0]);

  // MAP_FIXED over an existing mapping replaces it with zeros
  char *f = mmap(m + 6 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("MAP_FIXED at requested address %d, zeroed %d, neighbour %c\n", f == m + 6 * pg, f[0] == 0, m[7 * pg]);
  // (MAP_FIXED_NOREPLACE is not checked: qemu-riscv64 7.2 maps elsewhere instead of failing, see README.)

  // mremap grows and may move, keeping contents
  char *g = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(g, 'g', 2 * pg);
  char *g2 = mremap(g, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
  printf("mremap ok %d kept %d new tail zero %d\n", g2 != MAP_FAILED, g2[2 * pg - 1] == 'g', g2[64 * pg - 1] == 0);
  munmap(g2, 64 * pg);
  munmap(m, 3 * pg);
  munmap(m + 5 * pg, 3 * pg);

  // invalid requests
  errno = 0;
  printf("mmap length 0 fails %d EINVAL %d\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
         errno == EINVAL);
  errno = 0;
  printf("munmap unaligned fails %d EINVAL %d\n", munmap((char *)g2 + 1, pg) == -1, errno == EINVAL);

  // file-backed mappings
  char path[] = "/tmp/xvm-guest-mmap-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  ftruncate(fd, 2 * pg);
  pwrite(fd, "file data", 9, 10);
  char *shared = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *priv = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  printf("shared sees file: %.9s\n", shared + 10);
  memcpy(shared + pg, "via mapping", 11);
  msync(shared, 2 * pg, MS_SYNC);
  char buf[16] = {0};
  pread(fd, buf, 11, pg);
  printf("file sees shared store: %s\n", buf);
  memcpy(priv + 10, "PRIVATE", 7);
  pread(fd, buf, 9, 10);
  printf("private store stays private: file '%.9s' mapping '%.9s'\n", buf, priv + 10);
  char *off = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
  printf("offset mapping: %.11s\n", off);
  munmap(shared, 2 * pg);
  munmap(priv, 2 * pg);
  munmap(off, pg);
  close(fd);

  // brk via sbrk
  char *b0 = sbrk(0);
  char *b1 = sbrk(3 * pg);
  printf("sbrk returns old break %d\n", b1 == b0);
  memset(b1, 'b', 3 * pg);
  char *b2 = sbrk(0);
  printf("break advanced by %ld pages, memory usable %d\n", (long)(b2 - b0) / pg, b1[3 * pg - 1] == 'b');
  sbrk(-(intptr_t)(2 * pg));
  printf("shrunk break by 2 pages %d\n", (char *)sbrk(0) == b0 + pg);
  return 0;
}
