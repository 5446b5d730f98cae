// printf/strtod of float, double and long double (binary128, soft-float in
// libgcc on riscv64): every conversion, rounding ties, specials, subnormals.
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t bits_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

int main(void) {
  const double values[] = {0.0, -0.0, 1.0, -1.5, 0.1, 0.5, 1.5, 2.5, 0.125, 0.375, 1e23, 1e-7,
                           123456789.125, 9007199254740993.0, DBL_MAX, DBL_MIN, 4.9406564584124654e-324,
                           2.2250738585072009e-308, M_PI, -M_E, 1.0 / 3.0, 999.9999999, 5e-324 * 3,
                           INFINITY, -INFINITY, NAN, -NAN};
  const char *formats[] = {"%f", "%.0f", "%.1f", "%.2f", "%e", "%.3e", "%.0e", "%g", "%.17g", "%#g",
                           "%a", "%.3a", "%A", "%+12.4f", "%-14.3e|", "% g", "%010.2f"};
  for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
    printf("[%016llx]", (unsigned long long)bits_of(values[i]));
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
      putchar(' ');
      printf(formats[f], values[i]);
    }
    putchar('\n');
  }

  // round-half-even on exact decimal ties in %.Nf
  const double ties[] = {0.5, 1.5, 2.5, 3.5, -0.5, -2.5, 0.125, 0.625, 1.0625, 2.675};
  for (size_t i = 0; i < sizeof ties / sizeof *ties; i++)
    printf("tie %.4f -> %.0f %.1f %.2f %.3f\n", ties[i], ties[i], ties[i], ties[i], ties[i]);

  // wide and precise
  printf("%.60f\n", 1.0 / 3.0);
  printf("%.40e\n", DBL_MIN);
  printf("%.330f\n", 4.9406564584124654e-324);
  printf("%50.20f|%-50.20f|\n", M_PI, -M_PI);
  printf("%.*g %.*g\n", 3, 1234567.0, 25, 0.1);

  // floats go through double promotion
  const float fv[] = {0.1f, 1.0f / 3.0f, 16777217.0f, FLT_MAX, FLT_MIN, 1.4e-45f, -0.0f};
  for (size_t i = 0; i < sizeof fv / sizeof *fv; i++)
    printf("float %.9g %a %e\n", fv[i], fv[i], fv[i]);

  // long double is IEEE binary128 on riscv64
  long double q = 1.0L / 3.0L;
  printf("ld %.36Lg\n%La\n%.20Le\n", q, q, q);
  long double big = 1e4000L;
  printf("ld big %Lg %.10Le\n", big, big * 3.0L);
  long double s = 0;
  for (int i = 1; i <= 1000; i++) s += 1.0L / ((long double)i * i);
  printf("ld basel %.33Lg\n", s);
  printf("ld sizeof %zu mant %d\n", sizeof(long double), LDBL_MANT_DIG);

  // strtod round-trips every printed %.17g exactly
  int ok = 0, total = 0;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 2000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    uint64_t u = x & 0x7fefffffffffffffull;
    memcpy(&d, &u, sizeof d);
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    double back = strtod(buf, NULL);
    ok += bits_of(back) == bits_of(d);
    total++;
  }
  printf("strtod round trip %d/%d\n", ok, total);
  const char *inputs[] = {"0x1.8p1", "1e400", "-1e-400", "inf", "-nan", "2.2250738585072011e-308",
                          "0.1e1", "1.7976931348623158e308", "1.7976931348623159e308", "  12.5e-1xyz"};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    char *end;
    double d = strtod(inputs[i], &end);
    float f = strtof(inputs[i], NULL);
    printf("strtod(%s) = %.17g [%016llx] end+%ld strtof %.9g\n", inputs[i], d,
           (unsigned long long)bits_of(d), (long)(end - inputs[i]), f);
  }
  return 0;
}
