// libm: elementary functions, rounding functions in every rounding mode,
// fma, remainders, classification and the IEEE exception flags, printed with
// %.17g (doubles) and %.9g (floats) so every bit shows.
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

// volatile inputs keep the compiler from folding calls at build time
static volatile double in[] = {0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 0.1, 3.141592653589793, -2.5, 10.0, 1e-300,
                               1e300, 709.0, -745.0, 1e22, 0.7853981633974483};
static volatile float inf_[] = {0.0f, 0.5f, 1.0f, -1.0f, 2.0f, 0.1f, 3.14159265f, -2.5f, 10.0f, 88.0f, 1e-30f};

typedef double (*fn1)(double);
typedef float (*fn1f)(float);

static void flags(const char *what) {
  int f = fetestexcept(FE_ALL_EXCEPT);
  printf("%-22s flags:%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
         f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "");
  feclearexcept(FE_ALL_EXCEPT);
}

int main(void) {
  const struct {
    const char *name;
    fn1 f;
  } unary[] = {{"sin", sin},     {"cos", cos},     {"tan", tan},     {"asin", asin},   {"acos", acos},
               {"atan", atan},   {"sinh", sinh},   {"cosh", cosh},   {"tanh", tanh},   {"exp", exp},
               {"exp2", exp2},   {"expm1", expm1}, {"log", log},     {"log2", log2},   {"log10", log10},
               {"log1p", log1p}, {"sqrt", sqrt},   {"cbrt", cbrt},   {"erf", erf},     {"tgamma", tgamma},
               {"lgamma", lgamma}, {"floor", floor}, {"ceil", ceil}, {"trunc", trunc}, {"round", round},
               {"rint", rint},   {"logb", logb}};
  for (size_t i = 0; i < sizeof unary / sizeof *unary; i++) {
    printf("%s:", unary[i].name);
    for (size_t k = 0; k < sizeof in / sizeof *in; k++) printf(" %.17g", unary[i].f(in[k]));
    printf("\n");
  }
  const struct {
    const char *name;
    fn1f f;
  } unaryf[] = {{"sinf", sinf}, {"cosf", cosf}, {"expf", expf}, {"logf", logf}, {"sqrtf", sqrtf}, {"tanhf", tanhf}};
  for (size_t i = 0; i < sizeof unaryf / sizeof *unaryf; i++) {
    printf("%s:", unaryf[i].name);
    for (size_t k = 0; k < sizeof inf_ / sizeof *inf_; k++) printf(" %.9g", (double)unaryf[i].f(inf_[k]));
    printf("\n");
  }

  const double pw[][2] = {{2, 10}, {2, -1074}, {2, 1024}, {-8, 1.0 / 3}, {-2, 3}, {0, -1}, {-0.0, -3},
                          {1, NAN}, {NAN, 0}, {10, 22}, {1.0000001, 1e9}, {0.5, -1100}};
  for (size_t i = 0; i < sizeof pw / sizeof *pw; i++) {
    volatile double x = pw[i][0], y = pw[i][1];
    printf("pow(%g,%g)=%.17g atan2=%.17g hypot=%.17g fmod=%.17g remainder=%.17g\n", x, y, pow(x, y), atan2(x, y),
           hypot(x, y), fmod(x, y), remainder(x, y));
  }
  int q;
  volatile double r1 = 29.0, r2 = 3.0;
  printf("remquo(29,3)=%.17g quo=%d\n", remquo(r1, r2, &q), q);
  printf("powf(2,0.5)=%.9g atan2f=%.9g\n", (double)powf((float)in[5], 0.5f), (double)atan2f(1.0f, (float)in[4]));

  // fused multiply-add differs from a*b+c in the last bit
  volatile double a = 1.0 + DBL_EPSILON, b = 1.0 - DBL_EPSILON, c = -1.0;
  volatile double product = a * b;  // volatile: no contraction into an fma
  printf("fma=%.17g mul-add=%.17g fmaf=%.9g\n", fma(a, b, c), product + c,
         (double)fmaf((float)a + FLT_EPSILON, 1.0f - FLT_EPSILON, -1.0f));

  // rounding functions honour the dynamic rounding mode (frm)
  const int modes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
  const char *mode_names[] = {"nearest", "towardzero", "downward", "upward"};
  volatile double halves[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.6, -2.6};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    printf("%-10s rint/nearbyint/lrint:", mode_names[m]);
    for (size_t k = 0; k < sizeof halves / sizeof *halves; k++)
      printf(" %g/%g/%ld", rint(halves[k]), nearbyint(halves[k]), lrint(halves[k]));
    volatile double third = 1.0, three = 3.0;
    printf(" 1/3=%.17g sqrt2=%.17g\n", third / three, sqrt(in[5]));
    printf("%-10s llround(2.5)=%lld lround(-2.5)=%ld getround-ok=%d\n", mode_names[m], llround(halves[2]),
           lround(halves[5]), fegetround() == modes[m]);
  }
  fesetround(FE_TONEAREST);

  int e;
  double m = frexp(in[9], &e);
  double ip, fp = modf(in[8], &ip);
  printf("frexp(10)=%.17g*2^%d ldexp=%.17g modf(-2.5)=%g,%g scalbn=%.17g ilogb(1e-300)=%d\n", m, e, ldexp(m, e), ip,
         fp, scalbn(in[3], -1074), ilogb(in[10]));
  printf("nextafter(1,2)=%.17g nextafter(0,-1)=%.17g copysign=%g fmin(nan,1)=%g fmax(-0,0)=%g\n",
         nextafter(in[3], 2.0), nextafter(in[0], -1.0), copysign(3.0, in[1]), fmin(NAN, in[3]), fmax(in[1], in[0]));
  volatile double nan = NAN;
  printf("classify: nan=%d inf=%d zero=%d sub=%d normal=%d signbit(-0)=%d isnan=%d\n", fpclassify(nan),
         fpclassify(1.0 / in[0]), fpclassify(in[0]), fpclassify(in[10] * 1e-10), fpclassify(in[3]),
         signbit(in[1]) != 0, isnan(nan));
  // the sign of a generated NaN shows in printf: RISC-V's canonical NaN is positive
  printf("0/0=%g sqrt(-1)=%g inf-inf=%g (float)%g\n", in[0] / in[0], sqrt(in[4]), (1 / in[0]) - (1 / in[0]),
         (double)(inf_[0] / inf_[0]));

  // IEEE exception flags (fflags)
  feclearexcept(FE_ALL_EXCEPT);
  volatile double r;
  r = in[3] / in[0];
  flags("1/0");
  r = sqrt(in[4]);
  flags("sqrt(-1)");
  r = in[11] * in[11];
  flags("1e300*1e300");
  r = in[10] * in[10];
  flags("1e-300*1e-300");
  r = in[3] / 3.0;
  flags("1/3");
  r = in[5] * in[5];
  flags("2*2");
  r = exp(in[12] + 1);
  flags("exp(710)");
  r = log(in[0]);
  flags("log(0)");
  (void)r;
  return 0;
}
