// Runs two builds of one model (compare_builds.sh) on the same pseudo-random
// inputs and compares their outputs element for element, bit for bit: the builds
// compute each element with the same kernel arithmetic (int8 and float alike).
// The build defines A_H/B_H (headers), A_RUN/B_RUN, IN_T/OUT_T and
// IN_COUNT/OUT_COUNT.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include A_H
#include B_H

namespace {

uint32_t next(uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

template <typename T>
T sample(uint32_t& s) {
  if constexpr (sizeof(T) == 1) return static_cast<T>(static_cast<int>(next(s) % 256) - 128);
  else return static_cast<T>(static_cast<double>(next(s) % 20001) / 5000.0 - 2.0);
}

}  // namespace

int main() {
  uint32_t seed = 12345;
  int failures = 0;
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<IN_T> x(IN_COUNT);
    for (IN_T& v : x) v = sample<IN_T>(seed);
    std::vector<OUT_T> a(OUT_COUNT), b(OUT_COUNT);
    if (A_RUN(x.data(), a.data()) != 0 || B_RUN(x.data(), b.data()) != 0) {
      std::printf("FAIL: a run returned an error\n");
      return 1;
    }
    size_t differ = 0, first = 0;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::memcmp(&a[i], &b[i], sizeof(OUT_T)) != 0 && differ++ == 0) first = i;
    if (differ) {
      std::printf("FAIL: trial %d: %zu of %zu outputs differ, first at %zu: %g vs %g\n", trial, differ, a.size(), first,
                  static_cast<double>(a[first]), static_cast<double>(b[first]));
      ++failures;
    } else {
      std::printf("ok   trial %d: %zu outputs identical\n", trial, a.size());
    }
  }
  return failures ? 1 : 0;
}
