// C++ exceptions: throw/catch across frames with destructors unwinding,
// nested and rethrown exceptions, standard exception types, exception_ptr,
// nested_exception, function-try-blocks, and a loop of many throws.
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

namespace {

int live_guards = 0;

struct Guard {
  const char *name;
  explicit Guard(const char *n) : name(n) {
    ++live_guards;
    std::printf("  enter %s\n", name);
  }
  ~Guard() {
    --live_guards;
    std::printf("  leave %s\n", name);
  }
};

struct AppError : std::runtime_error {
  int code;
  AppError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};
struct DeepError : AppError {
  using AppError::AppError;
};

[[gnu::noinline]] void level3(int mode) {
  Guard g("level3");
  switch (mode) {
    case 0: throw DeepError("deep failure", 3);
    case 1: throw 42;
    case 2: throw std::string("a string");
    case 3: throw std::out_of_range("range");
    default: break;
  }
}
[[gnu::noinline]] void level2(int mode) {
  Guard g("level2");
  level3(mode);
}
[[gnu::noinline]] void level1(int mode) {
  Guard g("level1");
  try {
    level2(mode);
  } catch (const std::logic_error &e) {
    std::printf("  level1 caught logic_error '%s', rethrowing\n", e.what());
    throw;
  }
}

struct Widget {
  std::vector<int> data;
  explicit Widget(int n) try : data(static_cast<size_t>(n)) {
    if (n > 3) throw std::length_error("widget too big");
  } catch (const std::exception &e) {
    std::printf("  function-try-block saw '%s'\n", e.what());
    // rethrown automatically at the end of a constructor's handler
  }
};

[[gnu::noinline]] int recurse_and_throw(int depth) {
  Guard g(depth % 2 ? "odd" : "even");
  if (depth == 0) throw AppError("bottom", depth);
  return recurse_and_throw(depth - 1) + 1;
}

void print_nested(const std::exception &e, int level) {
  std::printf("  %*snested level %d: %s\n", level * 2, "", level, e.what());
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception &inner) {
    print_nested(inner, level + 1);
  }
}

}  // namespace

int main() {
  for (int mode = 0; mode <= 4; ++mode) {
    std::printf("mode %d\n", mode);
    try {
      level1(mode);
      std::printf("  no exception\n");
    } catch (const DeepError &e) {
      std::printf("  caught DeepError '%s' code %d\n", e.what(), e.code);
    } catch (int v) {
      std::printf("  caught int %d\n", v);
    } catch (const std::string &s) {
      std::printf("  caught string '%s'\n", s.c_str());
    } catch (const std::exception &e) {
      std::printf("  caught std::exception '%s'\n", e.what());
    }
    std::printf("  live guards %d\n", live_guards);
  }

  std::printf("recursion\n");
  try {
    recurse_and_throw(5);
  } catch (const AppError &e) {
    std::printf("  caught '%s' after unwinding, live guards %d\n", e.what(), live_guards);
  }

  std::printf("catch inside catch\n");
  try {
    try {
      throw std::runtime_error("first");
    } catch (const std::exception &e) {
      try {
        throw std::logic_error(std::string("second after ") + e.what());
      } catch (const std::logic_error &inner) {
        std::printf("  inner handler: %s (outer still %s)\n", inner.what(), e.what());
        throw;
      }
    }
  } catch (const std::exception &e) {
    std::printf("  outermost: %s\n", e.what());
  }

  std::printf("function-try-block\n");
  try {
    Widget w(10);
  } catch (const std::length_error &e) {
    std::printf("  constructor rethrew '%s'\n", e.what());
  }

  std::printf("standard exceptions\n");
  std::vector<int> v(3);
  try {
    (void)v.at(7);
  } catch (const std::out_of_range &) {
    std::printf("  vector::at -> out_of_range\n");
  }
  try {
    volatile std::size_t huge = static_cast<std::size_t>(1) << 62;
    auto *p = new char[huge];
    asm volatile("" : : "r"(p) : "memory");  // keep the allocation from being elided
    std::printf("  unexpected allocation\n");
    delete[] p;
  } catch (const std::bad_alloc &e) {
    std::printf("  new[huge] -> bad_alloc\n");
  }
  try {
    std::optional<int> none;
    (void)none.value();
  } catch (const std::bad_optional_access &) {
    std::printf("  optional::value -> bad_optional_access\n");
  }
  try {
    std::variant<int, std::string> var = 5;
    (void)std::get<std::string>(var);
  } catch (const std::bad_variant_access &) {
    std::printf("  std::get -> bad_variant_access\n");
  }
  struct Base {
    virtual ~Base() = default;
  };
  struct Derived : Base {};
  try {
    Base b;
    Base &ref = b;
    (void)dynamic_cast<Derived &>(ref);
  } catch (const std::bad_cast &) {
    std::printf("  dynamic_cast<Derived&> -> bad_cast\n");
  }
  try {
    (void)std::stoi("not a number");
  } catch (const std::invalid_argument &) {
    std::printf("  stoi -> invalid_argument\n");
  }

  std::printf("exception_ptr\n");
  std::exception_ptr saved;
  try {
    throw AppError("saved for later", 7);
  } catch (...) {
    saved = std::current_exception();
  }
  try {
    std::rethrow_exception(saved);
  } catch (const AppError &e) {
    std::printf("  rethrown '%s' code %d\n", e.what(), e.code);
  }

  std::printf("nested_exception\n");
  try {
    try {
      throw std::runtime_error("disk read failed");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("loading config failed"));
    }
  } catch (const std::exception &e) {
    print_nested(e, 0);
  }

  std::printf("many throws\n");
  long caught = 0, sum = 0;
  for (int i = 0; i < 3000; ++i) {
    try {
      if (i % 3 == 0) throw i;
      if (i % 3 == 1) throw AppError("x", i);
      throw std::make_unique<int>(i);
    } catch (int x) {
      sum += x;
      ++caught;
    } catch (const AppError &e) {
      sum += e.code;
      ++caught;
    } catch (const std::unique_ptr<int> &p) {
      sum += *p;
      ++caught;
    }
  }
  std::printf("  caught %ld sum %ld uncaught_exceptions %d\n", caught, sum, std::uncaught_exceptions());
  return 0;
}
