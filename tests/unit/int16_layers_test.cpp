// The int16 layers (--int16, TFLite's 16x8: int16 activations with zero point 0,
// int8 weights, int64 bias) of codegen/kernels/conv_s8.h and fully_connected_s8.h,
// and k_requantize_s16, against real (double) arithmetic on the dequantized
// values. Nothing expected here comes from the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "compiler/quant/fixed_point.h"

namespace i16 {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/conv_s8.h"
#include "codegen/kernels/fully_connected_s8.h"
}  // namespace i16

namespace {

int expect_s16(double real, double out_scale, int lo, int hi) {
  const double q = std::round(real / out_scale);
  return static_cast<int>(std::clamp(q, static_cast<double>(std::max(lo, -32768)), static_cast<double>(std::min(hi, 32767))));
}

template <class T>
std::vector<T> random_ints(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (auto& e : v) e = static_cast<T>(d(rng));
  return v;
}

struct Requant {
  std::vector<int32_t> mult, shift;
  Requant(float in_scale, const std::vector<float>& w_scale, float out_scale) {
    const auto ms = mote::quant::channel_multipliers(in_scale, w_scale, out_scale);
    REQUIRE(ms);
    for (const auto& m : *ms) {
      mult.push_back(m.multiplier);
      shift.push_back(m.shift);
    }
  }
};

struct Fc {
  static constexpr i16::idx_t M = 3, K = 300, N = 7;
  static constexpr bool has_bias = true, per_channel = true;
  static constexpr int32_t in_zp = 0, out_zp = 0, act_min = -32768, act_max = 32767;
};
struct FcRelu {
  static constexpr i16::idx_t M = 2, K = 64, N = 5;
  static constexpr bool has_bias = true, per_channel = false;
  static constexpr int32_t in_zp = 0, out_zp = 0, act_min = 0, act_max = 32767;
};
// 3x3 depthwise over 2 channels, stride 2, padding 1.
struct Dw {
  static constexpr i16::idx_t N = 1, C = 2, M = 2, G = 2, H = 7, W = 6, KH = 3, KW = 3, SH = 2, SW = 2, DH = 1, DW = 1,
                              PT = 1, PL = 1, PB = 1, PR = 1, OH = 4, OW = 3;
  static constexpr bool has_bias = true;
  static constexpr int32_t in_zp = 0, out_zp = 0, act_min = -32768, act_max = 32767;
};

template <class P>
void check_fc(std::mt19937& rng, int64_t& checked) {
  std::uniform_real_distribution<double> in_s(1e-5, 1e-3), w_s(0.001, 0.02), headroom(2000.0, 30000.0);
  for (int trial = 0; trial < 30; ++trial) {
    const auto x = random_ints<int16_t>(rng, P::M * P::K, -32768, 32767);
    const auto w = random_ints<int8_t>(rng, P::N * P::K, -127, 127);
    const auto b = random_ints<int64_t>(rng, P::N, -3000000, 3000000);
    const float in_scale = static_cast<float>(in_s(rng));
    std::vector<float> w_scale(P::per_channel ? P::N : 1);
    for (auto& e : w_scale) e = static_cast<float>(w_s(rng));
    std::vector<double> real(P::M * P::N);
    for (int i = 0; i < P::M; ++i)
      for (int j = 0; j < P::N; ++j) {
        const double ws = w_scale[P::per_channel ? static_cast<size_t>(j) : 0];
        double s = static_cast<double>(b[static_cast<size_t>(j)]) * in_scale * ws;
        for (int k = 0; k < P::K; ++k)
          s += (static_cast<double>(in_scale) * x[static_cast<size_t>(i * P::K + k)]) * (ws * w[static_cast<size_t>(j * P::K + k)]);
        real[static_cast<size_t>(i * P::N + j)] = s;
      }
    double amax = 1e-9;
    for (double r : real) amax = std::max(amax, std::fabs(r));
    const float out_scale = static_cast<float>(amax / headroom(rng));
    const Requant rq(in_scale, w_scale, out_scale);
    std::vector<int16_t> y(real.size(), 12345);
    i16::fully_connected_int<P, int16_t>(x.data(), w.data(), b.data(), rq.mult.data(), rq.shift.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const int expect = expect_s16(real[i], out_scale, P::act_min, P::act_max);
      INFO("output " << i << " got " << y[i] << " expected " << expect << " real/scale " << real[i] / out_scale);
      REQUIRE(std::abs(y[i] - expect) <= 1);
      ++checked;
    }
  }
}

}  // namespace

TEST_CASE("int16 fully connected (16x8) against real arithmetic", "[int16]") {
  std::mt19937 rng(31);
  int64_t checked = 0;
  check_fc<Fc>(rng, checked);
  check_fc<FcRelu>(rng, checked);
  CHECK(checked == 30 * (Fc::M * Fc::N + FcRelu::M * FcRelu::N));
}

TEST_CASE("int16 depthwise conv (16x8) against real arithmetic over padding and stride", "[int16]") {
  using P = Dw;
  std::mt19937 rng(32);
  for (int trial = 0; trial < 30; ++trial) {
    const auto x = random_ints<int16_t>(rng, P::C * P::H * P::W, -32768, 32767);
    const auto w = random_ints<int8_t>(rng, P::M * P::KH * P::KW, -127, 127);
    const auto b = random_ints<int64_t>(rng, P::M, -100000, 100000);
    const float in_scale = 3e-4f;
    const std::vector<float> w_scale = {0.004f, 0.011f};
    std::vector<double> real(P::M * P::OH * P::OW);
    for (int c = 0; c < P::M; ++c)
      for (int oh = 0; oh < P::OH; ++oh)
        for (int ow = 0; ow < P::OW; ++ow) {
          double s = static_cast<double>(b[static_cast<size_t>(c)]) * in_scale * w_scale[static_cast<size_t>(c)];
          for (int kh = 0; kh < P::KH; ++kh)
            for (int kw = 0; kw < P::KW; ++kw) {
              const int ih = oh * P::SH - P::PT + kh, iw = ow * P::SW - P::PL + kw;
              if (ih < 0 || ih >= P::H || iw < 0 || iw >= P::W) continue;  // zero padding
              s += static_cast<double>(in_scale) * x[static_cast<size_t>((c * P::H + ih) * P::W + iw)] *
                   w_scale[static_cast<size_t>(c)] * w[static_cast<size_t>((c * P::KH + kh) * P::KW + kw)];
            }
          real[static_cast<size_t>((c * P::OH + oh) * P::OW + ow)] = s;
        }
    double amax = 1e-9;
    for (double r : real) amax = std::max(amax, std::fabs(r));
    const float out_scale = static_cast<float>(amax / 20000.0);
    const Requant rq(in_scale, w_scale, out_scale);
    std::vector<int16_t> y(real.size(), 12345);
    i16::conv2d_int<P, int16_t>(x.data(), w.data(), b.data(), rq.mult.data(), rq.shift.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const int expect = expect_s16(real[i], out_scale, P::act_min, P::act_max);
      INFO("output " << i << " got " << y[i] << " expected " << expect);
      REQUIRE(std::abs(y[i] - expect) <= 1);
    }
  }
}

TEST_CASE("k_requantize_s16: Q0.15 multiplier, rounding, int16 and activation clamps", "[int16]") {
  // multiplier 2^30 with shift 0 is 0.5: 3 * 0.5 = 1.5 rounds up to 2, -3 * 0.5 = -1.5 to -1 (ties up).
  CHECK(i16::k_requantize_s16(3, 1 << 30, 0, -32768, 32767) == 2);
  CHECK(i16::k_requantize_s16(-3, 1 << 30, 0, -32768, 32767) == -1);
  // 0.75 * 2^-4 applied to 1000: 46.875 -> 47.
  CHECK(i16::k_requantize_s16(1000, 3 << 29, -4, -32768, 32767) == 47);
  // Saturation at int16 and at a fused activation range.
  CHECK(i16::k_requantize_s16(int64_t{1} << 40, 1 << 30, 0, -32768, 32767) == 32767);
  CHECK(i16::k_requantize_s16(-(int64_t{1} << 40), 1 << 30, 0, -32768, 32767) == -32768);
  CHECK(i16::k_requantize_s16(-500, 1 << 30, 0, 0, 32767) == 0);
  CHECK(i16::k_requantize_s16(500, 1 << 30, 0, -32768, 100) == 100);
  // A shift far right of every bit gives 0, not undefined behaviour.
  CHECK(i16::k_requantize_s16(123456789, 1 << 30, -60, -32768, 32767) == 0);
}
