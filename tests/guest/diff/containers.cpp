// C++ library workload: iostream formatting, std::string, vector, map,
// unordered_map, set, algorithms, stringstream parsing, smart pointers,
// virtual dispatch, lambdas and std::function, global constructors.
#include <algorithm>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Registry {
  std::vector<std::string> names;
  Registry() { names.emplace_back("constructed-before-main"); }
};
Registry registry;  // global constructor runs from .init_array

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};
struct Rect : Shape {
  double w, h;
  Rect(double w_, double h_) : w(w_), h(h_) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r_) : r(r_) {}
  double area() const override { return 3.14159265358979 * r * r; }
  std::string name() const override { return "circle"; }
};

template <typename T>
T clamp_sum(const std::vector<T> &v, T lo, T hi) {
  T s{};
  for (const T &x : v) s += std::clamp(x, lo, hi);
  return s;
}

unsigned lcg_state = 12345;
unsigned lcg() { return lcg_state = lcg_state * 1103515245u + 12345u; }

}  // namespace

int main() {
  std::cout << "registry: " << registry.names.front() << '\n';

  // iostream formatting
  std::cout << std::setw(8) << 42 << '|' << std::left << std::setw(8) << 42 << '|' << std::right << '\n';
  std::cout << std::hex << 255 << ' ' << std::showbase << 255 << ' ' << std::oct << 8 << std::dec << std::noshowbase
            << ' ' << -17 << '\n';
  std::cout << std::fixed << std::setprecision(3) << 3.14159 << ' ' << std::scientific << 123456.789 << ' '
            << std::defaultfloat << std::setprecision(6) << 0.000012345 << ' ' << 1e21 << '\n';
  std::cout << std::boolalpha << true << ' ' << false << std::noboolalpha << ' ' << std::setfill('*') << std::setw(6)
            << 7 << std::setfill(' ') << '\n';

  // strings
  std::string s = "Hello, emulated world";
  s += "!";
  s.insert(7, "RISC-V ");
  s.replace(s.find("world"), 5, "planet");
  std::cout << s << " size=" << s.size() << " find=" << s.find("RISC") << " rfind=" << s.rfind('e')
            << " npos=" << (s.find("zzz") == std::string::npos) << '\n';
  std::string up = s;
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::cout << up << ' ' << s.substr(0, 5) << ' ' << (s < up) << ' ' << std::to_string(-12.5) << ' '
            << std::stoll("-9000000000") << '\n';

  // vectors and algorithms
  std::vector<int> v(1000);
  for (auto &x : v) x = static_cast<int>(lcg() % 1000);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  auto last = std::unique(sorted.begin(), sorted.end());
  std::cout << "unique " << (last - sorted.begin()) << " min " << *std::min_element(v.begin(), v.end()) << " max "
            << *std::max_element(v.begin(), v.end()) << " sum " << std::accumulate(v.begin(), v.end(), 0L) << '\n';
  std::vector<int> copy = v;
  std::nth_element(copy.begin(), copy.begin() + 500, copy.end());
  auto mid = copy[500];
  auto evens = std::count_if(v.begin(), v.end(), [](int x) { return x % 2 == 0; });
  std::stable_sort(copy.begin(), copy.end(), [](int a, int b) { return a % 10 < b % 10; });
  std::cout << "nth " << mid << " evens " << evens << " stable first " << copy[0] << ',' << copy[1] << ',' << copy[2]
            << " lower_bound(500) at " << (std::lower_bound(sorted.begin(), last, 500) - sorted.begin()) << '\n';
  std::vector<int> perm = {1, 2, 3, 4};
  int perms = 0;
  do ++perms;
  while (std::next_permutation(perm.begin(), perm.end()));
  std::cout << "permutations " << perms << " clamp_sum " << clamp_sum(v, 100, 900) << '\n';

  // maps and sets
  std::map<std::string, int> wc;
  std::unordered_map<std::string, int> uwc;
  std::istringstream text("the cat and the dog and the bird saw the cat");
  for (std::string w; text >> w;) {
    ++wc[w];
    ++uwc[w];
  }
  for (const auto &[word, count] : wc) std::cout << word << '=' << count << ' ';
  std::cout << '\n';
  std::vector<std::pair<std::string, int>> items(uwc.begin(), uwc.end());
  std::sort(items.begin(), items.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::cout << "by count:";
  for (const auto &[word, count] : items) std::cout << ' ' << word << ':' << count;
  std::cout << '\n';
  std::set<int> primes;
  for (int n = 2; n < 200; ++n) {
    bool prime = true;
    for (int p : primes)
      if (p * p > n) break;
      else if (n % p == 0) prime = false;
    if (prime) primes.insert(n);
  }
  std::cout << "primes<200: " << primes.size() << " last " << *primes.rbegin() << " contains 97 "
            << primes.count(97) << '\n';
  std::multimap<int, std::string> mm{{2, "b"}, {1, "a"}, {2, "c"}};
  auto range = mm.equal_range(2);
  std::cout << "multimap 2 ->";
  for (auto it = range.first; it != range.second; ++it) std::cout << ' ' << it->second;
  std::cout << '\n';

  // polymorphism and smart pointers
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Rect>(3, 4));
  shapes.push_back(std::make_unique<Circle>(1.5));
  shapes.push_back(std::make_unique<Rect>(0.5, 8));
  std::sort(shapes.begin(), shapes.end(), [](const auto &a, const auto &b) { return a->area() < b->area(); });
  for (const auto &sh : shapes) std::cout << sh->name() << ' ' << std::setprecision(5) << sh->area() << "; ";
  std::cout << '\n';
  auto shared = std::make_shared<std::vector<int>>(5, 1);
  std::weak_ptr<std::vector<int>> weak = shared;
  {
    auto another = shared;
    std::cout << "use_count " << shared.use_count() << ' ';
  }
  std::cout << "use_count " << shared.use_count() << ' ';
  shared.reset();
  std::cout << "expired " << weak.expired() << '\n';

  // std::function and closures
  std::vector<std::function<int(int)>> pipeline;
  int offset = 3;
  pipeline.emplace_back([offset](int x) { return x + offset; });
  pipeline.emplace_back([](int x) { return x * x; });
  pipeline.emplace_back(std::negate<int>());
  int value = 4;
  for (const auto &f : pipeline) value = f(value);
  std::cout << "pipeline " << value << '\n';

  // stringstream round trip
  std::ostringstream out;
  out << 1 << ' ' << 2.5 << ' ' << "three" << ' ' << 0x40;
  std::istringstream in(out.str());
  int a = 0, d = 0;
  double b = 0;
  std::string c;
  in >> a >> b >> c >> d;
  std::cout << "stream '" << out.str() << "' -> " << a << '/' << b << '/' << c << '/' << d << '\n';
  std::cerr << "this line goes to stderr and is not compared\n";
  return 0;
}
