#include "tests/kernels/layer_cases.h"

#include <string>

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
// Add), both inputs int8 with their own scales; or the Sub Conv1x1(x) - x, whose
// kernels are Add's with the second multiplier negated.
LayerCase residual(std::mt19937& rng, const char* op) {
  const int64_t c = pick(rng, 1, 12), h = pick(rng, 1, 9), w = pick(rng, 1, 11);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, c, h, w});
  const ir::TensorId wt = b.constant("w", {c, c, 1, 1}, normal(rng, c * c, 0.5));
  const ir::TensorId conv = b.node("Conv", {x, wt}, {}, {"conv_out"});
  const ir::TensorId sum = b.node(op, {conv, x}, {}, {"sum"});
  const bool relu = std::string(op) == "Add" && chance(rng, 0.4);
  const ir::TensorId y = relu ? b.node("Relu", {sum}, {}, {"y"}) : sum;
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("residual {} C={} in {}x{}{}", op, c, h, w, relu ? ", Relu" : "");
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 4.0);
  lc.ranges.ranges["sum"] = range(rng, 6.0);
  if (relu) lc.ranges.ranges["y"] = {0.0f, lc.ranges.ranges["sum"].hi};
  lc.graph = std::move(b.g);
  return lc;
}

// A pointwise Conv (int8 output with a real scale, a Relu fused into it so that
// fold-batch-norm leaves what follows alone) feeding `op`: the per-channel ops.
struct AfterConv {
  GraphBuilder b;
  ir::TensorId y;
  int64_t c, h, w;
};
AfterConv after_conv(std::mt19937& rng, int64_t c, int64_t h, int64_t w) {
  AfterConv a{GraphBuilder(), ir::kNoTensor, c, h, w};
  const ir::TensorId x = a.b.input("x", {1, c, h, w});
  const ir::TensorId conv = a.b.node("Conv", {x, a.b.constant("w", {c, c, 1, 1}, normal(rng, c * c, 0.5))}, {}, {"conv_out"});
  a.y = a.b.node("Relu", {conv}, {}, {"relu_out"});
  return a;
}
LayerCase finish(AfterConv& a, std::mt19937& rng, ir::TensorId y, std::string description) {
  a.b.output(y);
  LayerCase lc;
  lc.description = fmt::format("{} C={} in {}x{}", description, a.c, a.h, a.w);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 4.0);
  lc.ranges.ranges["relu_out"] = {0.0f, lc.ranges.ranges["conv_out"].hi};
  lc.ranges.ranges["y"] = range(rng, 4.0);
  lc.graph = std::move(a.b.g);
  return lc;
}

// A standalone BatchNormalization; `big` channels (at least 256 elements each)
// take the table per channel, the others the fast requantization.
LayerCase batch_norm(std::mt19937& rng, bool big) {
  const int64_t c = pick(rng, 1, 12);
  const int64_t h = big ? pick(rng, 16, 24) : pick(rng, 1, 15), w = big ? pick(rng, 16, 24) : pick(rng, 1, 15);
  AfterConv a = after_conv(rng, c, h, w);
  std::vector<double> scale = normal(rng, c, 1.0), var;
  for (int64_t i = 0; i < c; ++i) var.push_back(0.2 + std::fabs(normal(rng, 1, 1.0)[0]));
  const ir::TensorId y = a.b.node("BatchNormalization",
                                  {a.y, a.b.constant("s", {c}, scale), a.b.constant("beta", {c}, normal(rng, c, 0.5)),
                                   a.b.constant("mean", {c}, normal(rng, c, 0.5)), a.b.constant("var", {c}, var)},
                                  {}, {"y"});
  return finish(a, rng, y, "batch norm");
}
LayerCase batch_norm_small(std::mt19937& rng) { return batch_norm(rng, false); }
LayerCase batch_norm_big(std::mt19937& rng) { return batch_norm(rng, true); }

// PRelu with one slope per channel (at least 256 elements per channel) or one in all.
LayerCase prelu(std::mt19937& rng) {
  const bool per_channel = chance(rng, 0.6);
  const int64_t c = pick(rng, 1, 10), h = pick(rng, 16, 20), w = pick(rng, 16, 20);
  AfterConv a = after_conv(rng, c, h, w);
  const ir::Shape slope_shape = per_channel ? ir::Shape{c, 1, 1} : ir::Shape{1};
  std::vector<double> slope = normal(rng, per_channel ? c : 1, 0.3);
  const ir::TensorId y = a.b.node("PRelu", {a.b.node("Sub", {a.y, a.b.constant("half", {}, {0.5})}, {}, {"shifted"}),
                                            a.b.constant("slope", slope_shape, slope)},
                                  {}, {"y"});
  LayerCase lc = finish(a, rng, y, per_channel ? "PRelu per channel" : "PRelu");
  lc.ranges.ranges["shifted"] = {-0.5f, 3.5f};
  return lc;
}

// ReduceMean over the trailing axes (a global average pool's rows), keepdims or not.
LayerCase mean_rows(std::mt19937& rng) {
  const int64_t c = pick(rng, 1, 12), h = pick(rng, 1, 12), w = pick(rng, 1, 13);
  AfterConv a = after_conv(rng, c, h, w);
  const bool only_w = chance(rng, 0.3);
  const std::vector<int64_t> axes = only_w ? std::vector<int64_t>{3} : std::vector<int64_t>{2, 3};
  const ir::TensorId y =
      a.b.node("ReduceMean", {a.y}, {{"axes", axes}, {"keepdims", int64_t{chance(rng, 0.5)}}}, {"y"});
  return finish(a, rng, y, only_w ? "mean over W" : "mean over H, W");
}

// A MatMul of two activations (attention's Q K^T) from the one input the tester
// feeds: x (1, H, M, K) by the transpose of a rescaled x (other parameters), all
// heads or only the first (a B broadcast over the heads).
LayerCase matmul_two(std::mt19937& rng) {
  const int64_t h = pick(rng, 1, 3), m = pick(rng, 1, 9), k = pick(rng, 1, 40);
  const bool shared_b = chance(rng, 0.3);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, h, m, k});
  ir::TensorId s = b.node("Mul", {x, b.constant("c", {}, {-0.75})}, {}, {"scaled"});
  if (shared_b)
    s = b.node("Slice", {s, b.constant_ints("starts", {0}), b.constant_ints("ends", {1}), b.constant_ints("axes", {1})},
               {}, {"first_head"});
  const ir::TensorId t = b.node("Transpose", {s}, {{"perm", std::vector<int64_t>{0, 1, 3, 2}}}, {"t"});
  b.output(b.node("MatMul", {x, t}, {}, {"y"}));
  LayerCase lc;
  lc.description = fmt::format("MatMul of two activations {}x({}x{}) by {}x({}x{})", h, m, k, shared_b ? 1 : h, k, m);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["scaled"] = range(rng, 2.5);
  lc.ranges.ranges["y"] = range(rng, 12.0);
  lc.graph = std::move(b.g);
  return lc;
}

// LayerNormalization over the last axis of (1, rows, n), gammas of either sign.
LayerCase layer_norm(std::mt19937& rng) {
  const int64_t rows = pick(rng, 1, 6), n = pick(rng, 1, 96);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, rows, n});
  const ir::TensorId y = b.node("LayerNormalization",
                                {x, b.constant("gamma", {n}, normal(rng, n, 1.0)), b.constant("beta", {n}, normal(rng, n, 0.3))},
                                {{"axis", int64_t{-1}}}, {"y"});
  b.output(y);
  LayerCase lc;
  lc.description = fmt::format("LayerNormalization of {} rows of {}", rows, n);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["y"] = range(rng, 4.0);
  lc.graph = std::move(b.g);
  return lc;
}

// Squeeze-excite's scale: x times its own per-channel average, a (1, C, 1, 1) gate
// broadcast over (1, C, H, W), either operand order; ranges of either sign.
LayerCase channel_mul(std::mt19937& rng) {
  const int64_t c = pick(rng, 1, 12), h = pick(rng, 1, 9), w = pick(rng, 1, 11);
  const bool gate_first = chance(rng, 0.5);
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, c, h, w});
  const ir::TensorId gate = b.node("GlobalAveragePool", {x}, {}, {"gate"});
  b.output(b.node("Mul", gate_first ? std::vector<ir::TensorId>{gate, x} : std::vector<ir::TensorId>{x, gate}, {},
                  {"y"}));
  LayerCase lc;
  lc.description = fmt::format("Mul of {}x{}x{} by its per-channel gate{}", c, h, w, gate_first ? ", gate first" : "");
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["gate"] = range(rng, 1.5);
  lc.ranges.ranges["y"] = range(rng, 5.0);
  lc.graph = std::move(b.g);
  return lc;
}

// A linear Resize of an int8 plane to a random size, in a random coordinate mode,
// after a pointwise Conv so that its input is int8 with a real scale.
LayerCase resize_bilinear(std::mt19937& rng) {
  // Widening W from two or more columns always blends somewhere; H goes either way.
  const int64_t c = pick(rng, 1, 4), h = pick(rng, 1, 7), w = pick(rng, 2, 9);
  const int64_t oh = pick(rng, 1, 3 * h), ow = pick(rng, w + 1, 3 * w);
  static const char* const modes[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"};
  const std::string mode = modes[pick(rng, 0, 3)];
  GraphBuilder b;
  const ir::TensorId x = b.input("x", {1, c, h, w});
  const ir::TensorId conv = b.node("Conv", {x, b.constant("w", {c, c, 1, 1}, normal(rng, c * c, 0.5))}, {}, {"conv_out"});
  const ir::TensorId sizes = b.constant_ints("sizes", {1, c, oh, ow});
  b.output(b.node("Resize", {conv, ir::kNoTensor, ir::kNoTensor, sizes},
                  {{"mode", std::string("linear")}, {"coordinate_transformation_mode", mode}}, {"y"}));
  LayerCase lc;
  lc.description = fmt::format("linear Resize of {}x{}x{} to {}x{} ({})", c, h, w, oh, ow, mode);
  lc.ranges.ranges["x"] = range(rng, 3.0);
  lc.ranges.ranges["conv_out"] = range(rng, 4.0);
  lc.graph = std::move(b.g);
  return lc;
}

LayerCase residual_add(std::mt19937& rng) { return residual(rng, "Add"); }
LayerCase residual_sub(std::mt19937& rng) { return residual(rng, "Sub"); }

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
      {"sub_s8", "Sub", true, residual_sub},
      {"bn_s8", "BatchNormalization", true, batch_norm_small},
      {"bn_lut_s8", "BatchNormalization", true, batch_norm_big},
      {"prelu_s8", "PRelu", true, prelu},
      {"mul_channel_s8", "Mul", true, channel_mul},
      {"resize_s8", "Resize", true, resize_bilinear},
      {"mean_s8", "ReduceMean", true, mean_rows},
      {"matmul_s8", "MatMul", true, matmul_two},
      {"ln_s8", "LayerNormalization", true, layer_norm},
      {"avgpool_s8", "AveragePool", true, avg_pool_window},
      {"gavgpool_s8", "GlobalAveragePool", true, avg_pool_global},
      {"conv_f32", "Conv", false, general_conv_f32}, {"dwconv3x3_f32", "Conv", false, depthwise3x3_f32},
      {"fc_f32", "Gemm", false, fully_connected_f32},
  };
  return f;
}

}  // namespace mote::test
