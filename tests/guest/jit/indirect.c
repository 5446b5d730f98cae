// Indirect control flow for the JIT's block chaining and jump cache: calls
// through a function-pointer table in a pseudo-random order, functions placed
// 8 KiB apart (their entries share jump-cache slots), deep and mutual recursion
// (every return is an indirect jump to a different site), switch jump tables,
// computed goto, qsort callbacks and longjmp out of recursion. The output must
// equal qemu-riscv64's under every engine.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

// --- a table of small functions ---------------------------------------------
#define OP(n, expr) \
    static NOINLINE uint64_t op##n(uint64_t x) { return expr; }
OP(0, x + 1)
OP(1, x * 3)
OP(2, x ^ (x >> 7))
OP(3, x - 0x1234)
OP(4, (x << 5) | (x >> 59))
OP(5, x * 0x9e3779b97f4a7c15ull)
OP(6, ~x)
OP(7, x / 3 + 1)
OP(8, x % 1000003)
OP(9, x + (x >> 32))
OP(10, (uint64_t)(int64_t)(int32_t)x)
OP(11, x & 0xffff00ffff00ffffull)
OP(12, x | 0x10)
OP(13, __builtin_popcountll(x) + x)
OP(14, __builtin_bswap64(x))
OP(15, x ? (uint64_t)__builtin_ctzll(x) * 77 + x : 5)

static uint64_t (*const table[16])(uint64_t) = {op0,  op1,  op2,  op3,  op4,  op5,
                                                op6,  op7,  op8,  op9,  op10, op11,
                                                op12, op13, op14, op15};

// Entries 8 KiB apart: with a 4096-entry jump cache indexed by pc/2, these all
// land in one slot, so every call through `far` evicts the previous target.
#define FAR(n, k)                                                                        \
    __attribute__((aligned(8192))) static NOINLINE uint64_t far##n(uint64_t x) {         \
        return x * (2 * (k) + 1) + (k);                                                  \
    }
FAR(0, 1)
FAR(1, 2)
FAR(2, 3)
FAR(3, 4)
static uint64_t (*const far[4])(uint64_t) = {far0, far1, far2, far3};

static uint64_t lcg(uint64_t* s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void table_calls(void) {
    uint64_t s = 42, acc = 1;
    for (int k = 0; k < 300000; ++k) acc = table[lcg(&s) & 15](acc) + (uint64_t)k;
    printf("table: %llu\n", (unsigned long long)acc);
    acc = 7;
    for (int k = 0; k < 200000; ++k) acc = far[(k + (int)(acc & 1)) & 3](acc);
    printf("far: %llu\n", (unsigned long long)acc);
}

// --- recursion ---------------------------------------------------------------
static NOINLINE uint64_t ackermann(uint64_t m, uint64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

// Mutual recursion through pointers (no tail calls the compiler can turn into
// loops: each level does work after the call returns).
static uint64_t (*volatile even_p)(uint64_t, uint64_t);
static uint64_t (*volatile odd_p)(uint64_t, uint64_t);
static NOINLINE uint64_t even_f(uint64_t n, uint64_t acc) {
    if (n == 0) return acc;
    return odd_p(n - 1, acc * 3 + n) ^ (n << 1);
}
static NOINLINE uint64_t odd_f(uint64_t n, uint64_t acc) {
    if (n == 0) return acc + 1;
    return even_p(n - 1, acc + n * n) + 1;
}

static NOINLINE uint64_t deep(uint64_t n) {
    volatile uint64_t pad = n * 7;  // a frame of its own
    if (n == 0) return 1;
    return deep(n - 1) * 31 + pad;
}

static void recursion(void) {
    printf("ackermann(2, 300) = %llu\n", (unsigned long long)ackermann(2, 300));
    printf("ackermann(3, 6) = %llu\n", (unsigned long long)ackermann(3, 6));
    even_p = even_f;
    odd_p = odd_f;
    printf("mutual(50000) = %llu\n", (unsigned long long)even_p(50000, 1));
    printf("deep(100000) = %llu\n", (unsigned long long)deep(100000));
}

// --- a bytecode machine: switch (jump table) and computed goto ----------------
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, XOR, SHL, POP, HALT, ADDC };

static const int prog[] = {
    PUSH, 1,        // acc
    PUSH, 20000,    // counter
    // loop (pc 4): a = acc * 3; acc = (a ^ (a << 1)) + counter; counter--
    SWAP, PUSH, 3, MUL, DUP, PUSH, 1, SHL, XOR, SWAP, ADDC, DEC, DUP, JNZ, 4, POP, HALT};

static NOINLINE uint64_t run_switch(void) {
    uint64_t st[64];
    int sp = 0, pc = 0;
    for (;;) {
        switch (prog[pc++]) {
            case PUSH: st[sp++] = (uint64_t)prog[pc++]; break;
            case ADD: sp--; st[sp - 1] += st[sp]; break;
            case SUB: sp--; st[sp - 1] -= st[sp]; break;
            case MUL: sp--; st[sp - 1] *= st[sp]; break;
            case DUP: st[sp] = st[sp - 1]; sp++; break;
            case SWAP: { uint64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
            case JNZ: { const int to = prog[pc++]; if (st[--sp]) pc = to; } break;
            case DEC: st[sp - 1]--; break;
            case XOR: sp--; st[sp - 1] ^= st[sp]; break;
            case SHL: sp--; st[sp - 1] <<= st[sp]; break;
            case POP: sp--; break;
            case HALT: return sp ? st[sp - 1] : 0;
            case ADDC: st[sp - 2] += st[sp - 1]; break;
            default: return ~0ull;
        }
    }
}

static NOINLINE uint64_t run_goto(void) {
    static void* const labels[] = {&&l_push, &&l_add, &&l_sub, &&l_mul, &&l_dup, &&l_swap,
                                   &&l_jnz,  &&l_dec, &&l_xor, &&l_shl, &&l_pop, &&l_halt,
                                   &&l_addc};
    uint64_t st[64];
    int sp = 0, pc = 0;
#define NEXT() goto* labels[prog[pc++]]
    NEXT();
l_push: st[sp++] = (uint64_t)prog[pc++]; NEXT();
l_add: sp--; st[sp - 1] += st[sp]; NEXT();
l_sub: sp--; st[sp - 1] -= st[sp]; NEXT();
l_mul: sp--; st[sp - 1] *= st[sp]; NEXT();
l_dup: st[sp] = st[sp - 1]; sp++; NEXT();
l_swap: { uint64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } NEXT();
l_jnz: { const int to = prog[pc++]; if (st[--sp]) pc = to; } NEXT();
l_dec: st[sp - 1]--; NEXT();
l_xor: sp--; st[sp - 1] ^= st[sp]; NEXT();
l_shl: sp--; st[sp - 1] <<= st[sp]; NEXT();
l_pop: sp--; NEXT();
l_addc: st[sp - 2] += st[sp - 1]; NEXT();
l_halt: return sp ? st[sp - 1] : 0;
#undef NEXT
}

// --- library callbacks and non-local exits ---------------------------------
static int cmp_u32(const void* a, const void* b) {
    const uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
    return (x > y) - (x < y);
}

static jmp_buf escape;
static NOINLINE uint64_t dive(uint64_t n, uint64_t limit) {
    if (n == limit) {
        if (limit & 1) longjmp(escape, (int)(n % 89) + 1);
        return n;  // even limits return the normal way
    }
    return dive(n + 1, limit) + n;
}

int main(void) {
    table_calls();
    recursion();
    printf("switch: %llu\n", (unsigned long long)run_switch());
    printf("goto: %llu\n", (unsigned long long)run_goto());

    static uint32_t v[50000];
    uint64_t s = 9;
    for (int k = 0; k < 50000; ++k) v[k] = (uint32_t)lcg(&s);
    qsort(v, 50000, sizeof v[0], cmp_u32);
    uint64_t h = 0;
    for (int k = 0; k < 50000; ++k) h = h * 1000003 + v[k];
    printf("qsort: %llu\n", (unsigned long long)h);

    volatile int total = 0;
    for (volatile uint64_t limit = 100; limit < 3000; limit += 97) {
        const int r = setjmp(escape);
        if (r == 0) dive(0, limit);
        total += r;
    }
    printf("longjmp: %d\n", total);
    return 0;
}
