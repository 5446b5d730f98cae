// What the loader hands a program: argv, the environment (with -E and -U
// applied by the emulator), the auxiliary vector and uname. Exit status is
// 10 + argc so argument passing also shows in the status.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static void show_env(const char *name) {
  const char *v = getenv(name);
  printf("env %s=%s\n", name, v ? v : "(unset)");
}

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
  printf("argv[0] ends with env_argv: %d\n", strstr(argv[0], "env_argv") != NULL);

  show_env("XVM_TEST_GREETING");  // set with -E
  show_env("XVM_TEST_EMPTY");     // set to the empty string with -E
  show_env("XVM_DIFF_HOST_KEEP"); // inherited from the host
  show_env("XVM_DIFF_HOST_DROP"); // removed with -U
  int n = 0, well_formed = 1;
  for (char **e = environ; *e; e++, n++) well_formed &= strchr(*e, '=') != NULL;
  printf("environment well formed: %d, non-empty: %d\n", well_formed, n > 0);
  setenv("XVM_TEST_SET_IN_GUEST", "yes", 1);
  show_env("XVM_TEST_SET_IN_GUEST");
  unsetenv("XVM_TEST_GREETING");
  show_env("XVM_TEST_GREETING");

  printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
  printf("AT_HWCAP=%#lx\n", getauxval(AT_HWCAP));
  printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
  printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
  printf("AT_UID matches getuid: %d, AT_EGID matches getegid: %d\n", getauxval(AT_UID) == getuid(),
         getauxval(AT_EGID) == getegid());
  printf("AT_RANDOM present: %d\n", getauxval(AT_RANDOM) != 0);
  printf("AT_PHDR present: %d, AT_ENTRY present: %d\n", getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0);
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN equals argv[0]: %d\n", execfn && strcmp(execfn, argv[0]) == 0);
  printf("sysconf page size %ld\n", sysconf(_SC_PAGESIZE));

  struct utsname u;
  if (uname(&u) == 0) printf("uname sysname=%s machine=%s\n", u.sysname, u.machine);
  fflush(stdout);
  return 10 + argc;
}
