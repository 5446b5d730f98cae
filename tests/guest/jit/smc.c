// Self-modifying code: functions generated into an RWX mapping, made visible to
// instruction fetch (riscv_flush_icache, fence.i, __builtin___clear_cache, an
// mprotect W^X flip, a fresh mapping), called until they are hot (compiled by
// the JIT), then rewritten and called again. Every result is printed; the output
// must equal qemu-riscv64's under every engine.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef long (*fn_t)(long);

enum { A0 = 10, A1 = 11, A2 = 12, T0 = 5, T1 = 6, RA = 1 };

static uint32_t r_type(int f7, int rs2, int rs1, int f3, int rd, int op) {
    return (uint32_t)(f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op);
}
static uint32_t addi(int rd, int rs1, int imm) {
    return (uint32_t)((imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13);
}
static uint32_t addiw(int rd, int rs1, int imm) {
    return (uint32_t)((imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x1b);
}
static uint32_t lui(int rd, uint32_t imm20) { return imm20 << 12 | (uint32_t)rd << 7 | 0x37; }
static uint32_t add(int rd, int a, int b) { return r_type(0, b, a, 0, rd, 0x33); }
static uint32_t sub(int rd, int a, int b) { return r_type(0x20, b, a, 0, rd, 0x33); }
static uint32_t xor_(int rd, int a, int b) { return r_type(0, b, a, 4, rd, 0x33); }
static uint32_t mul(int rd, int a, int b) { return r_type(1, b, a, 0, rd, 0x33); }
static uint32_t sw(int rs2, int rs1, int imm) {
    return (uint32_t)(((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | 2 << 12 |
                      (imm & 0x1f) << 7 | 0x23);
}
static uint32_t bne(int rs1, int rs2, int off) {
    const uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | (uint32_t)rs2 << 20 |
           (uint32_t)rs1 << 15 | 1 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static const uint32_t kRet = 0x00008067;     // jalr x0, 0(ra)
static const uint32_t kFenceI = 0x0000100f;  // fence.i

// li rd, v for any 32-bit v: lui + addiw.
static uint32_t* li32(uint32_t* p, int rd, int32_t v) {
    const int32_t lo = (int32_t)((uint32_t)v << 20) >> 20;
    const uint32_t hi = ((uint32_t)v - (uint32_t)lo) >> 12;
    *p++ = lui(rd, hi & 0xfffff);
    *p++ = addiw(rd, rd, lo);
    return p;
}

// f(x) = k
static void gen_const(uint32_t* p, int32_t k) {
    p = li32(p, A0, k);
    *p = kRet;
}
// f(x) = x * a + b
static void gen_affine(uint32_t* p, int32_t a, int32_t b) {
    p = li32(p, T0, a);
    *p++ = mul(A0, A0, T0);
    p = li32(p, T0, b);
    *p++ = add(A0, A0, T0);
    *p = kRet;
}
// f(x) = 1 op x op (x+1) op ... (n terms, op at word 3), a counted loop
static void gen_loop(uint32_t* p, int n) {
    p = li32(p, T0, n);        // 0, 1
    *p++ = addi(A1, 0, 1);     // 2
    *p++ = add(A1, A1, A0);    // 3: loop, the word the tests patch
    *p++ = addi(A0, A0, 1);    // 4
    *p++ = addi(T0, T0, -1);   // 5
    *p++ = bne(T0, 0, -12);    // 6
    *p++ = addi(A0, A1, 0);    // 7
    *p = kRet;
}

static void flush_syscall(void* p, size_t n) {
    syscall(259 /* riscv_flush_icache */, p, (char*)p + n, 0);
}
static void flush_fence_i(void) {
    __asm__ volatile("fence.i" ::: "memory");
}

static unsigned long call_many(fn_t f, int times) {
    unsigned long s = 0;
    for (int j = 0; j < times; ++j) s = s * 31 + (unsigned long)f(j);
    return s;
}

int main(void) {
    const size_t kPage = 4096;
    uint32_t* code = mmap(NULL, 2 * kPage, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    fn_t f = (fn_t)(void*)code;

    // 1. Rewrite a whole function, flush with the riscv_flush_icache system call.
    for (int round = 0; round < 40; ++round) {
        gen_const(code, round * 100003 - 7777777);
        flush_syscall(code, 64);
        printf("const %2d: %lu\n", round, call_many(f, 300));
    }

    // 2. The same with fence.i, a function with more instructions.
    for (int round = 0; round < 40; ++round) {
        gen_affine(code, round * 3 - 50, round * 1000 + 1);
        flush_fence_i();
        printf("affine %2d: %lu\n", round, call_many(f, 300));
    }

    // 3. Patch one instruction inside a hot loop (the loop's own block).
    gen_loop(code, 50);
    __builtin___clear_cache((char*)code, (char*)code + 64);
    const uint32_t ops[] = {add(A1, A1, A0), sub(A1, A1, A0), xor_(A1, A1, A0), mul(A1, A1, A0)};
    for (int round = 0; round < 24; ++round) {
        code[3] = ops[round % 4];
        if (round % 2)
            flush_fence_i();
        else
            __builtin___clear_cache((char*)code, (char*)code + 64);
        printf("loop %2d: %lu\n", round, call_many(f, 200));
    }

    // 4. Two functions in one page, both hot; only the second is rewritten.
    uint32_t* second = code + 64;
    fn_t g = (fn_t)(void*)second;
    gen_const(code, 11);
    gen_const(second, 22);
    flush_syscall(code, kPage);
    for (int round = 0; round < 20; ++round) {
        const unsigned long a = call_many(f, 150), b = call_many(g, 150);
        gen_affine(second, round + 2, -round);
        flush_syscall(second, 64);
        printf("pair %2d: %lu %lu %lu\n", round, a, b, call_many(g, 150));
    }

    // 5. The second page: a function that crosses into it from the first.
    uint32_t* across = code + kPage / 4 - 3;
    for (int round = 0; round < 10; ++round) {
        gen_affine(across, 7 + round, round * round);
        flush_syscall(across, 64);
        printf("across %d: %lu\n", round, call_many((fn_t)(void*)across, 200));
    }

    // 6. W^X: write while RW, run while RX, flush after each write.
    for (int round = 0; round < 10; ++round) {
        mprotect(code, 2 * kPage, PROT_READ | PROT_WRITE);
        gen_affine(code, -round, 12345 + round);
        __builtin___clear_cache((char*)code, (char*)code + 64);
        mprotect(code, 2 * kPage, PROT_READ | PROT_EXEC);
        printf("wx %d: %lu\n", round, call_many(f, 200));
    }

    // 7. A fresh mapping at the same address with different code.
    for (int round = 0; round < 10; ++round) {
        munmap(code, 2 * kPage);
        uint32_t* again = mmap(code, 2 * kPage, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (again != code) {
            perror("mmap fixed");
            return 1;
        }
        gen_loop(code, 10 + round);
        code[3] = ops[round % 4];
        flush_syscall(code, 64);
        printf("remap %d: %lu\n", round, call_many(f, 200));
    }

    // 8. Code that rewrites an instruction of its own block and then runs it:
    //    sw a1, 12(a2); fence.i; <patched: addi a0, x0, old>; ret
    //    with a1 = the new instruction, a2 = the function's address.
    {
        uint32_t* p = code;
        *p++ = sw(A1, A2, 12);
        *p++ = kFenceI;
        *p++ = addi(0, 0, 0);   // nop
        *p++ = addi(A0, 0, 1);  // replaced at run time
        *p++ = kRet;
        flush_syscall(code, 64);
        long (*self)(long, uint32_t, void*) = (long (*)(long, uint32_t, void*))(void*)code;
        unsigned long s = 0;
        for (int round = 0; round < 600; ++round)
            s = s * 7 + (unsigned long)self(0, addi(A0, 0, round % 2000), code);
        printf("self-patch: %lu, last instruction %08x\n", s, code[3]);
    }

    munmap(code, 2 * kPage);
    return 0;
}
