// File system calls in a private temporary directory: create, write, lseek
// (incl. holes), pread/pwrite, stat, ftruncate, getdents64/readdir, rename,
// links, unlink, stdio streams. Nothing host-specific is printed (no names
// of the directory, inode numbers, times or owners).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char dir[64];
static int failures;

#define CHECK(cond)                                               \
  do {                                                            \
    if (!(cond)) {                                                \
      printf("FAILED line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
      failures++;                                                 \
    }                                                             \
  } while (0)

static const char *path(const char *name) {
  static char buf[4][128];
  static int n;
  char *p = buf[n++ % 4];
  snprintf(p, 128, "%s/%s", dir, name);
  return p;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list_dir(const char *label) {
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  char *names[32];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 32) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    const char *type = e->d_type == DT_REG ? "file" : e->d_type == DT_DIR ? "dir" : e->d_type == DT_LNK ? "link" : "other";
    char *s = malloc(strlen(e->d_name) + 8);
    sprintf(s, "%s(%s)", e->d_name, type);
    names[n++] = s;
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_names);  // readdir order is file-system defined
  printf("%s:", label);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static int count_getdents64(void) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  char buf[1024];
  int entries = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    CHECK(n >= 0);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      unsigned short reclen;
      memcpy(&reclen, buf + off + 16, sizeof reclen);  // struct linux_dirent64: d_reclen at 16
      entries++;
      off += reclen;
    }
  }
  close(fd);
  return entries;
}

int main(void) {
  umask(022);
  strcpy(dir, "/tmp/xvm-guest-io-XXXXXX");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }

  // create, write, read back
  int fd = open(path("data.bin"), O_CREAT | O_EXCL | O_RDWR, 0640);
  CHECK(fd >= 0);
  CHECK(open(path("data.bin"), O_CREAT | O_EXCL | O_RDWR, 0640) == -1 && errno == EEXIST);
  char block[4096];
  for (int i = 0; i < 4096; i++) block[i] = (char)(i * 13 + 7);
  for (int i = 0; i < 5; i++) CHECK(write(fd, block, sizeof block) == (ssize_t)sizeof block);
  printf("size after writes: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek SET 100 -> %lld, CUR -50 -> %lld, END -1 -> %lld\n", (long long)lseek(fd, 100, SEEK_SET),
         (long long)lseek(fd, -50, SEEK_CUR), (long long)lseek(fd, -1, SEEK_END));
  errno = 0;
  printf("lseek negative -> %lld errno EINVAL=%d\n", (long long)lseek(fd, -100000, SEEK_SET), errno == EINVAL);
  char rd[64];
  CHECK(lseek(fd, 4096 * 2 + 10, SEEK_SET) == 4096 * 2 + 10);
  CHECK(read(fd, rd, 16) == 16);
  CHECK(memcmp(rd, block + 10, 16) == 0);
  CHECK(lseek(fd, 0, SEEK_END) == 5 * 4096);
  CHECK(read(fd, rd, 16) == 0);  // EOF

  // a hole past the end reads back as zeros
  CHECK(lseek(fd, 1 << 20, SEEK_SET) == 1 << 20);
  CHECK(write(fd, "tail", 4) == 4);
  CHECK(pread(fd, rd, 8, 100000) == 8);
  int zeros = 1;
  for (int i = 0; i < 8; i++) zeros &= rd[i] == 0;
  printf("hole reads zeros: %s\n", zeros ? "yes" : "no");
  CHECK(pwrite(fd, "PW", 2, 3) == 2);
  CHECK(pread(fd, rd, 6, 0) == 6);
  printf("pread after pwrite: %02x %02x %02x %c %c %02x\n", (unsigned char)rd[0], (unsigned char)rd[1],
         (unsigned char)rd[2], rd[3], rd[4], (unsigned char)rd[5]);
  printf("offset unchanged by pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("fstat size %lld mode %o regular %d\n", (long long)st.st_size, st.st_mode & 07777, S_ISREG(st.st_mode));
  CHECK(ftruncate(fd, 1000) == 0);
  CHECK(stat(path("data.bin"), &st) == 0);
  printf("after ftruncate size %lld\n", (long long)st.st_size);
  CHECK(close(fd) == 0);
  errno = 0;
  CHECK(close(fd) == -1 && errno == EBADF);

  // O_APPEND always writes at the end
  fd = open(path("log.txt"), O_CREAT | O_WRONLY | O_APPEND, 0600);
  CHECK(fd >= 0);
  CHECK(write(fd, "one\n", 4) == 4);
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  CHECK(write(fd, "two\n", 4) == 4);
  printf("append flags has O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  close(fd);

  // stdio on the same file
  FILE *f = fopen(path("log.txt"), "a+");
  CHECK(f != NULL);
  fprintf(f, "three %d %.3f\n", 3, 3.0);
  rewind(f);
  char line[64];
  while (fgets(line, sizeof line, f)) printf("log: %s", line);
  printf("ftell at end %ld\n", ftell(f));
  fclose(f);

  // directories, renames, links
  CHECK(mkdir(path("sub"), 0755) == 0);
  errno = 0;
  CHECK(mkdir(path("sub"), 0755) == -1 && errno == EEXIST);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  int sfd = openat(dfd, "sub/inner.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(sfd >= 0);
  CHECK(write(sfd, "inner", 5) == 5);
  close(sfd);
  CHECK(fstatat(dfd, "sub/inner.txt", &st, 0) == 0);
  printf("fstatat inner size %lld mode %o\n", (long long)st.st_size, st.st_mode & 0777);
  CHECK(symlink("data.bin", path("link")) == 0);
  char target[64];
  ssize_t tl = readlink(path("link"), target, sizeof target - 1);
  CHECK(tl > 0);
  target[tl > 0 ? tl : 0] = 0;
  printf("readlink -> %s\n", target);
  CHECK(lstat(path("link"), &st) == 0);
  printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
  CHECK(link(path("log.txt"), path("hard.txt")) == 0);
  CHECK(stat(path("hard.txt"), &st) == 0);
  printf("hard link count %ld\n", (long)st.st_nlink);
  list_dir("before rename");
  printf("getdents64 entries (with . and ..): %d\n", count_getdents64());

  CHECK(rename(path("data.bin"), path("renamed.bin")) == 0);
  errno = 0;
  CHECK(access(path("data.bin"), F_OK) == -1 && errno == ENOENT);
  CHECK(access(path("renamed.bin"), R_OK | W_OK) == 0);
  CHECK(renameat(dfd, "sub/inner.txt", dfd, "moved.txt") == 0);
  errno = 0;
  CHECK(stat(path("link"), &st) == -1 && errno == ENOENT);  // dangling now
  list_dir("after rename");

  errno = 0;
  CHECK(rmdir(path("sub")) == 0);
  CHECK(unlink(path("missing")) == -1 && errno == ENOENT);
  const char *names[] = {"renamed.bin", "log.txt", "hard.txt", "link", "moved.txt"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) CHECK(unlinkat(dfd, names[i], 0) == 0);
  list_dir("after unlink");
  printf("getdents64 entries: %d\n", count_getdents64());
  close(dfd);
  CHECK(rmdir(dir) == 0);
  errno = 0;
  CHECK(open(path("x"), O_RDONLY) == -1 && errno == ENOENT);
  printf("failures: %d\n", failures);
  return failures ? 1 : 0;
}
