// The int8 Concat (codegen/kernels/concat_s8.h) against real arithmetic: each
// requantized element is the input's real value rounded to the output's step.
// Nothing expected here comes from the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <cmath>

#include "compiler/quant/fixed_point.h"

namespace cs {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/concat_s8.h"
}  // namespace cs

namespace {
// Two rows; input 0 (3 per row) at twice the output's scale with zero point 5,
// input 1 (2 per row) with the output's own parameters (copied).
struct P {
  static constexpr cs::idx_t inputs = 2, outer = 2;
  static constexpr cs::idx_t chunks[2] = {3, 2};
  static constexpr int32_t same[2] = {0, 1}, in_zp[2] = {5, -10}, mult[2] = {1073741824, 1073741824},
                           shift[2] = {2, 0}, out_zp = -10;
};
}  // namespace

TEST_CASE("concat_s8: inputs with other parameters are requantized to the output's", "[kernels][concat_s8]") {
  // s_in / s_out = 2 = 0.5 * 2^2.
  const auto m = mote::quant::quantize_multiplier(2.0);
  REQUIRE(m);
  CHECK(m->multiplier == P::mult[0]);
  CHECK(m->shift == P::shift[0]);
  const double s_out = 0.1, s_in = 0.2;
  const int8_t a[6] = {-128, -3, 5, 40, 70, 127};
  const int8_t b[4] = {-128, 0, 3, 127};
  const int8_t* xs[2] = {a, b};
  int8_t y[10];
  cs::concat_s8<P>(xs, y);
  for (int o = 0; o < 2; ++o) {
    for (int e = 0; e < 3; ++e) {
      const double real = s_in * (a[o * 3 + e] - P::in_zp[0]);
      const double want = std::clamp(std::round(real / s_out) + P::out_zp, -128.0, 127.0);
      INFO("row " << o << " element " << e);
      CHECK(y[o * 5 + e] == want);  // exact: a factor of 2 needs no rounding
    }
    for (int e = 0; e < 2; ++e) CHECK(y[o * 5 + 3 + e] == b[o * 2 + e]);
  }
}
