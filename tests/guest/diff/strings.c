// string.h and stdlib string conversions: every function on many lengths and
// alignments, so word-at-a-time library code hits its head and tail paths.
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint32_t hash_bytes(const void *p, size_t n, uint32_t h) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 16777619u;
  return h;
}

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_sizes_and_alignments(void) {
  static char src[600], dst[600];
  uint32_t h = 2166136261u;
  for (int i = 0; i < 600; i++) src[i] = (char)('a' + (i * 7) % 26);
  for (size_t len = 0; len < 300; len += (len < 40 ? 1 : 13)) {
    for (size_t sa = 0; sa < 8; sa++) {
      for (size_t da = 0; da < 8; da++) {
        memset(dst, '#', sizeof dst);
        memcpy(dst + da, src + sa, len);
        h = hash_bytes(dst, len + 16, h);
        // strlen on a terminated copy
        dst[da + len] = 0;
        if (strlen(dst + da) != len) printf("strlen mismatch len=%zu\n", len);
        // memchr finds the first match or nothing
        const char *m = memchr(dst + da, 'z', len);
        h = hash_bytes(&(long){m ? m - (dst + da) : -1}, sizeof(long), h);
        // memcmp sign after changing one byte
        if (len) {
          dst[da + len - 1] = (char)0xff;
          if (memcmp(dst + da, src + sa, len) <= 0) printf("memcmp sign wrong len=%zu\n", len);
        }
      }
    }
  }
  printf("copy/len/chr/cmp hash %08x\n", h);

  // memmove overlapping in both directions
  char buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (char)('A' + i % 26);
  memmove(buf + 3, buf, 40);
  printf("memmove up:   %.48s\n", buf);
  memmove(buf, buf + 5, 40);
  printf("memmove down: %.48s\n", buf);
  memset(buf + 10, '-', 7);
  printf("memset:       %.48s\n", buf);
}

static void test_search(void) {
  const char *s = "the quick brown fox jumps over the lazy dog";
  printf("strchr o -> %s\n", strchr(s, 'o'));
  printf("strrchr o -> %s\n", strrchr(s, 'o'));
  printf("strchr nul at %ld\n", (long)(strchr(s, 0) - s));
  printf("strstr 'the l' -> %s\n", strstr(s, "the l"));
  printf("strstr miss -> %p\n", (void *)strstr(s, "cat"));
  printf("strspn %zu strcspn %zu\n", strspn(s, "eht "), strcspn(s, "xyz"));
  printf("strpbrk -> %s\n", strpbrk(s, "jz"));
  char copy[64];
  strcpy(copy, s);
  char *save = NULL;
  int n = 0;
  for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), n++)
    printf("tok[%d]=%s%s", n, tok, n % 4 == 3 ? "\n" : " ");
  printf("\n");
}

static void test_compare_and_copy(void) {
  const char *words[] = {"", "a", "ab", "abc", "abd", "b", "B", "\xff", "ab\xe9"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    for (size_t j = 0; j < sizeof words / sizeof *words; j++)
      printf("%2d", sign(strcmp(words[i], words[j])));
    printf("  |");
    for (size_t j = 0; j < sizeof words / sizeof *words; j++)
      printf("%2d", sign(strncmp(words[i], words[j], 2)));
    printf("  |");
    for (size_t j = 0; j < sizeof words / sizeof *words; j++)
      printf("%2d", sign(strcasecmp(words[i], words[j])));
    printf("\n");
  }
  char pad[12];
  memset(pad, 'x', sizeof pad);
  strncpy(pad, "abc", 8);
  for (int i = 0; i < 12; i++) printf("%02x", (unsigned char)pad[i]);
  printf("\n");
  char cat[32] = "foo";
  strcat(cat, "bar");
  const char *volatile tail = "bazqux";  // volatile: the truncation is the point
  strncat(cat, tail, 3);
  printf("strcat %s\n", cat);
  char *d = strdup(cat), *nd = strndup(cat, 4);
  printf("strdup %s strndup %s\n", d, nd);
  free(d);
  free(nd);
  char small[8];
  const char *volatile word = "truncate";
  int r = snprintf(small, sizeof small, "%s-%d", word, 12345);
  printf("snprintf ret %d buf '%s'\n", r, small);
  for (char *p = cat; *p; p++) *p = (char)toupper((unsigned char)*p);
  printf("toupper %s\n", cat);
}

static void test_conversions(void) {
  const char *ins[] = {"0", "-0", "42", "  -17xyz", "0x1F", "077", "0b101", "9223372036854775807",
                       "9223372036854775808", "-9223372036854775809", "18446744073709551615", "z"};
  for (size_t i = 0; i < sizeof ins / sizeof *ins; i++) {
    char *end;
    errno = 0;
    long long v = strtoll(ins[i], &end, 0);
    int e1 = errno;
    errno = 0;
    unsigned long long u = strtoull(ins[i], NULL, 10);
    int e2 = errno;
    errno = 0;
    long b36 = strtol(ins[i], NULL, 36);
    printf("%-22s strtoll=%lld end+%ld erange=%d strtoull=%llu erange=%d base36=%ld\n", ins[i], v,
           (long)(end - ins[i]), e1 == ERANGE, u, e2 == ERANGE, b36);
  }
  printf("atoi %d atol %ld\n", atoi(" 123abc"), atol("-99999999999"));
  printf("strerror(ENOENT) = %s\n", strerror(ENOENT));
}

int main(void) {
  test_sizes_and_alignments();
  test_search();
  test_compare_and_copy();
  test_conversions();
  return 0;
}
