// The int8 transposed convolution (codegen/kernels/conv_transpose_s8.h) against the
// real scatter in double, and the rule that re-lays the weights channel-major.
// End to end against onnxruntime: ctest verify_int8_deconv_block_*.
#include <catch2/catch.hpp>

#include <stdint.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "compiler/quant/fixed_point.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

namespace lk {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/conv_transpose_s8.h"
}  // namespace lk

using namespace mote;

namespace {

// 1x2x2x3 -> 1x3x3x5: kernel 3x3, stride 2, pads 1 (begin and end): the full
// output 5x7 less one row and column each side.
constexpr double kXs = 0.05, kYs = 0.08;
constexpr double kWs[3] = {0.01, 0.02, 0.015};
struct P {
  static constexpr lk::idx_t N = 1, C = 2, M = 3, H = 2, W = 3, OH = 3, OW = 5, KH = 3, KW = 3, SH = 2, SW = 2, DH = 1,
                             DW = 1, PT = 1, PL = 1, has_bias = 1, in_zp = 5, out_zp = -3, act_min = -128,
                             act_max = 127, per_channel = 1;
  static int64_t mult[3], shift[3];
};
int64_t P::mult[3], P::shift[3];

}  // namespace

TEST_CASE("conv_transpose2d_s8: the real transposed convolution, requantized, within one step",
          "[conv_transpose_s8]") {
  for (int m = 0; m < 3; ++m) {
    const auto f = quant::quantize_multiplier(kXs * kWs[m] / kYs);
    REQUIRE(f);
    P::mult[m] = f->multiplier;
    P::shift[m] = f->shift;
  }
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> d(-128, 127), bd(-300, 300);
  for (int trial = 0; trial < 100; ++trial) {
    int8_t x[12], w[54], y[45];
    int32_t b[3];
    for (int8_t& v : x) v = static_cast<int8_t>(d(rng));
    for (int8_t& v : w) v = static_cast<int8_t>(std::clamp(d(rng), -127, 127));
    for (int32_t& v : b) v = bd(rng);
    lk::conv_transpose2d_s8<P>(x, w, b, y);
    // The scatter ONNX defines: input (c, ih, iw) adds x * w[m][c][kh][kw] at
    // output (ih * 2 - 1 + kh, iw * 2 - 1 + kw), in real values.
    double real[3][3][5] = {};
    for (int m = 0; m < 3; ++m)
      for (int oh = 0; oh < 3; ++oh)
        for (int ow = 0; ow < 5; ++ow) real[m][oh][ow] = b[m] * kXs * kWs[m];
    for (int c = 0; c < 2; ++c)
      for (int ih = 0; ih < 2; ++ih)
        for (int iw = 0; iw < 3; ++iw)
          for (int m = 0; m < 3; ++m)
            for (int kh = 0; kh < 3; ++kh)
              for (int kw = 0; kw < 3; ++kw) {
                const int oh = ih * 2 - 1 + kh, ow = iw * 2 - 1 + kw;
                if (oh < 0 || oh >= 3 || ow < 0 || ow >= 5) continue;
                real[m][oh][ow] += (x[(c * 2 + ih) * 3 + iw] - 5) * kXs * w[((m * 2 + c) * 3 + kh) * 3 + kw] * kWs[m];
              }
    for (int m = 0; m < 3; ++m)
      for (int oh = 0; oh < 3; ++oh)
        for (int ow = 0; ow < 5; ++ow) {
          const double q = std::clamp(real[m][oh][ow] / kYs - 3, -128.0, 127.0);
          INFO("trial " << trial << " m " << m << " at " << oh << "," << ow << ": real " << q);
          CHECK(std::fabs(y[(m * 3 + oh) * 5 + ow] - q) < 1.0);
        }
  }
}

TEST_CASE("ConvTranspose: int8 with its weights channel-major; grouped stays float", "[conv_transpose_s8][quantize]") {
  for (const int64_t group : {1, 2}) {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 3, 3});
    // (C, M / group, 2, 2): weight value = its index, to see where each lands.
    std::vector<double> wv(static_cast<size_t>(2 * (4 / group) * 4));
    for (size_t i = 0; i < wv.size(); ++i) wv[i] = static_cast<double>(i) / 16.0 - 1.0;
    const auto w = b.constant("w", {2, 4 / group, 2, 2}, wv);
    const auto y = b.node("ConvTranspose", {x, w}, {{"strides", std::vector<int64_t>{2, 2}}, {"group", group}}, {"y"});
    b.output(y);
    passes::resolve(b.g);
    passes::QuantizeOptions o;
    o.ranges["x"] = {-2.0f, 2.0f};
    o.ranges["y"] = {-6.0f, 6.0f};
    const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
    REQUIRE(verifier::verify(b.g).empty());
    INFO("group " << group);
    if (group == 2) {
      REQUIRE(r.float_layers.size() == 1);
      CHECK(r.float_layers[0].reason.find("grouped") != std::string::npos);
      continue;
    }
    CHECK(r.float_layers.empty());
    const ir::Node* ct = nullptr;
    for (const ir::Node& n : b.g.nodes)
      if (n.op == "ConvTranspose") ct = &n;
    REQUIRE(ct != nullptr);
    const ir::Tensor& wq = b.g.tensor(ct->inputs[1]);
    CHECK(wq.shape == ir::Shape{4, 2, 2, 2});  // M x C x KH x KW
    // Output channel 1, input channel 1, tap 0 was the model's w[1][1][0][0]: index 20.
    const auto q = ir::data_as_int(wq);
    const double s = static_cast<double>(wq.quant.scale[1]);
    CHECK(std::fabs(static_cast<double>(q[(1 * 2 + 1) * 4]) * s - (20.0 / 16.0 - 1.0)) <= s / 2);
  }
}
