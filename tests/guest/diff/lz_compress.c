// LZ77 compressor with hash chains plus a byte-oriented decoder, run on
// generated text-like data; the round trip must reproduce the input exactly.
// Branchy, memory-bound code with short copies: a typical emulator hot loop.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WINDOW = 1 << 15, HASH_BITS = 14, MIN_MATCH = 4, MAX_MATCH = 255 + MIN_MATCH, MAX_CHAIN = 32 };

static uint32_t hash4(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);  // unaligned load
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

// Token format: 0xxxxxxx = literal run of x+1 bytes follows;
//               1lllllll oooooooo oooooooo = match of length l+MIN_MATCH at distance o+1,
//               with l == 127 followed by one extra length byte.
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  static int32_t head[1 << HASH_BITS];
  static int32_t prev[WINDOW];
  for (size_t i = 0; i < (1u << HASH_BITS); i++) head[i] = -1;
  size_t o = 0, lit_start = 0, i = 0;
  while (i < n) {
    size_t best_len = 0, best_dist = 0;
    if (i + MIN_MATCH <= n) {
      uint32_t h = hash4(in + i);
      int32_t cand = head[h];
      for (int chain = 0; cand >= 0 && chain < MAX_CHAIN && i - (size_t)cand <= WINDOW; chain++) {
        size_t len = 0, limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
        while (len < limit && in[cand + len] == in[i + len]) len++;
        if (len > best_len) {
          best_len = len;
          best_dist = i - (size_t)cand;
        }
        cand = prev[cand % WINDOW];
      }
      prev[i % WINDOW] = head[h];
      head[h] = (int32_t)i;
    }
    if (best_len >= MIN_MATCH) {
      while (lit_start < i) {  // flush literals
        size_t run = i - lit_start > 128 ? 128 : i - lit_start;
        out[o++] = (unsigned char)(run - 1);
        memcpy(out + o, in + lit_start, run);
        o += run;
        lit_start += run;
      }
      size_t l = best_len - MIN_MATCH;
      out[o++] = (unsigned char)(0x80 | (l < 127 ? l : 127));
      out[o++] = (unsigned char)((best_dist - 1) >> 8);
      out[o++] = (unsigned char)(best_dist - 1);
      if (l >= 127) out[o++] = (unsigned char)(l - 127);
      for (size_t k = 1; k < best_len && i + k + MIN_MATCH <= n; k++) {  // index skipped positions
        uint32_t h = hash4(in + i + k);
        prev[(i + k) % WINDOW] = head[h];
        head[h] = (int32_t)(i + k);
      }
      i += best_len;
      lit_start = i;
    } else {
      i++;
    }
  }
  while (lit_start < n) {
    size_t run = n - lit_start > 128 ? 128 : n - lit_start;
    out[o++] = (unsigned char)(run - 1);
    memcpy(out + o, in + lit_start, run);
    o += run;
    lit_start += run;
  }
  return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned t = in[i++];
    if (t < 0x80) {
      memcpy(out + o, in + i, t + 1);
      i += t + 1;
      o += t + 1;
    } else {
      size_t l = t & 0x7f;
      size_t dist = ((size_t)in[i] << 8 | in[i + 1]) + 1;
      i += 2;
      if (l == 127) l += in[i++];
      l += MIN_MATCH;
      for (size_t k = 0; k < l; k++, o++) out[o] = out[o - dist];  // may overlap
    }
  }
  return o;
}

static uint32_t adler32(const unsigned char *p, size_t n) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

int main(void) {
  static const char *words[] = {"the", "emulator", "translates", "guest", "blocks", "into", "host", "code", "and",
                                "caches", "them", "by", "program", "counter", "while", "a", "soft", "TLB", "maps",
                                "virtual", "addresses", ",", ".", "\n"};
  const size_t n = 600000;
  unsigned char *text = malloc(n), *packed = malloc(n + n / 64 + 16), *back = malloc(n);
  uint64_t x = 7;
  size_t len = 0;
  while (len < n) {
    x = x * 6364136223846793005ull + 1;
    const char *w = words[(x >> 33) % (sizeof words / sizeof *words)];
    size_t wl = strlen(w);
    for (size_t k = 0; k < wl && len < n; k++) text[len++] = (unsigned char)w[k];
    if (len < n && (x >> 40) % 3) text[len++] = ' ';
  }
  // a stretch of incompressible bytes and a long run
  for (size_t k = 200000; k < 210000; k++) text[k] = (unsigned char)((x = x * 6364136223846793005ull + 1) >> 56);
  memset(text + 300000, 'z', 5000);

  for (int round = 0; round < 3; round++) {
    size_t size = n / (size_t)(1 + round * 2);
    size_t c = compress(text, size, packed);
    size_t d = decompress(packed, c, back);
    printf("input %zu -> %zu bytes (%.2f%%), adler32 in=%08x packed=%08x roundtrip=%s\n", size, c, 100.0 * (double)c / (double)size,
           adler32(text, size), adler32(packed, c), d == size && memcmp(text, back, size) == 0 ? "ok" : "MISMATCH");
  }
  free(text);
  free(packed);
  free(back);
  return 0;
}
