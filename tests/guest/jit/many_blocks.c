// 2,000 distinct small functions (made by the preprocessor), called directly
// and through a table, round after round: far more compiled code than a small
// JIT code cache holds, so it is reclaimed again and again while the program
// runs (the test runs it with --jit-cache-size 128K too). The output must equal
// qemu-riscv64's under every engine.
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

// F(p, n): function p_n with constants from the decimal 1n or 2n.
#define F(p, k, n)                                                             \
    static NOINLINE uint64_t p##_##n(uint64_t x) {                             \
        const uint64_t c = k##n##ull;                                          \
        x += c;                                                                \
        x ^= x >> (c % 29 + 3);                                                \
        x *= c | 1;                                                            \
        return (c & 4) ? x + (x >> (c % 7 + 1)) : x - (x << (c % 5 + 1));      \
    }
#define D0(p, k, n) F(p, k, n##0) F(p, k, n##1) F(p, k, n##2) F(p, k, n##3) F(p, k, n##4) \
    F(p, k, n##5) F(p, k, n##6) F(p, k, n##7) F(p, k, n##8) F(p, k, n##9)
#define D1(p, k, n) D0(p, k, n##0) D0(p, k, n##1) D0(p, k, n##2) D0(p, k, n##3) D0(p, k, n##4) \
    D0(p, k, n##5) D0(p, k, n##6) D0(p, k, n##7) D0(p, k, n##8) D0(p, k, n##9)
#define D2(p, k) D1(p, k, 0) D1(p, k, 1) D1(p, k, 2) D1(p, k, 3) D1(p, k, 4) \
    D1(p, k, 5) D1(p, k, 6) D1(p, k, 7) D1(p, k, 8) D1(p, k, 9)
D2(a, 1)
D2(b, 2)

#define T(p, n) p##_##n,
#define T0(p, n) T(p, n##0) T(p, n##1) T(p, n##2) T(p, n##3) T(p, n##4) \
    T(p, n##5) T(p, n##6) T(p, n##7) T(p, n##8) T(p, n##9)
#define T1(p, n) T0(p, n##0) T0(p, n##1) T0(p, n##2) T0(p, n##3) T0(p, n##4) \
    T0(p, n##5) T0(p, n##6) T0(p, n##7) T0(p, n##8) T0(p, n##9)
#define T2(p) T1(p, 0) T1(p, 1) T1(p, 2) T1(p, 3) T1(p, 4) \
    T1(p, 5) T1(p, 6) T1(p, 7) T1(p, 8) T1(p, 9)
static uint64_t (*const table[2000])(uint64_t) = {T2(a) T2(b)};

// Direct calls to the first hundred, so some blocks are linked, not looked up.
#define C(n) x = a_##n(x) + (uint64_t)(1##n % 7);
#define C0(n) C(n##0) C(n##1) C(n##2) C(n##3) C(n##4) C(n##5) C(n##6) C(n##7) C(n##8) C(n##9)
static NOINLINE uint64_t direct(uint64_t x) {
    C0(00) C0(01) C0(02) C0(03) C0(04) C0(05) C0(06) C0(07) C0(08) C0(09)
    return x;
}

int main(void) {
    uint64_t x = 1, order = 12345;
    for (int round = 0; round < 12; ++round) {
        for (int k = 0; k < 2000; ++k) x = table[k](x);
        for (int k = 0; k < 2000; ++k) {
            order = order * 6364136223846793005ull + 1442695040888963407ull;
            x = table[(order >> 33) % 2000](x) ^ (uint64_t)k;
        }
        x = direct(x);
        printf("round %2d: %016llx\n", round, (unsigned long long)x);
    }
    return 0;
}
