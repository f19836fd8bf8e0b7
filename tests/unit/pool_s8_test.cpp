// The int8 pooling kernels of codegen/kernels/pool_s8.h against references
// computed here: max exactly, averages against the real mean (double) of the
// dequantized inputs, rounded to the output's scale. Nothing expected here
// comes from the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "compiler/quant/fixed_point.h"
#include "random_s8.h"

namespace ps {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/pool_s8.h"
}  // namespace ps

using ps::idx_t;

namespace {

using mote::test::random_s8;

// The 2-D window of output (oh, ow): input positions inside the real input and
// the padded count, as ONNX defines them (ceil_mode windows cut at the padded edge).
template <class P>
void window(int64_t oh, int64_t ow, std::vector<int64_t>& pos, int64_t& padded) {
  pos.clear();
  const int64_t h0 = oh * P::SH - P::PT, w0 = ow * P::SW - P::PL;
  const int64_t h1 = std::min<int64_t>(h0 + P::KH, P::H + P::PB), w1 = std::min<int64_t>(w0 + P::KW, P::W + P::PR);
  padded = (h1 - h0) * (w1 - w0);
  for (int64_t h = h0; h < h1; ++h)
    for (int64_t w = w0; w < w1; ++w)
      if (h >= 0 && h < P::H && w >= 0 && w < P::W) pos.push_back(h * P::W + w);
}

// Max: every output is exactly the largest element of its (dilated) window.
template <class P>
void check_max() {
  const std::vector<int8_t> x = random_s8(static_cast<size_t>(P::N * P::C * P::H * P::W), 7);
  std::vector<int8_t> y(static_cast<size_t>(P::N * P::C * P::OH * P::OW));
  ps::max_pool2d_s8<P>(x.data(), y.data());
  for (int64_t nc = 0; nc < P::N * P::C; ++nc)
    for (int64_t oh = 0; oh < P::OH; ++oh)
      for (int64_t ow = 0; ow < P::OW; ++ow) {
        int best = -128;
        for (int64_t kh = 0; kh < P::KH; ++kh)
          for (int64_t kw = 0; kw < P::KW; ++kw) {
            const int64_t h = oh * P::SH - P::PT + kh * P::DH, w = ow * P::SW - P::PL + kw * P::DW;
            if (h >= 0 && h < P::H && w >= 0 && w < P::W) best = std::max<int>(best, x[nc * P::H * P::W + h * P::W + w]);
          }
        REQUIRE(y[nc * P::OH * P::OW + oh * P::OW + ow] == best);
      }
}

// Average with the input's parameters: round half away from zero of the exact
// rational mean of (x - zp) (padding = real 0), plus zp.
template <class P>
void check_avg_same() {
  const std::vector<int8_t> x = random_s8(static_cast<size_t>(P::N * P::C * P::H * P::W), 11);
  std::vector<int8_t> y(static_cast<size_t>(P::N * P::C * P::OH * P::OW));
  ps::avg_pool2d_s8<P>(x.data(), y.data());
  std::vector<int64_t> pos;
  int64_t padded = 0;
  for (int64_t nc = 0; nc < P::N * P::C; ++nc)
    for (int64_t oh = 0; oh < P::OH; ++oh)
      for (int64_t ow = 0; ow < P::OW; ++ow) {
        window<P>(oh, ow, pos, padded);
        int64_t sum = 0;
        for (int64_t p : pos) sum += x[nc * P::H * P::W + p] - P::in_zp;
        const int64_t count = P::count_include_pad ? padded : static_cast<int64_t>(pos.size());
        // Exact: 2*|sum| vs the multiples of count.
        const int64_t mag = (2 * std::llabs(sum) + count) / (2 * count);
        const int64_t want = std::clamp<int64_t>((sum < 0 ? -mag : mag) + P::out_zp, -128, 127);
        INFO("nc " << nc << " oh " << oh << " ow " << ow << " sum " << sum << " count " << count);
        REQUIRE(y[nc * P::OH * P::OW + oh * P::OW + ow] == want);
      }
}

struct MaxP {  // 2-D, padding, stride 2, dilation 2
  static constexpr idx_t N = 1, C = 3, H = 9, W = 7, KH = 3, KW = 2, SH = 2, SW = 1, DH = 2, DW = 2, PT = 1, PL = 1,
                         PB = 1, PR = 0, OH = 4, OW = 5;
};
struct Max1dP {  // 1-D (H = 1), ceil-mode-like trailing window cut by the edge
  static constexpr idx_t N = 2, C = 2, H = 1, W = 10, KH = 1, KW = 3, SH = 1, SW = 3, DH = 1, DW = 1, PT = 0, PL = 0,
                         PB = 0, PR = 2, OH = 1, OW = 4;
};
struct AvgP {  // padding not counted
  static constexpr idx_t N = 1, C = 4, H = 6, W = 5, KH = 3, KW = 3, SH = 2, SW = 2, DH = 1, DW = 1, PT = 1, PL = 1,
                         PB = 1, PR = 1, OH = 3, OW = 3;
  static constexpr idx_t count_include_pad = 0, requant = 0, mult = 0, shift = 0;
  static constexpr int32_t in_zp = -7, out_zp = -7;
};
struct AvgPadP : AvgP {  // padding counted (real 0)
  static constexpr idx_t count_include_pad = 1;
  static constexpr int32_t in_zp = 100, out_zp = 100;
};

}  // namespace

TEST_CASE("max_pool2d_s8 is the exact window maximum", "[int8]") {
  check_max<MaxP>();
  check_max<Max1dP>();
}

TEST_CASE("avg_pool2d_s8 with the input's parameters rounds the exact mean half away from zero", "[int8]") {
  check_avg_same<AvgP>();
  check_avg_same<AvgPadP>();
}

namespace {
struct TieP {
  static constexpr idx_t N = 1, C = 1, H = 1, W = 4, KH = 1, KW = 2, SH = 1, SW = 2, DH = 1, DW = 1, PT = 0, PL = 0,
                         PB = 0, PR = 0, OH = 1, OW = 2, count_include_pad = 0, requant = 0, mult = 0, shift = 0;
  static constexpr int32_t in_zp = 0, out_zp = 0;
};
struct SameG {
  static constexpr idx_t NC = 4, spatial = 10, requant = 0, mult = 0, shift = 0;
  static constexpr int32_t in_zp = -20, out_zp = -20;
};
}  // namespace

TEST_CASE("avg_pool2d_s8 at a tie rounds away from zero", "[int8]") {
  using P = TieP;
  const int8_t x[4] = {1, 2, -1, -2};  // means 1.5 and -1.5
  int8_t y[2];
  ps::avg_pool2d_s8<P>(x, y);
  CHECK(y[0] == 2);
  CHECK(y[1] == -2);
}

namespace {
// Requantized averages: input scale 0.05, output scale 0.0123; (mult, shift) of
// 0.05 / (count * 0.0123) are checked against quantize_multiplier below.
constexpr float kInScale = 0.05f, kOutScale = 0.0123f;

struct ReqP {  // every window full: count 12
  static constexpr idx_t N = 2, C = 3, H = 8, W = 6, KH = 4, KW = 3, SH = 4, SW = 3, DH = 1, DW = 1, PT = 0, PL = 0,
                         PB = 0, PR = 0, OH = 2, OW = 2, count_include_pad = 0, requant = 1;
  static constexpr int32_t in_zp = 13, out_zp = -90, mult = 1454934790, shift = -1;
};
struct ReqG {  // global, 7x7
  static constexpr idx_t NC = 5, spatial = 49, requant = 1;
  static constexpr int32_t in_zp = -128, out_zp = 3, mult = 1425242244, shift = -3;
};

int64_t real_to_q(double real_sum, int64_t count, int32_t out_zp) {
  const double v = std::round(real_sum / double(count) / double(kOutScale)) + out_zp;
  return std::clamp<int64_t>(static_cast<int64_t>(v), -128, 127);
}
}  // namespace

TEST_CASE("avg_pool2d_s8 and global_avg_pool_s8 requantize to the output's parameters within 1 LSB", "[int8]") {
  const auto m12 = mote::quant::quantize_multiplier(double(kInScale) / (12.0 * double(kOutScale)));
  const auto m49 = mote::quant::quantize_multiplier(double(kInScale) / (49.0 * double(kOutScale)));
  REQUIRE((m12->multiplier == ReqP::mult && m12->shift == ReqP::shift));
  REQUIRE((m49->multiplier == ReqG::mult && m49->shift == ReqG::shift));

  const std::vector<int8_t> x = random_s8(ReqP::N * ReqP::C * ReqP::H * ReqP::W, 5);
  std::vector<int8_t> y(ReqP::N * ReqP::C * ReqP::OH * ReqP::OW);
  ps::avg_pool2d_s8<ReqP>(x.data(), y.data());
  int exact = 0;
  for (int64_t nc = 0; nc < ReqP::N * ReqP::C; ++nc)
    for (int64_t oh = 0; oh < ReqP::OH; ++oh)
      for (int64_t ow = 0; ow < ReqP::OW; ++ow) {
        double sum = 0;
        for (int64_t kh = 0; kh < ReqP::KH; ++kh)
          for (int64_t kw = 0; kw < ReqP::KW; ++kw)
            sum += double(kInScale) *
                   (x[nc * ReqP::H * ReqP::W + (oh * ReqP::SH + kh) * ReqP::W + ow * ReqP::SW + kw] - ReqP::in_zp);
        const int64_t want = real_to_q(sum, 12, ReqP::out_zp);
        const int64_t got = y[nc * ReqP::OH * ReqP::OW + oh * ReqP::OW + ow];
        REQUIRE(std::llabs(got - want) <= 1);
        exact += got == want;
      }
  CHECK(exact >= 20);  // of 24: off by one only near a rounding tie

  const std::vector<int8_t> g = random_s8(ReqG::NC * ReqG::spatial, 9);
  std::vector<int8_t> gy(ReqG::NC);
  ps::global_avg_pool_s8<ReqG>(g.data(), gy.data());
  for (int64_t nc = 0; nc < ReqG::NC; ++nc) {
    double sum = 0;
    for (int64_t i = 0; i < ReqG::spatial; ++i) sum += double(kInScale) * (g[nc * ReqG::spatial + i] - ReqG::in_zp);
    REQUIRE(std::llabs(gy[nc] - real_to_q(sum, ReqG::spatial, ReqG::out_zp)) <= 1);
  }
}

TEST_CASE("global_max_pool_s8 and global_avg_pool_s8 with the input's parameters", "[int8]") {
  using G = SameG;
  const std::vector<int8_t> x = random_s8(G::NC * G::spatial, 3);
  int8_t ymax[G::NC], yavg[G::NC];
  ps::global_max_pool_s8<G>(x.data(), ymax);
  ps::global_avg_pool_s8<G>(x.data(), yavg);
  for (int64_t nc = 0; nc < G::NC; ++nc) {
    const auto b = x.begin() + nc * G::spatial;
    REQUIRE(ymax[nc] == *std::max_element(b, b + G::spatial));
    int64_t sum = 0;
    for (int64_t i = 0; i < G::spatial; ++i) sum += b[i] - G::in_zp;
    const int64_t mag = (2 * std::llabs(sum) + G::spatial) / (2 * G::spatial);
    REQUIRE(yavg[nc] == std::clamp<int64_t>((sum < 0 ? -mag : mag) + G::in_zp, -128, 127));
  }
}
