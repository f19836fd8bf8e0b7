// The int8 linear Resize kernel (codegen/kernels/resize.h, resize_linear_s8)
// against the real blend in double, and the rule that picks it. End to end against
// onnxruntime: ctest verify_int8_upsample_block_*.
#include <catch2/catch.hpp>

#include <stdint.h>

#include <cmath>
#include <random>

#include "compiler/ops/registry.h"
#include "compiler/ops/select.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

namespace lk {
#include "codegen/kernels/common.h"
#include "codegen/kernels/resize.h"
}  // namespace lk

using namespace mote;

namespace {

// 1x1x2x3 -> 1x1x4x6, scales 2 (half_pixel). Per axis, output o reads
// c = (o + 0.5) / 2 - 0.5: H (n = 2): -0.25, 0.25, 0.75, 1.25; W (n = 3): -0.25,
// 0.25, 0.75, 1.25, 1.75, 2.25. lo = clamp(floor(c)), hi = clamp(floor(c) + 1),
// w_hi = c - floor(c) in Q10 (0.75 -> 768, 0.25 -> 256), offsets times the stride
// (W: 1, H: 3).
struct P {
  static constexpr lk::idx_t count = 24, rank = 4, num_lerp = 2, shift = 20;
  static constexpr int64_t out_shape[] = {1, 1, 4, 6};
  static constexpr int64_t table_at[] = {0, 1, 2, 6};
  static constexpr int64_t lerp_axes[] = {2, 3};
  static constexpr int64_t lo[] = {0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 1, 2};
  static constexpr int64_t hi[] = {0, 0, 0, 3, 3, 3, 0, 1, 1, 2, 2, 2};
  static constexpr int64_t w_hi[] = {0, 0, 768, 256, 768, 256, 768, 256, 768, 256, 768, 256};
  static constexpr int64_t w_lo[] = {1024, 1024, 256, 768, 256, 768, 256, 768, 256, 768, 256, 768};
};

double coord(int64_t o) { return (static_cast<double>(o) + 0.5) / 2.0 - 0.5; }

}  // namespace

TEST_CASE("resize_linear_s8: bilinear x2 within half a step of the real blend", "[resize_s8]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> d(-128, 127);
  for (int trial = 0; trial < 200; ++trial) {
    int8_t x[6], y[24];
    for (int8_t& v : x) v = static_cast<int8_t>(trial == 0 ? (&v - x) % 2 ? 127 : -128 : d(rng));
    lk::resize_linear_s8<P>(x, y);
    for (int64_t oh = 0; oh < 4; ++oh)
      for (int64_t ow = 0; ow < 6; ++ow) {
        const double ch = coord(oh), cw = coord(ow);
        const double fh = std::floor(ch), fw = std::floor(cw), rh = ch - fh, rw = cw - fw;
        auto at = [&](double h, double w) {
          const int64_t hh = std::clamp<int64_t>(static_cast<int64_t>(h), 0, 1);
          const int64_t ww = std::clamp<int64_t>(static_cast<int64_t>(w), 0, 2);
          return static_cast<double>(x[hh * 3 + ww]);
        };
        const double real = (1 - rh) * ((1 - rw) * at(fh, fw) + rw * at(fh, fw + 1)) +
                            rh * ((1 - rw) * at(fh + 1, fw) + rw * at(fh + 1, fw + 1));
        INFO("trial " << trial << " at " << oh << "," << ow << ": real " << real);
        CHECK(std::fabs(y[oh * 6 + ow] - real) <= 0.5);  // Q10 weights are exact here (quarters)
      }
  }
}

TEST_CASE("Resize: linear on two axes is int8 with its input's parameters; on three it stays float",
          "[resize_s8][quantize]") {
  for (const bool three : {false, true}) {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 3, 3});
    const auto c = b.node("Conv", {x, b.constant("w", {2, 2, 1, 1}, {1, 0.5, -0.5, 1})}, {}, {"c"});
    const auto s = b.constant("scales", {4}, {1, three ? 2.0 : 1.0, 2, 2});
    const auto y = b.node("Resize", {c, ir::kNoTensor, s}, {{"mode", std::string("linear")}}, {"y"});
    b.output(y);
    passes::resolve(b.g);
    passes::QuantizeOptions o;
    o.ranges["x"] = {-2.0f, 2.0f};
    o.ranges["c"] = {-3.0f, 3.0f};
    o.ranges["y"] = {-3.0f, 3.0f};
    const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
    REQUIRE(verifier::verify(b.g).empty());
    INFO("three axes: " << three);
    REQUIRE(r.float_layers.size() == (three ? 1u : 0u));
    const ir::Node* resize = nullptr;
    for (const ir::Node& n : b.g.nodes)
      if (n.op == "Resize") resize = &n;
    REQUIRE(resize != nullptr);
    if (three) {
      CHECK(r.float_layers[0].reason.find("more than two axes") != std::string::npos);
      continue;
    }
    CHECK(b.g.tensor(resize->outputs[0]).quant.scale == b.g.tensor(resize->inputs[0]).quant.scale);
    const ops::KernelCall k = ops::select_kernel(b.g, *resize, target::host_target(), ops::Preference::kSpeed);
    CHECK(k.kernel == "resize_bilinear_s8_rows");  // tests/kernels: bit for bit the reference below
    CHECK(ops::reference_kernel(b.g, *resize, target::host_target()).kernel == "resize_linear_s8");
  }
}
