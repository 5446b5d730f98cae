// An exception nobody catches: std::terminate calls abort(), so the process
// dies of SIGABRT (status 134). Output written before must still appear.
#include <cstdio>
#include <stdexcept>

[[gnu::noinline]] static void fail() { throw std::runtime_error("nobody catches this"); }

int main() {
  std::printf("about to throw\n");
  std::fflush(stdout);
  fail();
  std::printf("not reached\n");
  return 0;
}
