#pragma once
// Random int8 data for the kernel tests: the same values for the same seed on
// every machine (std::mt19937 is fully specified).
#include <stdint.h>

#include <random>
#include <vector>

namespace mote::test {

inline std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

}  // namespace mote::test
