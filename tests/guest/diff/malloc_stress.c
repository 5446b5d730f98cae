// Allocator workout: thousands of malloc/calloc/realloc/free of many sizes in
// a scrambled order, a few MB live at once, large blocks served by mmap, and
// every byte checked against the pattern its block was given.
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 42;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)rng;
}

enum { SLOTS = 2048 };
static unsigned char *slot_ptr[SLOTS];
static size_t slot_size[SLOTS];
static unsigned char slot_seed[SLOTS];
static long errors;

static void fill(int i) {
  for (size_t k = 0; k < slot_size[i]; k++) slot_ptr[i][k] = (unsigned char)(slot_seed[i] + k * 31);
}
static void check(int i, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (slot_ptr[i][k] != (unsigned char)(slot_seed[i] + k * 31)) {
      errors++;
      return;
    }
}

static size_t pick_size(void) {
  uint32_t r = rnd() % 100;
  if (r < 60) return 1 + rnd() % 64;
  if (r < 90) return 65 + rnd() % 4000;
  if (r < 99) return 4096 + rnd() % 60000;
  return 140000 + rnd() % 400000;  // above the mmap threshold
}

int main(void) {
  size_t live = 0, peak = 0, total = 0;
  long mallocs = 0, reallocs = 0, frees = 0, callocs = 0;
  for (int step = 0; step < 40000; step++) {
    int i = (int)(rnd() % SLOTS);
    uint32_t op = rnd() % 10;
    if (!slot_ptr[i]) {
      size_t n = pick_size();
      if (op < 2) {
        slot_ptr[i] = calloc(n, 1);
        callocs++;
        for (size_t k = 0; k < n; k++)
          if (slot_ptr[i][k]) {
            errors++;
            break;
          }
      } else {
        slot_ptr[i] = malloc(n);
        mallocs++;
      }
      if (!slot_ptr[i]) {
        printf("allocation of %zu failed\n", n);
        return 1;
      }
      slot_size[i] = n;
      slot_seed[i] = (unsigned char)rnd();
      fill(i);
      live += n;
      total += n;
    } else if (op < 4) {
      size_t n = pick_size(), old = slot_size[i];
      unsigned char *p = realloc(slot_ptr[i], n);
      if (!p) {
        printf("realloc failed\n");
        return 1;
      }
      reallocs++;
      slot_ptr[i] = p;
      check(i, old < n ? old : n);
      slot_size[i] = n;
      fill(i);
      live = live - old + n;
      total += n;
    } else {
      check(i, slot_size[i]);
      free(slot_ptr[i]);
      frees++;
      slot_ptr[i] = NULL;
      live -= slot_size[i];
    }
    if (live > peak) peak = live;
  }
  // free the rest from the middle outwards
  for (int d = 0; d < SLOTS / 2; d++) {
    int idx[2] = {SLOTS / 2 + d, SLOTS / 2 - 1 - d};
    for (int k = 0; k < 2; k++)
      if (slot_ptr[idx[k]]) {
        check(idx[k], slot_size[idx[k]]);
        free(slot_ptr[idx[k]]);
        frees++;
        slot_ptr[idx[k]] = NULL;
      }
  }
  printf("mallocs=%ld callocs=%ld reallocs=%ld frees=%ld\n", mallocs, callocs, reallocs, frees);
  printf("bytes allocated=%zu peak live=%zu errors=%ld\n", total, peak, errors);

  // alignment guarantees
  int aligned = 1;
  for (size_t al = 16; al <= 65536; al *= 4) {
    void *p = NULL;
    if (posix_memalign(&p, al, 1000) != 0) aligned = 0;
    aligned &= ((uintptr_t)p % al) == 0;
    free(p);
    void *q = aligned_alloc(al, al * 2);
    aligned &= q && ((uintptr_t)q % al) == 0;
    free(q);
  }
  void *small = malloc(1);
  aligned &= ((uintptr_t)small % 16) == 0;
  free(small);
  printf("alignment %s\n", aligned ? "ok" : "BROKEN");

  // realloc corner cases
  char *p = realloc(NULL, 10);
  strcpy(p, "realloc");
  p = realloc(p, 100000);
  p = realloc(p, 5);
  p[4] = 0;
  printf("realloc chain -> %s\n", p);
  free(p);
  volatile size_t huge = SIZE_MAX / 2;  // volatile: keep the compiler from folding the failures
  printf("malloc(huge) %s\n", malloc(huge) ? "succeeded" : "failed");
  printf("calloc overflow %s\n", calloc(huge, 4) ? "succeeded" : "failed");
  return errors ? 1 : 0;
}
