// qsort and bsearch on ints, structs with multi-key comparators and strings,
// from a fixed-seed generator; every result is checked and summarised.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t next_u32(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

struct record {
  int key;
  short group;
  char name[13];
};

static int cmp_record(const void *a, const void *b) {
  const struct record *x = a, *y = b;
  if (x->group != y->group) return x->group - y->group;
  if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
  return strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 0x01000193u; }

int main(void) {
  enum { N = 50000 };
  static int a[N];
  for (int i = 0; i < N; i++) a[i] = (int)(next_u32() % 200000) - 100000;
  qsort(a, N, sizeof *a, cmp_int);
  int sorted = 1;
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) sorted = 0;
    h = mix(h, (uint32_t)a[i]);
  }
  printf("ints sorted=%d min=%d max=%d median=%d hash=%08x\n", sorted, a[0], a[N - 1], a[N / 2], h);

  int found = 0, missing = 0;
  long pos_sum = 0;
  for (int i = 0; i < 20000; i++) {
    int key = (int)(next_u32() % 200000) - 100000;
    int *p = bsearch(&key, a, N, sizeof *a, cmp_int);
    if (p) {
      found++;
      if (*p != key) printf("bsearch returned wrong element\n");
      pos_sum += p - a;
    } else {
      missing++;
    }
  }
  // positions of equal keys are implementation-defined: summarise only presence
  printf("bsearch found=%d missing=%d\n", found, missing);
  (void)pos_sum;

  // edge cases: empty, one element, already sorted, reverse sorted, all equal
  int one = 7;
  qsort(&one, 1, sizeof one, cmp_int);
  qsort(&one, 0, sizeof one, cmp_int);
  printf("bsearch empty=%s one=%s\n", bsearch(&one, &one, 0, sizeof one, cmp_int) ? "hit" : "miss",
         bsearch(&one, &one, 1, sizeof one, cmp_int) ? "hit" : "miss");
  static int b[4096];
  for (int shape = 0; shape < 3; shape++) {
    for (int i = 0; i < 4096; i++) b[i] = shape == 0 ? i : shape == 1 ? 4096 - i : 5;
    qsort(b, 4096, sizeof *b, cmp_int);
    int ok = 1;
    for (int i = 1; i < 4096; i++) ok &= b[i - 1] <= b[i];
    printf("shape %d sorted=%d first=%d last=%d\n", shape, ok, b[0], b[4095]);
  }

  enum { R = 3000 };
  static struct record recs[R];
  for (int i = 0; i < R; i++) {
    recs[i].key = (int)(next_u32() % 100);
    recs[i].group = (short)(next_u32() % 7);
    for (int c = 0; c < 12; c++) recs[i].name[c] = (char)('a' + next_u32() % 26);
    recs[i].name[12] = 0;
  }
  qsort(recs, R, sizeof *recs, cmp_record);
  h = 2166136261u;
  for (int i = 0; i < R; i++) {
    if (i && cmp_record(&recs[i - 1], &recs[i]) > 0) printf("record order broken at %d\n", i);
    h = mix(h, (uint32_t)recs[i].key + (uint32_t)recs[i].group * 1000u + (unsigned char)recs[i].name[0]);
  }
  printf("records first=%d/%d/%s last=%d/%d/%s hash=%08x\n", recs[0].group, recs[0].key, recs[0].name,
         recs[R - 1].group, recs[R - 1].key, recs[R - 1].name, h);
  struct record probe = recs[1234];
  struct record *hit = bsearch(&probe, recs, R, sizeof *recs, cmp_record);
  printf("record bsearch %s\n", hit && cmp_record(hit, &probe) == 0 ? "hit" : "miss");

  static char storage[2000][10];
  static char *words[2000];
  for (int i = 0; i < 2000; i++) {
    int len = 1 + (int)(next_u32() % 8);
    for (int c = 0; c < len; c++) storage[i][c] = (char)('a' + next_u32() % 4);
    storage[i][len] = 0;
    words[i] = storage[i];
  }
  qsort(words, 2000, sizeof *words, cmp_str);
  int dups = 0;
  for (int i = 1; i < 2000; i++) dups += strcmp(words[i - 1], words[i]) == 0;
  printf("strings first=%s last=%s dups=%d\n", words[0], words[1999], dups);
  const char *key = "abc";
  char **w = bsearch(&key, words, 2000, sizeof *words, cmp_str);
  printf("bsearch abc %s\n", w ? "hit" : "miss");
  return 0;
}
