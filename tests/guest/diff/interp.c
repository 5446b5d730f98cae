// A small stack-machine interpreter (computed-goto dispatch, calls, locals)
// running a few programs: recursive fibonacci, a prime sieve in VM memory and
// a gcd sum. Indirect jumps on every opcode stress an emulator's jump cache.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum Op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JMP, JZ, CALL, RET, ARG, DUP, DROP, SWAP, PEEK, POKE, PRINT, HALT };

typedef struct {
  int64_t stack[4096];
  int sp;
  int64_t mem[65536];
  int64_t frames[1024][2];  // return pc, frame base
  int fp;
  uint64_t steps;
} VM;

static VM vm;

static int64_t run(const int64_t *code, int pc) {
  static void *labels[] = {&&op_push, &&op_load, &&op_store, &&op_add, &&op_sub, &&op_mul, &&op_mod,
                           &&op_lt,   &&op_jmp,  &&op_jz,    &&op_call, &&op_ret, &&op_arg, &&op_dup,
                           &&op_drop, &&op_swap, &&op_peek, &&op_poke, &&op_print, &&op_halt};
  int64_t *st = vm.stack;
  int sp = vm.sp;
  int base = 0;
#define NEXT                     \
  do {                           \
    vm.steps++;                  \
    goto *labels[code[pc++]];    \
  } while (0)
  NEXT;
op_push: st[sp++] = code[pc++]; NEXT;
op_load: st[sp++] = vm.mem[code[pc++]]; NEXT;
op_store: vm.mem[code[pc++]] = st[--sp]; NEXT;
op_add: sp--; st[sp - 1] += st[sp]; NEXT;
op_sub: sp--; st[sp - 1] -= st[sp]; NEXT;
op_mul: sp--; st[sp - 1] *= st[sp]; NEXT;
op_mod: sp--; st[sp - 1] %= st[sp]; NEXT;
op_lt: sp--; st[sp - 1] = st[sp - 1] < st[sp]; NEXT;
op_jmp: pc = (int)code[pc]; NEXT;
op_jz: pc = st[--sp] ? pc + 1 : (int)code[pc]; NEXT;
op_call: {
  int nargs = (int)code[pc + 1];
  vm.frames[vm.fp][0] = pc + 2;
  vm.frames[vm.fp][1] = base;
  vm.fp++;
  base = sp - nargs;
  pc = (int)code[pc];
  NEXT;
}
op_ret: {
  int64_t result = st[--sp];
  sp = base;
  vm.fp--;
  pc = (int)vm.frames[vm.fp][0];
  base = (int)vm.frames[vm.fp][1];
  st[sp++] = result;
  NEXT;
}
op_arg: st[sp++] = st[base + code[pc++]]; NEXT;
op_dup: st[sp] = st[sp - 1]; sp++; NEXT;
op_drop: sp--; NEXT;
op_swap: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; NEXT; }
op_peek: st[sp - 1] = vm.mem[st[sp - 1]]; NEXT;
op_poke: sp -= 2; vm.mem[st[sp + 1]] = st[sp]; NEXT;  // ( value addr -- )
op_print: printf("  vm print %lld\n", (long long)st[--sp]); NEXT;
op_halt:
  vm.sp = sp;
  return sp ? st[sp - 1] : 0;
}

// A tiny assembler: emit opcodes and operands, with forward labels.
typedef struct {
  int64_t code[1024];
  int n;
  int label_at[32];
  int fixup_pos[64], fixup_label[64], nfix;
} Asm;

static void emit(Asm *a, int64_t v) { a->code[a->n++] = v; }
static void emit_label_ref(Asm *a, int label) {
  a->fixup_pos[a->nfix] = a->n;
  a->fixup_label[a->nfix++] = label;
  emit(a, 0);
}
static void op1(Asm *a, enum Op op, int64_t arg) { emit(a, op); emit(a, arg); }
static void jump(Asm *a, enum Op op, int label) { emit(a, op); emit_label_ref(a, label); }
static void call(Asm *a, int label, int nargs) { emit(a, CALL); emit_label_ref(a, label); emit(a, nargs); }
static void bind(Asm *a, int label) { a->label_at[label] = a->n; }
static void link_program(Asm *a) {
  for (int i = 0; i < a->nfix; i++) a->code[a->fixup_pos[i]] = a->label_at[a->fixup_label[i]];
}

static void report(const char *what, Asm *a) {
  link_program(a);
  memset(&vm, 0, sizeof vm);
  int64_t r = run(a->code, 0);
  printf("%s = %lld in %llu steps\n", what, (long long)r, (unsigned long long)vm.steps);
}

int main(void) {
  static Asm a;
  enum { FIB = 1, ELSE };
  // fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)
  memset(&a, 0, sizeof a);
  op1(&a, PUSH, 24); call(&a, FIB, 1); emit(&a, HALT);
  bind(&a, FIB);
  op1(&a, ARG, 0); op1(&a, PUSH, 2); emit(&a, LT); jump(&a, JZ, ELSE);
  op1(&a, ARG, 0); emit(&a, RET);
  bind(&a, ELSE);
  op1(&a, ARG, 0); op1(&a, PUSH, 1); emit(&a, SUB); call(&a, FIB, 1);
  op1(&a, ARG, 0); op1(&a, PUSH, 2); emit(&a, SUB); call(&a, FIB, 1);
  emit(&a, ADD); emit(&a, RET);
  report("fib(24)", &a);

  // sieve of Eratosthenes in VM memory: mem[0]=i, mem[1]=j, mem[2]=count, flags at mem[B+k]
  enum { N = 30000, B = 1000 };
  enum { OUTER = 1, MARK, NEXT_I, COUNT, COUNT_NEXT, SKIP, DONE, INNER };
  memset(&a, 0, sizeof a);
  op1(&a, PUSH, 2); op1(&a, STORE, 0);
  bind(&a, OUTER);  // while i*i < N
  op1(&a, LOAD, 0); op1(&a, LOAD, 0); emit(&a, MUL); op1(&a, PUSH, N); emit(&a, LT); jump(&a, JZ, COUNT);
  op1(&a, LOAD, 0); op1(&a, PUSH, B); emit(&a, ADD); emit(&a, PEEK); jump(&a, JZ, MARK); jump(&a, JMP, NEXT_I);
  bind(&a, MARK);  // j = i*i
  op1(&a, LOAD, 0); op1(&a, LOAD, 0); emit(&a, MUL); op1(&a, STORE, 1);
  bind(&a, INNER);  // while j < N: flag[j] = 1; j += i
  op1(&a, LOAD, 1); op1(&a, PUSH, N); emit(&a, LT); jump(&a, JZ, NEXT_I);
  op1(&a, PUSH, 1); op1(&a, LOAD, 1); op1(&a, PUSH, B); emit(&a, ADD); emit(&a, POKE);
  op1(&a, LOAD, 1); op1(&a, LOAD, 0); emit(&a, ADD); op1(&a, STORE, 1); jump(&a, JMP, INNER);
  bind(&a, NEXT_I);
  op1(&a, LOAD, 0); op1(&a, PUSH, 1); emit(&a, ADD); op1(&a, STORE, 0); jump(&a, JMP, OUTER);
  bind(&a, COUNT);  // count unflagged k in [2, N)
  op1(&a, PUSH, 0); op1(&a, STORE, 2); op1(&a, PUSH, 2); op1(&a, STORE, 0);
  bind(&a, COUNT_NEXT);
  op1(&a, LOAD, 0); op1(&a, PUSH, N); emit(&a, LT); jump(&a, JZ, DONE);
  op1(&a, LOAD, 0); op1(&a, PUSH, B); emit(&a, ADD); emit(&a, PEEK); op1(&a, PUSH, 1); emit(&a, SWAP); emit(&a, SUB);
  jump(&a, JZ, SKIP);
  op1(&a, LOAD, 2); op1(&a, PUSH, 1); emit(&a, ADD); op1(&a, STORE, 2);
  bind(&a, SKIP);
  op1(&a, LOAD, 0); op1(&a, PUSH, 1); emit(&a, ADD); op1(&a, STORE, 0); jump(&a, JMP, COUNT_NEXT);
  bind(&a, DONE);
  op1(&a, LOAD, 2); emit(&a, PRINT); op1(&a, LOAD, 2); emit(&a, HALT);
  report("primes below 30000", &a);

  // sum of gcd(a, b) for a, b in [1, 60), gcd recursive: gcd(a, b) = b ? gcd(b, a % b) : a
  enum { GCD = 1, LOOP_A, LOOP_B, END_B, END_A, BASE };
  memset(&a, 0, sizeof a);
  op1(&a, PUSH, 0); op1(&a, STORE, 2); op1(&a, PUSH, 1); op1(&a, STORE, 0);
  bind(&a, LOOP_A);
  op1(&a, LOAD, 0); op1(&a, PUSH, 60); emit(&a, LT); jump(&a, JZ, END_A);
  op1(&a, PUSH, 1); op1(&a, STORE, 1);
  bind(&a, LOOP_B);
  op1(&a, LOAD, 1); op1(&a, PUSH, 60); emit(&a, LT); jump(&a, JZ, END_B);
  op1(&a, LOAD, 0); op1(&a, LOAD, 1); call(&a, GCD, 2); op1(&a, LOAD, 2); emit(&a, ADD); op1(&a, STORE, 2);
  op1(&a, LOAD, 1); op1(&a, PUSH, 1); emit(&a, ADD); op1(&a, STORE, 1); jump(&a, JMP, LOOP_B);
  bind(&a, END_B);
  op1(&a, LOAD, 0); op1(&a, PUSH, 1); emit(&a, ADD); op1(&a, STORE, 0); jump(&a, JMP, LOOP_A);
  bind(&a, END_A);
  op1(&a, LOAD, 2); emit(&a, HALT);
  bind(&a, GCD);
  op1(&a, ARG, 1); jump(&a, JZ, BASE);
  op1(&a, ARG, 1); op1(&a, ARG, 0); op1(&a, ARG, 1); emit(&a, MOD); call(&a, GCD, 2); emit(&a, RET);
  bind(&a, BASE);
  op1(&a, ARG, 0); emit(&a, RET);
  report("sum of gcd(a,b) for a,b in [1,60)", &a);
  return 0;
}
