// The int8 arithmetic of docs/int8.md against independent references: exact
// 128-bit integer arithmetic for the requantization primitives, double-precision
// real arithmetic for the int8 kernels. Nothing expected here comes from the
// code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "compiler/quant/fixed_point.h"

namespace rq {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/conv_s8.h"
#include "codegen/kernels/fully_connected_s8.h"
#include "codegen/kernels/add_s8.h"
}  // namespace rq

using mote::quant::FixedPointMultiplier;

namespace {

using i128 = __int128;
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

i128 pow2(int64_t e) { return static_cast<i128>(1) << e; }

int32_t sat32(i128 v) { return v > kMax ? kMax : v < kMin ? kMin : static_cast<int32_t>(v); }

// gemmlowp's SaturatingRoundingDoublingHighMul as documented, on the exact
// (wide) product ab = a * b: (ab + nudge) / 2^31 with C's truncating division,
// nudge = 2^30 for ab >= 0 and 1 - 2^30 otherwise. Not saturated.
i128 ref_srdhm_wide(i128 ab) {
  const i128 nudge = ab >= 0 ? pow2(30) : 1 - pow2(30);
  return (ab + nudge) / pow2(31);
}

// v / 2^e rounded to nearest, ties away from zero, as an exact rational.
i128 ref_round_away_pot(i128 v, int64_t e) {
  if (e == 0) return v;
  if (e > 100) return 0;  // |v| <= 2^63 here
  const i128 d = pow2(e), a = v < 0 ? -v : v;
  const i128 q = (2 * a + d) / (2 * d);  // floor(a / d + 1/2)
  return v < 0 ? -q : q;
}

// TFLite's MultiplyByQuantizedMultiplier, two roundings, computed exactly:
// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^left, m), right),
// the left-shifted value kept exact and the result saturated to int32.
int32_t ref_mul_by_qm(int32_t x, int32_t m, int64_t shift) {
  const int64_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const i128 xm = static_cast<i128>(x) * m;
  i128 step1;
  if (left > 64)  // |xm * 2^(left-31)| >= 2^34 unless xm == 0
    step1 = xm == 0 ? 0 : xm > 0 ? pow2(40) : -pow2(40);
  else
    step1 = ref_srdhm_wide(xm * pow2(left));
  return sat32(ref_round_away_pot(sat32(step1), right));
}

// |y - x * m * 2^(shift - 31)| <= 1, exactly (for shifts in [-60, 60]).
bool within_one_of_real(int32_t y, int32_t x, int32_t m, int32_t shift) {
  const i128 xm = static_cast<i128>(x) * m;
  if (shift <= 31) {
    const i128 d = pow2(31 - shift);  // real = xm / d
    const i128 diff = static_cast<i128>(y) * d - xm;
    return (diff < 0 ? -diff : diff) <= d;
  }
  const i128 diff = static_cast<i128>(y) - xm * pow2(shift - 31);
  return (diff < 0 ? -diff : diff) <= 1;
}

const std::vector<int32_t> kEdgeX = {0,          1,          -1,         2,          -2,         3,
                                     -3,         127,        -128,       255,        -255,       32768,
                                     (1 << 30),  -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, kMax, kMin,
                                     kMax - 1,   kMin + 1,   12345678,   -12345678,  0x55555555, -0x55555555};
const std::vector<int32_t> kEdgeM = {0,          1,          -1,        (1 << 30), (1 << 30) + 1, kMax,
                                     kMin,       kMin + 1,   1518500250, 1431655765, -(1 << 30), 1073741825};

}  // namespace

TEST_CASE("k_srdhm: gemmlowp's rounding doubling high multiply", "[requant]") {
  // Hand-computed: a * b / 2^31 with ties toward +infinity, and the one saturation.
  CHECK(rq::k_srdhm(kMin, kMin) == kMax);
  CHECK(rq::k_srdhm(kMin, kMax) == -2147483647);
  CHECK(rq::k_srdhm(kMax, kMax) == 2147483646);
  CHECK(rq::k_srdhm(1 << 30, 1) == 1);        // 0.5
  CHECK(rq::k_srdhm(-(1 << 30), 1) == 0);     // -0.5
  CHECK(rq::k_srdhm(3 << 29, 1) == 1);        // 0.75
  CHECK(rq::k_srdhm(-(3 << 29), 1) == -1);    // -0.75
  CHECK(rq::k_srdhm(1 << 30, 3) == 2);        // 1.5
  CHECK(rq::k_srdhm(-(1 << 30), 3) == -1);    // -1.5
  CHECK(rq::k_srdhm((1 << 30) - 1, 1) == 0);  // just under 0.5
  CHECK(rq::k_srdhm(0, kMin) == 0);

  for (int32_t a : kEdgeX)
    for (int32_t b : kEdgeM) {
      INFO("a=" << a << " b=" << b);
      REQUIRE(rq::k_srdhm(a, b) == sat32(ref_srdhm_wide(static_cast<i128>(a) * b)));
    }
  std::mt19937 rng(11);
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = static_cast<int32_t>(rng()), b = static_cast<int32_t>(rng());
    INFO("a=" << a << " b=" << b);
    REQUIRE(rq::k_srdhm(a, b) == sat32(ref_srdhm_wide(static_cast<i128>(a) * b)));
  }
}

TEST_CASE("k_rounding_divide_by_pot: ties away from zero", "[requant]") {
  CHECK(rq::k_rounding_divide_by_pot(5, 1) == 3);
  CHECK(rq::k_rounding_divide_by_pot(-5, 1) == -3);
  CHECK(rq::k_rounding_divide_by_pot(3, 1) == 2);
  CHECK(rq::k_rounding_divide_by_pot(-3, 1) == -2);
  CHECK(rq::k_rounding_divide_by_pot(6, 2) == 2);    // 1.5
  CHECK(rq::k_rounding_divide_by_pot(-6, 2) == -2);  // -1.5
  CHECK(rq::k_rounding_divide_by_pot(5, 2) == 1);    // 1.25
  CHECK(rq::k_rounding_divide_by_pot(-5, 2) == -1);
  CHECK(rq::k_rounding_divide_by_pot(7, 2) == 2);    // 1.75
  CHECK(rq::k_rounding_divide_by_pot(-7, 2) == -2);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 31) == -1);
  CHECK(rq::k_rounding_divide_by_pot(kMax, 31) == 1);
  CHECK(rq::k_rounding_divide_by_pot(1 << 30, 31) == 1);      // 0.5
  CHECK(rq::k_rounding_divide_by_pot(-(1 << 30), 31) == -1);  // -0.5
  CHECK(rq::k_rounding_divide_by_pot((1 << 30) - 1, 31) == 0);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 32) == -1);  // exactly -0.5
  CHECK(rq::k_rounding_divide_by_pot(kMax, 32) == 0);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 33) == 0);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 1000) == 0);
  CHECK(rq::k_rounding_divide_by_pot(-77, 0) == -77);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 0) == kMin);
  CHECK(rq::k_rounding_divide_by_pot(kMax, 1) == 1073741824);
  CHECK(rq::k_rounding_divide_by_pot(kMin, 1) == -1073741824);

  std::mt19937 rng(12);
  for (int e = 1; e <= 32; ++e) {
    for (int32_t x : kEdgeX) {
      INFO("x=" << x << " e=" << e);
      REQUIRE(rq::k_rounding_divide_by_pot(x, e) == ref_round_away_pot(x, e));
    }
    // Exact ties k * 2^e + 2^(e-1), both signs, and their neighbours.
    for (int i = 0; i < 2000 && e <= 31; ++i) {
      const int64_t k = static_cast<int64_t>(rng() % (uint64_t{1} << (32 - e))) - (int64_t{1} << (31 - e));
      for (int64_t d = -1; d <= 1; ++d) {
        const int64_t x = k * (int64_t{1} << e) + (int64_t{1} << (e - 1)) + d;
        if (x < kMin || x > kMax) continue;
        INFO("x=" << x << " e=" << e);
        REQUIRE(rq::k_rounding_divide_by_pot(static_cast<int32_t>(x), e) == ref_round_away_pot(x, e));
      }
    }
    for (int i = 0; i < 5000; ++i) {
      const int32_t x = static_cast<int32_t>(rng());
      REQUIRE(rq::k_rounding_divide_by_pot(x, e) == ref_round_away_pot(x, e));
    }
  }
}

TEST_CASE("k_mul_by_quantized_multiplier: TFLite's two roundings, exactly", "[requant]") {
  // Hand-computed values of round_away(round_half_up(x * m * 2^left / 2^31) / 2^right).
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1 << 30, 0) == 1);    // 0.5 rounds up
  CHECK(rq::k_mul_by_quantized_multiplier(-1, 1 << 30, 0) == 0);   // -0.5 rounds up too
  CHECK(rq::k_mul_by_quantized_multiplier(3, 1 << 30, 0) == 2);
  CHECK(rq::k_mul_by_quantized_multiplier(-3, 1 << 30, 0) == -1);
  CHECK(rq::k_mul_by_quantized_multiplier(2, 1 << 30, -1) == 1);   // 0.5: second rounding, away
  CHECK(rq::k_mul_by_quantized_multiplier(-2, 1 << 30, -1) == -1);  // -0.5: away
  CHECK(rq::k_mul_by_quantized_multiplier(6, 1 << 30, -1) == 2);   // 1.5
  CHECK(rq::k_mul_by_quantized_multiplier(-6, 1 << 30, -1) == -2);
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1 << 30, -1) == 1);   // 0.25: 0.5 then 1 (double rounding)
  CHECK(rq::k_mul_by_quantized_multiplier(-1, 1 << 30, -1) == 0);  // -0.25: -0.5 -> 0 -> 0
  CHECK(rq::k_mul_by_quantized_multiplier(kMin, kMin, 0) == kMax);
  CHECK(rq::k_mul_by_quantized_multiplier(kMin, kMin, -1) == 1073741824);
  CHECK(rq::k_mul_by_quantized_multiplier(kMax, kMax, 0) == 2147483646);
  CHECK(rq::k_mul_by_quantized_multiplier(kMin, kMax, -31) == -1);
  CHECK(rq::k_mul_by_quantized_multiplier(100, 1 << 30, 1) == 100);  // 0.5 * 2
  CHECK(rq::k_mul_by_quantized_multiplier(-100, 1 << 30, 3) == -400);
  CHECK(rq::k_mul_by_quantized_multiplier(kMax, 1 << 30, 1) == kMax);          // exact, though TFLite's
  CHECK(rq::k_mul_by_quantized_multiplier(1 << 30, 1 << 30, 2) == kMax);       // x << left overflows:
  CHECK(rq::k_mul_by_quantized_multiplier(-(1 << 30), 1 << 30, 2) == kMin);    // -2^31 exactly
  CHECK(rq::k_mul_by_quantized_multiplier(1 << 30, 1 << 30, 1) == (1 << 30));  // 2^30 exactly
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1 << 30, 31) == (1 << 30));
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1, 61) == (1 << 30));
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1, 62) == kMax);
  CHECK(rq::k_mul_by_quantized_multiplier(-1, 1, 62) == kMin);
  CHECK(rq::k_mul_by_quantized_multiplier(-1, 1, 63) == kMin);
  CHECK(rq::k_mul_by_quantized_multiplier(1, 1, kMax) == kMax);
  CHECK(rq::k_mul_by_quantized_multiplier(0, kMax, kMax) == 0);
  CHECK(rq::k_mul_by_quantized_multiplier(kMax, kMax, kMin) == 0);
  CHECK(rq::k_mul_by_quantized_multiplier(5, 1 << 30, kMin) == 0);
  CHECK(rq::k_mul_by_quantized_multiplier(12345, 0, 7) == 0);

  std::vector<int32_t> shifts = {kMin, kMin + 1, -1000, -100, -65, -64, -63, 62, 63, 64, 65, 100, 1000, kMax - 1, kMax};
  for (int s = -40; s <= 40; ++s) shifts.push_back(s);
  for (int32_t x : kEdgeX)
    for (int32_t m : kEdgeM)
      for (int32_t s : shifts) {
        INFO("x=" << x << " m=" << m << " shift=" << s);
        const int32_t y = rq::k_mul_by_quantized_multiplier(x, m, s);
        REQUIRE(y == ref_mul_by_qm(x, m, s));
        if (s >= -60 && s <= 60 && y != kMin && y != kMax) REQUIRE(within_one_of_real(y, x, m, s));
      }

  std::mt19937 rng(13);
  std::uniform_int_distribution<int32_t> mult(1 << 30, kMax), shift(-40, 40), small(-(1 << 20), 1 << 20);
  int64_t unsaturated = 0;
  for (int i = 0; i < 300000; ++i) {
    const int32_t x = (i & 1) ? static_cast<int32_t>(rng()) : small(rng);
    const int32_t m = (i % 7 == 0) ? static_cast<int32_t>(rng()) : mult(rng);
    const int32_t s = shift(rng);
    INFO("x=" << x << " m=" << m << " shift=" << s);
    const int32_t y = rq::k_mul_by_quantized_multiplier(x, m, s);
    REQUIRE(y == ref_mul_by_qm(x, m, s));
    if (y != kMin && y != kMax) {
      ++unsaturated;
      REQUIRE(within_one_of_real(y, x, m, s));
    }
  }
  CHECK(unsaturated > 100000);  // the bound above was really exercised
}

TEST_CASE("k_requantize_s8: scale, output zero point, activation clamp", "[requant]") {
  // multiplier 2^30, shift -2: acc / 8
  CHECK(rq::k_requantize_s8(80, 1 << 30, -2, 0, -128, 127) == 10);
  CHECK(rq::k_requantize_s8(80, 1 << 30, -2, -5, -128, 127) == 5);
  CHECK(rq::k_requantize_s8(4, 1 << 30, -2, 0, -128, 127) == 1);    // 0.5 away from zero
  CHECK(rq::k_requantize_s8(-4, 1 << 30, -2, 0, -128, 127) == -1);  // -0.5
  CHECK(rq::k_requantize_s8(8000, 1 << 30, -2, 0, -128, 127) == 127);
  CHECK(rq::k_requantize_s8(-8000, 1 << 30, -2, 0, -128, 127) == -128);
  CHECK(rq::k_requantize_s8(-80, 1 << 30, -2, -128, -128, 127) == -128);  // relu at zero point -128
  CHECK(rq::k_requantize_s8(80, 1 << 30, -2, 0, -128, 6) == 6);
  CHECK(rq::k_requantize_s8(kMax, kMax, 40, kMax, kMin, kMax) == 127);
  CHECK(rq::k_requantize_s8(kMin, kMax, 40, kMin, kMin, kMax) == -128);
  CHECK(rq::k_requantize_s8(0, 0, 0, 127, -128, 127) == 127);
}

TEST_CASE("quantize_multiplier: TFLite's frexp and rounding", "[requant]") {
  using mote::quant::quantize_multiplier;
  auto check = [](double real, int32_t m, int32_t s) {
    INFO("real=" << real);
    const auto q = quantize_multiplier(real);
    REQUIRE(q);
    CHECK(q->multiplier == m);
    CHECK(q->shift == s);
  };
  check(0.0, 0, 0);
  check(-0.0, 0, 0);
  check(0.5, 1 << 30, 0);
  check(1.0, 1 << 30, 1);
  check(0.75, 1610612736, 0);
  check(3.0, 1610612736, 2);
  check(0.25, 1 << 30, -1);
  check(1.0 - std::ldexp(1.0, -33), 1 << 30, 1);           // rounds to 2^31: halved, shift + 1
  check(0.5 - std::ldexp(1.0, -34), 1 << 30, 0);           // rounds to 2^31 one octave down
  check(1.0 - std::ldexp(1.0, -31), 2147483647, 0);        // 2^31 - 1 exactly representable
  check(std::ldexp(1.0, -32), 1 << 30, -31);               // the smallest shift kept
  check(std::ldexp(1.0, -33), 0, 0);                       // shift -32: flushed
  check(std::ldexp(0.999, -32), 0, 0);
  check(1e-30, 0, 0);
  check(std::numeric_limits<double>::denorm_min(), 0, 0);
  check(std::ldexp(1.0, 40), 1 << 30, 41);                 // scales >= 1 shift left
  check(std::ldexp(0.75, 100), 1610612736, 100);
  check(0.1, 1717986918, -3);                              // 0.8 * 2^31 = 1717986918.4

  std::string why;
  CHECK_FALSE(quantize_multiplier(-0.5, &why));
  CHECK(why.find("-0.5") != std::string::npos);
  CHECK_FALSE(quantize_multiplier(-1e-300));
  CHECK_FALSE(quantize_multiplier(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(quantize_multiplier(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(quantize_multiplier(-std::numeric_limits<double>::infinity()));

  // Reconstruction within 2^-31 relative error, over many octaves.
  std::mt19937 rng(14);
  std::uniform_real_distribution<double> frac(0.5, 1.0);
  std::uniform_int_distribution<int> octave(-31, 40);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::ldexp(frac(rng), octave(rng));
    INFO("real=" << real);
    const auto q = quantize_multiplier(real);
    REQUIRE(q);
    REQUIRE(q->multiplier >= (1 << 30));
    const double back = std::ldexp(static_cast<double>(q->multiplier), q->shift - 31);  // exact
    REQUIRE(std::fabs(back - real) <= real * std::ldexp(1.0, -31));
  }
}

TEST_CASE("channel_multipliers, add_rescale and quantize_bias", "[requant]") {
  using namespace mote::quant;
  const auto ms = channel_multipliers(0.5f, {0.25f, 0.0f, 1.0f}, 0.125f);
  REQUIRE(ms);
  REQUIRE(ms->size() == 3);
  CHECK((*ms)[0].multiplier == (1 << 30));  // 1.0
  CHECK((*ms)[0].shift == 1);
  CHECK((*ms)[1].multiplier == 0);  // an all-zero channel
  CHECK((*ms)[2].multiplier == (1 << 30));  // 4.0
  CHECK((*ms)[2].shift == 3);
  std::string why;
  CHECK_FALSE(channel_multipliers(0.5f, {0.25f}, -1.0f, &why));
  CHECK_FALSE(why.empty());
  CHECK_FALSE(channel_multipliers(0.5f, {0.25f}, 0.0f));
  CHECK_FALSE(channel_multipliers(0.5f, {0.25f, NAN}, 1.0f));
  CHECK_FALSE(channel_multipliers(0.5f, {-0.25f}, 1.0f));
  CHECK_FALSE(channel_multipliers(INFINITY, {0.25f}, 1.0f));

  // Add: 2 * max = 1.0; inputs 0.5 -> 0.5 and 0.25 -> 0.25; output 1.0 / (2^20 * 2^-10) = 2^-10.
  const auto add = add_rescale(0.5f, 0.25f, std::ldexp(1.0f, -10));
  REQUIRE(add);
  CHECK(add->left_shift == 20);
  CHECK(add->input1.multiplier == (1 << 30));
  CHECK(add->input1.shift == 0);
  CHECK(add->input2.multiplier == (1 << 30));
  CHECK(add->input2.shift == -1);
  CHECK(add->output.multiplier == (1 << 30));
  CHECK(add->output.shift == -9);
  CHECK_FALSE(add_rescale(0.5f, -0.25f, 1.0f));
  CHECK_FALSE(add_rescale(0.5f, 0.25f, 0.0f));

  CHECK(quantize_bias(2.5f, 1.0f, 1.0f) == 3);
  CHECK(quantize_bias(-2.5f, 1.0f, 1.0f) == -3);
  CHECK(quantize_bias(2.49f, 1.0f, 1.0f) == 2);
  CHECK(quantize_bias(0.3125f, 0.5f, 0.25f) == 3);    // 2.5 at scale 1/8
  CHECK(quantize_bias(-0.3125f, 0.5f, 0.25f) == -3);
  CHECK(quantize_bias(-0.1875f, 0.5f, 0.25f) == -2);  // -1.5
  CHECK(quantize_bias(1.0f, 0.001f, 0.002f) == 500000);
  CHECK(quantize_bias(0.0f, 0.5f, 0.5f) == 0);
  CHECK(quantize_bias(1e30f, 1e-3f, 1e-3f) == kMax);
  CHECK(quantize_bias(-1e30f, 1e-3f, 1e-3f) == -kMax);
  CHECK(quantize_bias(2147483647.0f, 1.0f, 1.0f) == kMax);  // 2^31 as a float saturates
  CHECK(quantize_bias(1.0f, 0.0f, 1.0f) == kMax);
  CHECK(quantize_bias(NAN, 1.0f, 1.0f) == 0);
  CHECK(quantize_bias(16777216.0f, 0.5f, 1.0f) == 33554432);
}

// ---------------------------------------------------------------------------
// The int8 kernels against real arithmetic: every output within 1 LSB of
// clamp(round(real / out_scale) + out_zp).

namespace {

struct Tally {
  int64_t total = 0, exact = 0, max_err = 0;
  void add(int y, int expect) {
    const int e = std::abs(y - expect);
    ++total;
    exact += e == 0;
    max_err = std::max<int64_t>(max_err, e);
  }
};

int expect_s8(double real, double out_scale, int zp, int lo, int hi) {
  const double q = std::round(real / out_scale) + zp;
  return static_cast<int>(std::min<double>(std::max<double>(q, std::max(lo, -128)), std::min(hi, 127)));
}

std::vector<int8_t> random_s8(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& e : v) e = static_cast<int8_t>(d(rng));
  return v;
}

double max_abs(const std::vector<double>& v) {
  double m = 1e-9;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

#define MOTE_CONV_CFG(NAME, n_, c_, m_, g_, h_, w_, kh_, kw_, sh_, sw_, dh_, dw_, pt_, pl_, pb_, pr_, bias_, izp_, \
                      ozp_, amin_, amax_)                                                                          \
  struct NAME {                                                                                                    \
    static constexpr rq::idx_t N = n_, C = c_, M = m_, G = g_, H = h_, W = w_, KH = kh_, KW = kw_, SH = sh_,     \
                               SW = sw_, DH = dh_, DW = dw_, PT = pt_, PL = pl_, PB = pb_, PR = pr_;             \
    static constexpr rq::idx_t OH = (H + PT + PB - (DH * (KH - 1) + 1)) / SH + 1;                                 \
    static constexpr rq::idx_t OW = (W + PL + PR - (DW * (KW - 1) + 1)) / SW + 1;                                 \
    static constexpr bool has_bias = bias_;                                                                        \
    static constexpr int32_t in_zp = izp_, out_zp = ozp_, act_min = amin_, act_max = amax_;                      \
  }

//                     N  C  M  G  H  W KH KW SH SW DH DW PT PL PB PR bias  izp  ozp amin amax
MOTE_CONV_CFG(Conv3x3,  1, 3, 4, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, -5, 3, -128, 127);
MOTE_CONV_CFG(Stride2,  2, 2, 3, 1, 7, 5, 3, 2, 2, 2, 1, 1, 0, 0, 2, 1, true, 17, -10, -128, 127);
MOTE_CONV_CFG(Dw3x3,    1, 4, 4, 4, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true, -128, -128, -128, 127);
MOTE_CONV_CFG(DwMult2,  1, 3, 6, 3, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, true, 7, 12, -128, 127);
MOTE_CONV_CFG(Grouped,  1, 4, 6, 2, 8, 7, 3, 3, 1, 1, 2, 1, 2, 1, 1, 0, false, -1, 0, -100, 90);
MOTE_CONV_CFG(DilW,     1, 2, 2, 1, 6, 9, 2, 3, 1, 2, 1, 3, 1, 3, 0, 2, true, 9, -1, -128, 127);
MOTE_CONV_CFG(Point,    2, 5, 3, 1, 3, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false, 3, -3, -128, 127);
MOTE_CONV_CFG(OneD,     1, 2, 2, 1, 1, 11, 1, 4, 1, 2, 1, 1, 0, 1, 0, 2, true, 1, 2, -128, 127);
MOTE_CONV_CFG(Big5,     1, 1, 2, 1, 4, 4, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, true, 0, 0, -128, 127);
MOTE_CONV_CFG(Deep,     1, 16, 2, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, -20, 5, -128, 127);

// Real convolution on dequantized values over an explicitly zero-padded input.
template <class P>
std::vector<double> real_conv(const std::vector<int8_t>& x, const std::vector<int8_t>& w,
                              const std::vector<int32_t>& b, double in_scale, const std::vector<double>& w_scale) {
  const int PH = P::H + P::PT + P::PB, PW = P::W + P::PL + P::PR, CG = P::C / P::G, MG = P::M / P::G;
  std::vector<double> padded(static_cast<size_t>(P::N * P::C * PH * PW), 0.0);
  for (int n = 0; n < P::N; ++n)
    for (int c = 0; c < P::C; ++c)
      for (int h = 0; h < P::H; ++h)
        for (int v = 0; v < P::W; ++v)
          padded[static_cast<size_t>(((n * P::C + c) * PH + h + P::PT) * PW + v + P::PL)] =
              in_scale * (x[static_cast<size_t>(((n * P::C + c) * P::H + h) * P::W + v)] - P::in_zp);
  std::vector<double> y(static_cast<size_t>(P::N * P::M * P::OH * P::OW));
  for (int n = 0; n < P::N; ++n)
    for (int oc = 0; oc < P::M; ++oc)
      for (int oh = 0; oh < P::OH; ++oh)
        for (int ow = 0; ow < P::OW; ++ow) {
          double s = P::has_bias ? b[static_cast<size_t>(oc)] * in_scale * w_scale[static_cast<size_t>(oc)] : 0.0;
          for (int c = 0; c < CG; ++c)
            for (int kh = 0; kh < P::KH; ++kh)
              for (int kw = 0; kw < P::KW; ++kw) {
                const int ic = (oc / MG) * CG + c;
                const double xv = padded[static_cast<size_t>(((n * P::C + ic) * PH + oh * P::SH + kh * P::DH) * PW +
                                                             ow * P::SW + kw * P::DW)];
                const double wv = w[static_cast<size_t>(((oc * CG + c) * P::KH + kh) * P::KW + kw)] *
                                  w_scale[static_cast<size_t>(oc)];
                s += xv * wv;
              }
          y[static_cast<size_t>(((n * P::M + oc) * P::OH + oh) * P::OW + ow)] = s;
        }
  return y;
}

template <class P>
void check_conv(std::mt19937& rng, Tally& t) {
  static_assert(P::OH >= 1 && P::OW >= 1, "bad test shape");
  std::uniform_real_distribution<double> in_s(0.002, 0.05), w_s(0.001, 0.02), headroom(60.0, 160.0);
  std::uniform_int_distribution<int32_t> bias(-4000, 4000);
  for (int trial = 0; trial < 30; ++trial) {
    const auto x = random_s8(rng, static_cast<size_t>(P::N * P::C * P::H * P::W), -128, 127);
    const auto w = random_s8(rng, static_cast<size_t>(P::M * (P::C / P::G) * P::KH * P::KW), -127, 127);
    std::vector<int32_t> b(static_cast<size_t>(P::M));
    for (auto& e : b) e = bias(rng);
    const float in_scale = static_cast<float>(in_s(rng));
    std::vector<float> w_scale(static_cast<size_t>(P::M));
    for (auto& e : w_scale) e = static_cast<float>(w_s(rng));
    const std::vector<double> w_scale_d(w_scale.begin(), w_scale.end());
    const std::vector<double> real = real_conv<P>(x, w, b, in_scale, w_scale_d);
    const float out_scale = static_cast<float>(max_abs(real) / headroom(rng));  // some outputs clamp

    const auto ms = mote::quant::channel_multipliers(in_scale, w_scale, out_scale);
    REQUIRE(ms);
    std::vector<int32_t> mult, shift;
    for (const FixedPointMultiplier& m : *ms) {
      mult.push_back(m.multiplier);
      shift.push_back(m.shift);
    }
    std::vector<int8_t> y(real.size(), 99);
    rq::conv2d_s8<P>(x.data(), w.data(), b.data(), mult.data(), shift.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const int expect = expect_s8(real[i], out_scale, P::out_zp, P::act_min, P::act_max);
      INFO("output " << i << " real " << real[i] / out_scale << " got " << int(y[i]) << " expected " << expect);
      REQUIRE(std::abs(y[i] - expect) <= 1);
      t.add(y[i], expect);
    }
  }
}

#define MOTE_FC_CFG(NAME, m_, k_, n_, bias_, pc_, izp_, ozp_, amin_, amax_)            \
  struct NAME {                                                                        \
    static constexpr rq::idx_t M = m_, K = k_, N = n_;                                 \
    static constexpr bool has_bias = bias_, per_channel = pc_;                         \
    static constexpr int32_t in_zp = izp_, out_zp = ozp_, act_min = amin_, act_max = amax_; \
  }
MOTE_FC_CFG(FcTensor, 1, 10, 4, true, false, 0, 0, -128, 127);
MOTE_FC_CFG(FcChannel, 3, 33, 5, true, true, -7, 9, -128, 127);
MOTE_FC_CFG(FcRelu, 2, 64, 7, false, true, 100, -128, -128, 127);
MOTE_FC_CFG(FcTensorClamp, 4, 17, 3, true, false, -128, 20, -50, 60);

template <class P>
void check_fc(std::mt19937& rng, Tally& t) {
  std::uniform_real_distribution<double> in_s(0.002, 0.05), w_s(0.001, 0.02), headroom(60.0, 160.0);
  std::uniform_int_distribution<int32_t> bias(-4000, 4000);
  for (int trial = 0; trial < 50; ++trial) {
    const auto x = random_s8(rng, static_cast<size_t>(P::M * P::K), -128, 127);
    const auto w = random_s8(rng, static_cast<size_t>(P::N * P::K), -127, 127);
    std::vector<int32_t> b(static_cast<size_t>(P::N));
    for (auto& e : b) e = bias(rng);
    const float in_scale = static_cast<float>(in_s(rng));
    std::vector<float> w_scale(P::per_channel ? static_cast<size_t>(P::N) : 1);
    for (auto& e : w_scale) e = static_cast<float>(w_s(rng));
    std::vector<double> real(static_cast<size_t>(P::M * P::N));
    for (int i = 0; i < P::M; ++i)
      for (int j = 0; j < P::N; ++j) {
        const double ws = w_scale[P::per_channel ? static_cast<size_t>(j) : 0];
        double s = P::has_bias ? b[static_cast<size_t>(j)] * static_cast<double>(in_scale) * ws : 0.0;
        for (int k = 0; k < P::K; ++k)
          s += (in_scale * (x[static_cast<size_t>(i * P::K + k)] - P::in_zp)) * (ws * w[static_cast<size_t>(j * P::K + k)]);
        real[static_cast<size_t>(i * P::N + j)] = s;
      }
    const float out_scale = static_cast<float>(max_abs(real) / headroom(rng));
    const auto ms = mote::quant::channel_multipliers(in_scale, w_scale, out_scale);
    REQUIRE(ms);
    std::vector<int32_t> mult, shift;
    for (const FixedPointMultiplier& m : *ms) {
      mult.push_back(m.multiplier);
      shift.push_back(m.shift);
    }
    std::vector<int8_t> y(real.size(), 99);
    rq::fully_connected_s8<P>(x.data(), w.data(), b.data(), mult.data(), shift.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const int expect = expect_s8(real[i], out_scale, P::out_zp, P::act_min, P::act_max);
      INFO("output " << i << " got " << int(y[i]) << " expected " << expect);
      REQUIRE(std::abs(y[i] - expect) <= 1);
      t.add(y[i], expect);
    }
  }
}

// Add's rescaling parameters are set per trial (static members read at run time).
template <int Z1, int Z2, int ZO, int LO, int HI>
struct AddCfg {
  static constexpr rq::idx_t count = 257;
  static constexpr int32_t in1_zp = Z1, in2_zp = Z2, out_zp = ZO, act_min = LO, act_max = HI;
  static constexpr int32_t left_shift = 20;
  static inline int32_t in1_mult = 0, in1_shift = 0, in2_mult = 0, in2_shift = 0, out_mult = 0, out_shift = 0;
};

template <class P>
void check_add(std::mt19937& rng, Tally& t) {
  std::uniform_real_distribution<double> log_s(-7.0, -2.0), ratio(0.3, 3.0);
  for (int trial = 0; trial < 200; ++trial) {
    const float s1 = static_cast<float>(std::exp(log_s(rng)));
    const float s2 = static_cast<float>(s1 * std::exp(ratio(rng) * (trial % 2 ? 1 : -1)));
    const auto a = random_s8(rng, P::count, -128, 127), b = random_s8(rng, P::count, -128, 127);
    std::vector<double> real(P::count);
    for (size_t i = 0; i < real.size(); ++i)
      real[i] = static_cast<double>(s1) * (a[i] - P::in1_zp) + static_cast<double>(s2) * (b[i] - P::in2_zp);
    const float so = static_cast<float>(max_abs(real) / std::uniform_real_distribution<double>(60.0, 160.0)(rng));
    const auto r = mote::quant::add_rescale(s1, s2, so);
    REQUIRE(r);
    REQUIRE(r->left_shift == P::left_shift);
    P::in1_mult = r->input1.multiplier;
    P::in1_shift = r->input1.shift;
    P::in2_mult = r->input2.multiplier;
    P::in2_shift = r->input2.shift;
    P::out_mult = r->output.multiplier;
    P::out_shift = r->output.shift;
    std::vector<int8_t> y(P::count, 99);
    rq::add_s8<P>(a.data(), b.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const int expect = expect_s8(real[i], so, P::out_zp, P::act_min, P::act_max);
      INFO("s1 " << s1 << " s2 " << s2 << " so " << so << " a " << int(a[i]) << " b " << int(b[i]) << " got "
                 << int(y[i]) << " expected " << expect);
      REQUIRE(std::abs(y[i] - expect) <= 1);
      t.add(y[i], expect);
    }
  }
}

}  // namespace

TEST_CASE("conv2d_s8 against real arithmetic: padding, strides, dilations, groups, depthwise", "[requant]") {
  std::mt19937 rng(21);
  Tally t;
  check_conv<Conv3x3>(rng, t);
  check_conv<Stride2>(rng, t);
  check_conv<Dw3x3>(rng, t);
  check_conv<DwMult2>(rng, t);
  check_conv<Grouped>(rng, t);
  check_conv<DilW>(rng, t);
  check_conv<Point>(rng, t);
  check_conv<OneD>(rng, t);
  check_conv<Big5>(rng, t);
  check_conv<Deep>(rng, t);
  INFO(t.exact << " of " << t.total << " exact");
  CHECK(t.max_err <= 1);
  CHECK(t.exact >= t.total * 98 / 100);  // off by one only next to a rounding tie
}

TEST_CASE("fully_connected_s8 against real arithmetic, per tensor and per channel", "[requant]") {
  std::mt19937 rng(22);
  Tally t;
  check_fc<FcTensor>(rng, t);
  check_fc<FcChannel>(rng, t);
  check_fc<FcRelu>(rng, t);
  check_fc<FcTensorClamp>(rng, t);
  INFO(t.exact << " of " << t.total << " exact");
  CHECK(t.max_err <= 1);
  CHECK(t.exact >= t.total * 98 / 100);
}

TEST_CASE("add_s8 against real arithmetic with TFLite's rescaling", "[requant]") {
  std::mt19937 rng(23);
  Tally t;
  check_add<AddCfg<0, 0, 0, -128, 127>>(rng, t);
  check_add<AddCfg<-128, 5, -3, -128, 127>>(rng, t);
  check_add<AddCfg<17, -128, -128, -128, 127>>(rng, t);
  check_add<AddCfg<3, -4, 10, -20, 100>>(rng, t);
  INFO(t.exact << " of " << t.total << " exact");
  CHECK(t.max_err <= 1);
  CHECK(t.exact >= t.total * 98 / 100);
}
