#include "tests/kernels/layer_cases.h"

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "tests/unit/graph_builder.h"

namespace mote::test {

namespace {

int64_t pick(std::mt19937& rng, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
bool chance(std::mt19937& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

std::vector<double> normal(std::mt19937& rng, int64_t n, double sd) {
  std::normal_distribution<double> d(0.0, sd);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = d(rng);
  return v;
}

quant::Range range(std::mt19937& rng, double scale) {
  const double hi = 0.25 + std::uniform_real_distribution<double>(0, scale)(rng);
  const double lo = chance(rng, 0.3) ? 0.0 : -std::uniform_real_distribution<double>(0.1, scale)(rng);
  return {static_cast<float>(lo), static_cast<float>(hi)};
}

struct ConvShape {
  int64_t c, m, g, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  bool one_d;
};

// A Conv (and, sometimes, a Relu fused into it) with random weights; int8 ranges
// for its input and outputs.
LayerCase conv_case(std::mt19937& rng, const ConvShape& s, const char* kind) {
  GraphBuilder b;
  const ir::TensorId x = b.input("x", s.one_d ? ir::Shape{1, s.c, s.w} : ir::Shape{1, s.c, s.h, s.w});
  const int64_t cg = s.c / s.g;
  const ir::Shape wshape = s.one_d ? ir::Shape{s.m, cg, s.kw} : ir::Shape{s.m, cg, s.kh, s.kw};
  const ir::TensorId w = b.constant("w", wshape, normal(rng, ir::shape_elements(wshape), 0.5));
  const bool has_bias = chance(rng, 0.8);
  std::vector<ir::TensorId> ins{x, w};
  if (has_bias) ins.push_back(b.constant("b", {s.m}, normal(rng, s.m, 0.3)));
  ir::Attributes a;
  a["group"] = s.g;
  a["strides"] = s.one_d ? std::vector<int64_t>{s.sw} : std::vector<int64_t>{s.sh, s.sw};
  a["dilations"] = s.one_d ? std::vector<int64_t>{s.dw} : std::vector<int64_t>{s.dh, s.dw};
  a["pads"] = s.one_d ? std::vector<int64_t>{s.pl, s.pr} : std::vector<int64_t>{s.pt, s.pl, s.pb, s.pr};
  const ir::TensorId conv = b.node("Conv", ins, a, {"conv_out"});
  const bool relu = chance(rng, 0.4);
  const ir::TensorId y = relu ? b.node("Relu", {conv}, {}, {"y"}) : conv;
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("{} C={} M={} G={} {}{}x{} stride {}x{} dilation {}x{} pads {},{},{},{} in {}x{}{}{}",
                               kind, s.c, s.m, s.g, s.one_d ? "1-D " : "", s.kh, s.kw, s.sh, s.sw, s.dh, s.dw, s.pt,
                               s.pl, s.pb, s.pr, s.h, s.w, has_bias ? "" : ", no bias", relu ? ", Relu" : "");
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 6.0);
  if (relu) lc.ranges.ranges["y"] = {0.0f, lc.ranges.ranges["conv_out"].hi};
  lc.graph = std::move(b.g);
  return lc;
}

// Output size along an axis, at least 1 (pads grown when the window does not fit).
void fit(int64_t in, int64_t k, int64_t d, int64_t& p0, int64_t& p1) {
  while (in + p0 + p1 < d * (k - 1) + 1) ++p1;
}

LayerCase general_conv(std::mt19937& rng) {
  ConvShape s{};
  s.one_d = chance(rng, 0.25);
  s.g = chance(rng, 0.25) ? pick(rng, 2, 3) : 1;
  s.c = s.g * pick(rng, 1, 8);
  s.m = s.g * pick(rng, 1, 9);
  s.h = s.one_d ? 1 : pick(rng, 1, 11);
  s.w = pick(rng, 1, 13);
  s.kh = s.one_d ? 1 : pick(rng, 1, 4);
  s.kw = pick(rng, 1, 5);
  s.sh = s.one_d ? 1 : pick(rng, 1, 3);
  s.sw = pick(rng, 1, 3);
  s.dh = s.one_d ? 1 : pick(rng, 1, 2);
  s.dw = pick(rng, 1, 2);
  s.pt = s.one_d ? 0 : pick(rng, 0, 2);
  s.pb = s.one_d ? 0 : pick(rng, 0, 2);
  s.pl = pick(rng, 0, 2);
  s.pr = pick(rng, 0, 2);
  fit(s.h, s.kh, s.dh, s.pt, s.pb);
  fit(s.w, s.kw, s.dw, s.pl, s.pr);
  if (s.one_d) s.pt = s.pb = 0;
  if (s.g == s.c && s.m == s.c) s.m += s.g;  // not depthwise: those have kernels of their own
  return conv_case(rng, s, "conv");
}

LayerCase pointwise(std::mt19937& rng) {
  ConvShape s{};
  s.c = pick(rng, 1, 40);
  s.m = pick(rng, 1, 37);
  s.g = 1;
  s.h = pick(rng, 1, 9);
  s.w = pick(rng, 1, 9);
  s.kh = s.kw = s.sh = s.sw = s.dh = s.dw = 1;
  return conv_case(rng, s, "pointwise");
}

LayerCase depthwise3x3(std::mt19937& rng) {
  ConvShape s{};
  s.c = s.m = s.g = pick(rng, 1, 19);
  s.h = pick(rng, 1, 12);
  s.w = pick(rng, 1, 14);
  s.kh = s.kw = 3;
  s.sh = pick(rng, 1, 2);
  s.sw = pick(rng, 1, 2);
  s.dh = s.dw = 1;
  s.pt = pick(rng, 0, 1);
  s.pl = pick(rng, 0, 1);
  s.pb = pick(rng, 0, 1);
  s.pr = pick(rng, 0, 1);
  fit(s.h, 3, 1, s.pt, s.pb);
  fit(s.w, 3, 1, s.pl, s.pr);
  return conv_case(rng, s, "depthwise 3x3");
}

LayerCase depthwise(std::mt19937& rng) {
  ConvShape s{};
  s.one_d = chance(rng, 0.3);
  s.c = s.m = s.g = pick(rng, 1, 12);
  s.h = s.one_d ? 1 : pick(rng, 1, 10);
  s.w = pick(rng, 1, 12);
  s.kh = s.one_d ? 1 : pick(rng, 1, 5);
  s.kw = pick(rng, 1, 5);
  if (!s.one_d && s.kh == 3 && s.kw == 3) s.kw = 2;  // 3x3 has a variant of its own
  s.sh = s.one_d ? 1 : pick(rng, 1, 3);
  s.sw = pick(rng, 1, 3);
  s.dh = s.one_d ? 1 : pick(rng, 1, 2);
  s.dw = pick(rng, 1, 2);
  s.pt = s.one_d ? 0 : pick(rng, 0, 2);
  s.pb = s.one_d ? 0 : pick(rng, 0, 2);
  s.pl = pick(rng, 0, 2);
  s.pr = pick(rng, 0, 2);
  fit(s.h, s.kh, s.dh, s.pt, s.pb);
  fit(s.w, s.kw, s.dw, s.pl, s.pr);
  if (s.one_d) s.pt = s.pb = 0;
  return conv_case(rng, s, "depthwise");
}

LayerCase fully_connected(std::mt19937& rng) {
  const int64_t rows = pick(rng, 1, 3), k = pick(rng, 1, 70), n = pick(rng, 1, 21);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {rows, k});
  const ir::TensorId w = b.constant("w", {n, k}, normal(rng, n * k, 0.4));
  const ir::TensorId bias = b.constant("b", {n}, normal(rng, n, 0.3));
  ir::Attributes a;
  a["transB"] = int64_t{1};
  const ir::TensorId y = b.node("Gemm", {x, w, bias}, a, {"y"});
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("fully connected {}x{} by {}", rows, k, n);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["y"] = range(rng, 8.0);
  lc.graph = std::move(b.g);
  return lc;
}

// A residual Add: y = Conv1x1(x) + x (Relu after it, sometimes, fused into the
// Add), both inputs int8 with their own scales.
LayerCase residual_add(std::mt19937& rng) {
  const int64_t c = pick(rng, 1, 12), h = pick(rng, 1, 9), w = pick(rng, 1, 11);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, c, h, w});
  const ir::TensorId wt = b.constant("w", {c, c, 1, 1}, normal(rng, c * c, 0.5));
  const ir::TensorId conv = b.node("Conv", {x, wt}, {}, {"conv_out"});
  const ir::TensorId sum = b.node("Add", {conv, x}, {}, {"sum"});
  const bool relu = chance(rng, 0.4);
  const ir::TensorId y = relu ? b.node("Relu", {sum}, {}, {"y"}) : sum;
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("residual add C={} in {}x{}{}", c, h, w, relu ? ", Relu" : "");
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 4.0);
  lc.ranges.ranges["sum"] = range(rng, 6.0);
  if (relu) lc.ranges.ranges["y"] = {0.0f, lc.ranges.ranges["sum"].hi};
  lc.graph = std::move(b.g);
  return lc;
}

// Average pooling with every window inside the input, after a pointwise Conv so
// that its input is int8 with a real scale; its output calibrated too (requantized).
LayerCase avg_pool(std::mt19937& rng, bool global) {
  const int64_t c = pick(rng, 1, 8), h = pick(rng, 1, 12), w = pick(rng, 1, 13);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, c, h, w});
  const ir::TensorId conv = b.node("Conv", {x, b.constant("w", {c, c, 1, 1}, normal(rng, c * c, 0.5))}, {}, {"conv_out"});
  ir::Attributes a;
  int64_t kh = h, kw = w, sh = 1, sw = 1;
  if (!global) {
    kh = pick(rng, 1, h);
    kw = pick(rng, 1, w);
    sh = pick(rng, 1, 3);
    sw = pick(rng, 1, 3);
    a["kernel_shape"] = std::vector<int64_t>{kh, kw};
    a["strides"] = std::vector<int64_t>{sh, sw};
  }
  const ir::TensorId y = b.node(global ? "GlobalAveragePool" : "AveragePool", {conv}, a, {"y"});
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("{} C={} in {}x{} window {}x{} stride {}x{}", global ? "global average" : "average", c,
                               h, w, kh, kw, sh, sw);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 4.0);
  lc.ranges.ranges["y"] = range(rng, 3.0);
  lc.graph = std::move(b.g);
  return lc;
}
LayerCase avg_pool_window(std::mt19937& rng) { return avg_pool(rng, false); }
LayerCase avg_pool_global(std::mt19937& rng) { return avg_pool(rng, true); }

// The float families: the same layers, not quantized.
LayerCase general_conv_f32(std::mt19937& rng) {
  LayerCase c = general_conv(rng);
  c.ranges = {};
  return c;
}
LayerCase depthwise3x3_f32(std::mt19937& rng) {
  LayerCase c = depthwise3x3(rng);
  c.ranges = {};
  return c;
}
LayerCase fully_connected_f32(std::mt19937& rng) {
  const int64_t rows = pick(rng, 1, 3), k = pick(rng, 1, 70), n = pick(rng, 1, 21);
  const bool trans_b = chance(rng, 0.5), has_c = chance(rng, 0.7);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {rows, k});
  const ir::Shape bshape = trans_b ? ir::Shape{n, k} : ir::Shape{k, n};
  std::vector<ir::TensorId> ins{x, b.constant("w", bshape, normal(rng, n * k, 0.4))};
  if (has_c) ins.push_back(b.constant("c", {n}, normal(rng, n, 0.3)));
  ir::Attributes a;
  a["transB"] = int64_t{trans_b};
  const ir::TensorId y = b.node("Gemm", ins, a, {"y"});
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("float fully connected {}x{} by {}{}{}", rows, k, n, trans_b ? ", B transposed" : "",
                               has_c ? ", with C" : "");
  lc.graph = std::move(b.g);
  return lc;
}

}  // namespace

const std::vector<Family>& families() {
  static const std::vector<Family> f = {
      {"conv_s8", "Conv", true, general_conv},     {"pointwise_s8", "Conv", true, pointwise},
      {"dwconv3x3_s8", "Conv", true, depthwise3x3}, {"dwconv_s8", "Conv", true, depthwise},
      {"fc_s8", "Gemm", true, fully_connected},     {"add_s8", "Add", true, residual_add},
      {"avgpool_s8", "AveragePool", true, avg_pool_window},
      {"gavgpool_s8", "GlobalAveragePool", true, avg_pool_global},
      {"conv_f32", "Conv", false, general_conv_f32}, {"dwconv3x3_f32", "Conv", false, depthwise3x3_f32},
      {"fc_f32", "Gemm", false, fully_connected_f32},
  };
  return f;
}

}  // namespace mote::test
