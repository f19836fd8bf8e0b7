// The int8 Softmax kernel (codegen/kernels/softmax_s8.h) against the real
// softmax, in double, of the dequantized inputs: every output rounded to the nearest
// step of the exact probability (0.52 steps). Nothing expected here comes from
// the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cmath>
#include <random>
#include <vector>

namespace sm {
#include "codegen/kernels/common.h"
#include "codegen/kernels/softmax_s8.h"
}  // namespace sm

namespace {

// The table the compiler emits (compiler/ops/softmax.cpp), as the kernel's contract states it.
void fill_table(int32_t* t, double x_scale) {
  for (int d = 0; d < 256; ++d) t[d] = static_cast<int32_t>(std::lround(65536.0 * std::exp(-x_scale * d)));
}

template <int Outer, int Len, int Inner, int Inv, int Zp>
struct Params {
  static constexpr sm::idx_t outer = Outer, axis_len = Len, inner = Inner;
  static constexpr int32_t out_zp = Zp, inv_out_scale = Inv;
  static int32_t exp_table[256];
};
template <int Outer, int Len, int Inner, int Inv, int Zp>
int32_t Params<Outer, Len, Inner, Inv, Zp>::exp_table[256];

// Runs the kernel on x (input scale x_scale, zero point x_zp) and checks each
// output against round(p / out_scale) + zp of the exact softmax p.
template <class P>
void check(const std::vector<int8_t>& x, double x_scale, int x_zp) {
  fill_table(P::exp_table, x_scale);
  std::vector<int8_t> y(x.size());
  sm::softmax_s8<P>(x.data(), y.data());
  for (int o = 0; o < P::outer; ++o)
    for (int i = 0; i < P::inner; ++i) {
      const auto at = [&](int a) { return static_cast<size_t>((o * P::axis_len + a) * P::inner + i); };
      double mx = -1e300, sum = 0;
      for (int a = 0; a < P::axis_len; ++a) mx = std::max(mx, x_scale * (x[at(a)] - x_zp));
      for (int a = 0; a < P::axis_len; ++a) sum += std::exp(x_scale * (x[at(a)] - x_zp) - mx);
      for (int a = 0; a < P::axis_len; ++a) {
        const double p = std::exp(x_scale * (x[at(a)] - x_zp) - mx) / sum;
        const double want = std::min(127.0, std::max(-128.0, P::out_zp + p * P::inv_out_scale));
        INFO("outer " << o << " inner " << i << " element " << a << ": p = " << p);
        CHECK(std::fabs(y[at(a)] - want) <= 0.52);  // rounding, plus the table's Q16 error
      }
    }
}

std::vector<int8_t> random_s8(size_t n, uint32_t seed, int lo = -128, int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t& e : v) e = static_cast<int8_t>(d(rng));
  return v;
}

}  // namespace

TEST_CASE("softmax_s8 matches the real softmax to the nearest step", "[softmax_s8]") {
  SECTION("classifier head, TFLite's output parameters (1/256, -128)") {
    check<Params<1, 12, 1, 256, -128>>(random_s8(12, 1), 0.08, 3);
  }
  SECTION("small input scale: nearly uniform probabilities") {
    check<Params<2, 10, 1, 256, -128>>(random_s8(20, 2), 0.001, 0);
  }
  SECTION("large input scale: one class takes everything, saturating at 127") {
    check<Params<1, 5, 1, 256, -128>>(random_s8(5, 3), 2.0, -10);
  }
  SECTION("axis in the middle, output scale 1/255") {
    check<Params<3, 7, 4, 255, -128>>(random_s8(84, 4), 0.05, 0);
  }
  SECTION("the longest axis the compiler allows, all equal") {
    using P = Params<1, 32768, 1, 256, -128>;
    check<P>(std::vector<int8_t>(32768, 5), 0.1, 0);
    check<P>(random_s8(32768, 5), 0.2, 0);
  }
}
