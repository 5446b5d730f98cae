// Integer arithmetic edge cases: 64-bit multiply high parts, division and
// remainder by zero and INT64_MIN/-1 (defined on RISC-V, so done with the
// instructions directly), __int128 arithmetic through libgcc, bit builtins,
// overflow builtins and compiler-generated division by constants.
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

static void print_u128(const char *label, u128 v) {
  char buf[48];
  int i = 47;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  printf("%s%s\n", label, buf + i);
}
static void print_i128(const char *label, i128 v) {
  if (v < 0) {
    printf("%s-", label);
    print_u128("", -(u128)v);
  } else {
    print_u128(label, (u128)v);
  }
}

#define RV_OP(name, insn)                                           \
  static int64_t name(int64_t a, int64_t b) {                        \
    int64_t r;                                                       \
    asm volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));     \
    return r;                                                        \
  }
RV_OP(rv_div, "div")
RV_OP(rv_divu, "divu")
RV_OP(rv_rem, "rem")
RV_OP(rv_remu, "remu")
RV_OP(rv_divw, "divw")
RV_OP(rv_remw, "remw")
RV_OP(rv_mulh, "mulh")
RV_OP(rv_mulhu, "mulhu")
RV_OP(rv_mulhsu, "mulhsu")

static volatile int64_t vals[] = {0, 1, -1, 2, -2, 7, -7, INT64_MAX, INT64_MIN, INT32_MAX, INT32_MIN,
                                  0x123456789abcdefLL, (int64_t)0xfedcba9876543210ULL};
enum { NV = sizeof vals / sizeof vals[0] };

int main(void) {
  uint64_t h = 1469598103934665603ull;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
  for (int i = 0; i < NV; i++)
    for (int j = 0; j < NV; j++) {
      int64_t a = vals[i], b = vals[j];
      MIX(a * b);
      MIX(rv_mulh(a, b));
      MIX(rv_mulhu(a, b));
      MIX(rv_mulhsu(a, b));
      MIX(rv_div(a, b));
      MIX(rv_divu(a, b));
      MIX(rv_rem(a, b));
      MIX(rv_remu(a, b));
      MIX(rv_divw(a, b));
      MIX(rv_remw(a, b));
    }
  printf("operation table hash %016" PRIx64 "\n", h);
  printf("div(7,0)=%" PRId64 " divu(7,0)=%#" PRIx64 " rem(7,0)=%" PRId64 " remu(-7,0)=%" PRId64 "\n", rv_div(7, 0),
         (uint64_t)rv_divu(7, 0), rv_rem(7, 0), rv_remu(-7, 0));
  printf("div(MIN,-1)=%" PRId64 " rem(MIN,-1)=%" PRId64 " divw(INT32_MIN,-1)=%" PRId64 " remw(INT32_MIN,-1)=%" PRId64
         "\n",
         rv_div(INT64_MIN, -1), rv_rem(INT64_MIN, -1), rv_divw(INT32_MIN, -1), rv_remw(INT32_MIN, -1));
  printf("mulh(MIN,MIN)=%#" PRIx64 " mulhu(-1,-1)=%#" PRIx64 " mulhsu(-1,-1)=%#" PRIx64 "\n",
         (uint64_t)rv_mulh(INT64_MIN, INT64_MIN), (uint64_t)rv_mulhu(-1, -1), (uint64_t)rv_mulhsu(-1, -1));

  // C semantics: truncating division, remainder takes the dividend's sign
  for (int i = 0; i < NV; i++) {
    int64_t a = vals[i];
    printf("%" PRId64 ": /3=%" PRId64 " %%3=%" PRId64 " /-7=%" PRId64 " %%10=%" PRId64 " u/10=%" PRIu64 " >>3=%" PRId64
           " u>>3=%" PRIu64 "\n",
           a, a / 3, a % 3, a / -7, a % 10, (uint64_t)a / 10, a >> 3, (uint64_t)a >> 3);
  }

  // __int128 through libgcc (__multi3, __divti3, __udivti3, __modti3)
  volatile i128 big = (i128)INT64_MAX * INT64_MAX;
  print_i128("max*max = ", big);
  print_i128("big/12345 = ", big / 12345);
  print_i128("big%12345 = ", big % 12345);
  print_i128("-big/7 = ", -big / 7);
  print_i128("-big%7 = ", -big % 7);
  volatile u128 ub = ~(u128)0;
  print_u128("u128 max = ", ub);
  print_u128("u128 max / 10^19 = ", ub / 10000000000000000000ull);
  print_u128("u128 max / (2^64+1) = ", ub / (((u128)1 << 64) + 1));
  u128 f = 1;
  for (int i = 1; i <= 34; i++) f *= (u128)i;
  print_u128("34! = ", f);
  // modular exponentiation with a 128-bit intermediate
  uint64_t m = 0xffffffffffffffc5ull, base = 0x123456789abcdefull, e = 0xfedcba9876543210ull, r = 1;
  while (e) {
    if (e & 1) r = (uint64_t)((u128)r * base % m);
    base = (uint64_t)((u128)base * base % m);
    e >>= 1;
  }
  printf("modpow = %#" PRIx64 "\n", r);

  // bit builtins (library calls or plain instructions without Zbb)
  volatile uint64_t bits[] = {1, 0x8000000000000000ull, 0xf0f0f0f0f0f0f0f0ull, 0x00000000ffff0000ull, 12345};
  for (int i = 0; i < 5; i++) {
    uint64_t x = bits[i];
    printf("%#018" PRIx64 " clz=%d ctz=%d popcount=%d parity=%d bswap=%#018" PRIx64 " rotl13=%#018" PRIx64 "\n", x,
           __builtin_clzll(x), __builtin_ctzll(x), __builtin_popcountll(x), __builtin_parityll(x),
           __builtin_bswap64(x), (x << 13) | (x >> 51));
  }

  // overflow builtins
  int64_t out;
  int o1 = __builtin_mul_overflow(vals[7], vals[3], &out);
  int o2 = __builtin_add_overflow(vals[8], vals[2], &out);
  int32_t o32;
  int o3 = __builtin_sub_overflow((int32_t)vals[10], 1, &o32);
  uint64_t uo;
  int o4 = __builtin_mul_overflow((uint64_t)vals[11], (uint64_t)16, &uo);
  printf("overflow: mul=%d add=%d sub32=%d (wrapped %d) umul=%d (%#" PRIx64 ")\n", o1, o2, o3, o32, o4, uo);

  // 32-bit arithmetic kept in 64-bit registers
  volatile uint32_t u32 = 0xffffffffu;
  volatile int32_t s32 = INT32_MIN;
  printf("u32+1=%u s32-1 wraps (unsigned)=%u u32*u32=%u (int64)s32*3=%" PRId64 " s32>>31=%d u32>>31=%u\n", u32 + 1,
         (uint32_t)s32 - 1u, u32 * u32, (int64_t)s32 * 3, s32 >> 31, u32 >> 31);

  uint64_t collatz_max = 0, steps_total = 0;
  for (uint64_t n = 1; n < 20000; n++) {
    uint64_t x = n, steps = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x / 2;
      if (x > collatz_max) collatz_max = x;
      steps++;
    }
    steps_total += steps;
  }
  printf("collatz below 20000: total steps %" PRIu64 " peak %" PRIu64 "\n", steps_total, collatz_max);
  return 0;
}
