// Time functions used without printing any clock value: monotonicity,
// consistency between clocks, nanosleep lower bounds, and calendar
// conversions of a fixed timestamp in UTC.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, res;
  int ok = 1;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 10000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (ns(b) < ns(a)) ok = 0;
    a = b;
  }
  printf("CLOCK_MONOTONIC never goes back: %s\n", ok ? "ok" : "FAIL");
  printf("tv_nsec in range: %s\n", a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "ok" : "FAIL");

  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  printf("CLOCK_REALTIME after 2020: %s\n", rt.tv_sec > 1577836800 ? "ok" : "FAIL");
  struct timeval tv;
  gettimeofday(&tv, NULL);
  time_t t = time(NULL);
  printf("gettimeofday/time/clock_gettime agree: %s\n",
         llabs((long long)tv.tv_sec - (long long)rt.tv_sec) <= 2 && llabs((long long)t - (long long)rt.tv_sec) <= 2 ? "ok" : "FAIL");
  printf("clock_getres monotonic: %s\n",
         clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0 && ns(res) <= 10000000 ? "ok" : "FAIL");

  struct timespec before, after, req = {0, 20 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &before);
  nanosleep(&req, NULL);
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("nanosleep(20ms) slept at least 20ms: %s\n", ns(after) - ns(before) >= 20000000 ? "ok" : "FAIL");
  clock_gettime(CLOCK_MONOTONIC, &before);
  struct timespec abs_deadline = before;
  abs_deadline.tv_nsec += 10 * 1000 * 1000;
  if (abs_deadline.tv_nsec >= 1000000000) {
    abs_deadline.tv_sec++;
    abs_deadline.tv_nsec -= 1000000000;
  }
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_deadline, NULL);
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("clock_nanosleep absolute deadline reached: %s\n", ns(after) >= ns(abs_deadline) ? "ok" : "FAIL");

  // CPU-time clocks advance with work
  struct timespec c0, c1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 20000000; i++) spin += i;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  printf("process CPU time advances: %s\n", ns(c1) > ns(c0) ? "ok" : "FAIL");
  struct tms tm_;
  printf("times() works: %s\n", times(&tm_) != (clock_t)-1 ? "ok" : "FAIL");
  printf("clock() non-negative: %s\n", clock() >= 0 ? "ok" : "FAIL");

  // calendar conversion of a fixed time, independent of the host zone
  setenv("TZ", "UTC", 1);
  tzset();
  time_t fixed = 1700000000;
  struct tm g, l;
  gmtime_r(&fixed, &g);
  localtime_r(&fixed, &l);
  char text[128];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %a %b %j %U %Z", &l);
  printf("1700000000 = %s\n", text);
  printf("gmtime yday=%d wday=%d isdst=%d\n", g.tm_yday, g.tm_wday, g.tm_isdst);
  struct tm leap = {.tm_year = 124, .tm_mon = 1, .tm_mday = 29, .tm_hour = 12};
  time_t back = timegm(&leap);
  printf("timegm(2024-02-29 12:00) = %lld\n", (long long)back);
  leap.tm_mday += 1;  // normalises to March 1
  mktime(&leap);
  strftime(text, sizeof text, "%F %T", &leap);
  printf("normalised %s\n", text);
  char *s = asctime(&g);
  printf("asctime %s", s);
  return 0;
}
