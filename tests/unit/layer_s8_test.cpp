// The int8 ReduceMean, BatchNormalization, PRelu, Sub, MatMul and
// LayerNormalization kernels (codegen/kernels/reduce_s8.h, batch_norm_s8.h,
// prelu_s8.h, add_s8.h with the second multiplier negated, matmul_s8.h,
// layer_norm_s8.h) against real arithmetic in double: each output
// is the exact result in output steps, rounded twice as TFLite's requantization
// rounds (the high multiply, then the shift), so it lies within one step of it.
// Then the rules:
// a block of these ops quantizes with no layer left float. Nothing expected here
// comes from the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"
#include "random_s8.h"

namespace lk {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/add_s8.h"
#include "codegen/kernels/reduce_s8.h"
#include "codegen/kernels/batch_norm_s8.h"
#include "codegen/kernels/prelu_s8.h"
#include "codegen/kernels/matmul_s8.h"
#include "codegen/kernels/layer_norm_s8.h"
}  // namespace lk

using namespace mote;

namespace {

using mote::test::random_s8;

// `got` is `real` (in output steps, zero point added) rounded and clamped to int8.
void check_rounded(int got, double real) {
  const double clamped = std::clamp(real, -128.0, 127.0);
  INFO("real " << real << " got " << got);
  CHECK(std::fabs(got - clamped) < 1.0);
}

quant::FixedPointMultiplier multiplier(double real) {
  const auto m = quant::quantize_multiplier(real);
  REQUIRE(m);
  return *m;
}

// x: 2x3x4x5, mean over axes 1 and 3 (kept: 2 and 4, reduced: 3 and 5).
struct MeanP {
  static constexpr lk::idx_t out_count = 8, red_count = 15, kept_rank = 2, red_rank = 2;
  static constexpr lk::idx_t kept_shape[2] = {2, 4}, kept_strides[2] = {60, 5};
  static constexpr lk::idx_t red_shape[2] = {3, 5}, red_strides[2] = {20, 1};
  static constexpr int32_t in_zp = -7, out_zp = 12;
  static inline int32_t mult = 0, shift = 0;
};

}  // namespace

TEST_CASE("reduce_mean_s8: the mean of the real values, in the output's steps", "[kernels][layer_s8]") {
  const double s_in = 0.043, s_out = 0.011;
  const auto m = multiplier(s_in / (MeanP::red_count * s_out));
  MeanP::mult = m.multiplier;
  MeanP::shift = m.shift;
  const std::vector<int8_t> x = random_s8(120, 3);
  int8_t y[8];
  lk::reduce_mean_s8<MeanP>(x.data(), y);
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 4; ++h) {
      double sum = 0;
      for (int c = 0; c < 3; ++c)
        for (int w = 0; w < 5; ++w) sum += s_in * (x[static_cast<size_t>(((n * 3 + c) * 4 + h) * 5 + w)] - MeanP::in_zp);
      check_rounded(y[n * 4 + h], sum / 15 / s_out + MeanP::out_zp);
    }
}

namespace {
// x: 2x4x3 (N, C, inner), per-channel weights, a clamp to [-100, 90].
struct BnP {
  static constexpr lk::idx_t N = 2, C = 4, inner = 3;
  static constexpr int32_t in_zp = 5, out_zp = -3, act_min = -100, act_max = 90, per_channel = 1;
  static inline int32_t mult[4] = {}, shift[4] = {};
};
}  // namespace

TEST_CASE("batch_norm_s8: the per-channel affine of the real values", "[kernels][layer_s8]") {
  const double s_in = 0.02, s_out = 0.03;
  const double k[4] = {1.7, -0.4, 0.0031, -2.5}, d[4] = {0.3, -1.1, 0.0, 0.9};
  int8_t w[4];
  int32_t bias[4];
  double s_w[4];
  for (int c = 0; c < 4; ++c) {
    s_w[c] = std::fabs(k[c]) / 127;
    w[c] = static_cast<int8_t>(k[c] > 0 ? 127 : -127);
    bias[c] = quant::quantize_bias(static_cast<float>(d[c]), static_cast<float>(s_in), static_cast<float>(s_w[c]));
    const auto m = multiplier(s_in * s_w[c] / s_out);
    BnP::mult[c] = m.multiplier;
    BnP::shift[c] = m.shift;
  }
  const std::vector<int8_t> x = random_s8(24, 5);
  int8_t y[24];
  lk::batch_norm_s8<BnP>(x.data(), w, bias, y);
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 4; ++c)
      for (int i = 0; i < 3; ++i) {
        const size_t e = static_cast<size_t>((n * 4 + c) * 3 + i);
        // The weight is k exactly (its own scale); the bias is d on the accumulator's grid.
        const double acc = (x[e] - BnP::in_zp) * w[c] + bias[c];
        const double real = acc * s_in * s_w[c] / s_out + BnP::out_zp;
        const double clamped = std::clamp(real, double{BnP::act_min}, double{BnP::act_max});
        INFO("channel " << c);
        check_rounded(y[e], clamped);
        // and that grid is within half a bias step of the model's own d
        CHECK(std::fabs(bias[c] * s_in * s_w[c] - d[c]) <= s_in * s_w[c] / 2 + 1e-9);
      }
}

namespace {
// x: 1x3x2x2, slope per channel (shape 3x1x1).
struct PreluP {
  static constexpr lk::idx_t count = 12, rank = 4;
  static constexpr lk::idx_t shape[4] = {1, 3, 2, 2}, a_strides[4] = {12, 4, 2, 1}, b_strides[4] = {0, 1, 0, 0};
  static constexpr int32_t in_zp = -20, alpha_zp = -128, out_zp = 7;
  static inline int32_t pos_mult = 0, pos_shift = 0, neg_mult = 0, neg_shift = 0;
};
}  // namespace

TEST_CASE("prelu_s8: x where it is not negative, slope * x where it is, per channel", "[kernels][layer_s8]") {
  const double s_in = 0.05, s_a = 0.25 / 255, s_out = 0.04;
  const int8_t alpha[3] = {-128, 0, 127};  // slopes 0, 0.1255, 0.25
  const auto pos = multiplier(s_in / s_out), neg = multiplier(s_in * s_a / s_out);
  PreluP::pos_mult = pos.multiplier;
  PreluP::pos_shift = pos.shift;
  PreluP::neg_mult = neg.multiplier;
  PreluP::neg_shift = neg.shift;
  const int8_t x[12] = {-128, -21, -20, 127, -100, -60, 0, 90, -128, -19, 50, -1};
  int8_t y[12];
  lk::prelu_s8<PreluP>(x, alpha, y);
  for (int i = 0; i < 12; ++i) {
    const double v = s_in * (x[i] - PreluP::in_zp);
    const double slope = s_a * (alpha[i / 4] - PreluP::alpha_zp);
    INFO("element " << i);
    check_rounded(y[i], (v >= 0 ? v : slope * v) / s_out + PreluP::out_zp);
  }
}

TEST_CASE("int8 Sub: add_s8's element with the second multiplier negated is the real difference",
          "[kernels][layer_s8]") {
  const float s1 = 0.031f, s2 = 0.017f, sy = 0.045f;
  const int32_t z1 = 3, z2 = -40, zy = -9;
  const auto r = quant::add_rescale(s1, s2, sy);
  REQUIRE(r);
  for (int a = -128; a <= 127; a += 5)
    for (int b = -128; b <= 127; b += 3) {
      const int8_t got = lk::k_add_s8_elem(static_cast<int8_t>(a), static_cast<int8_t>(b), z1, z2, r->left_shift,
                                           r->input1.multiplier, r->input1.shift, -r->input2.multiplier,
                                           r->input2.shift, r->output.multiplier, r->output.shift, zy, -128, 127);
      const double real = (double{s1} * (a - z1) - double{s2} * (b - z2)) / double{sy} + zy;
      INFO(a << " - " << b);  // each input and the sum rounded, as TFLite's Add
      CHECK(std::fabs(got - std::clamp(real, -128.0, 127.0)) < 1.0);
    }
}

TEST_CASE("int8 rules: BatchNormalization, PRelu, Pad, MaxPool, Resize, Sub and ReduceMean go int8",
          "[quantize][int8_rule][layer_s8]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto w = b.constant("w", {3, 2, 1, 1}, {1, 0.5, -1, 0.25, 0.5, 2});
  const auto c = b.node("Conv", {x, w}, {}, {"c"});
  const auto bn = b.node("BatchNormalization",
                         {c, b.constant("g", {3}, {1.5, -0.5, 2}), b.constant("beta", {3}, {0.1, 0.2, -0.3}),
                          b.constant("mu", {3}, {0.5, 0, -1}), b.constant("var", {3}, {4, 1, 0.25})},
                         {}, {"bn"});
  const auto p = b.node("PRelu", {bn, b.constant("slope", {3, 1, 1}, {0.1, 0.2, 0.25})}, {}, {"p"});
  const auto pad = b.node("Pad", {p, b.constant_ints("pads", {0, 0, 0, 0, 0, 0, 1, 1})}, {}, {"pad"});
  const auto mp = b.node("MaxPool", {pad}, {{"kernel_shape", std::vector<int64_t>{2, 2}},
                                           {"strides", std::vector<int64_t>{2, 2}}}, {"mp"});
  const auto up = b.node("Resize", {mp, ir::kNoTensor, b.constant("scales", {4}, {1, 1, 2, 2})},
                         {{"mode", std::string("nearest")}}, {"up"});
  const auto d = b.node("Sub", {up, p}, {}, {"d"});  // of two activations, 1x3x4x4 each
  b.output(b.node("ReduceMean", {d}, {{"axes", std::vector<int64_t>{2, 3}}}, {"m"}));
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  for (const char* n : {"x", "c", "bn", "p", "pad", "mp", "up", "d", "m"}) o.ranges[n] = {-3.0f, 3.0f};
  const passes::QuantizeReport rep = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  for (const auto& f : rep.float_layers) INFO(f.name << ": " << f.reason);
  CHECK(rep.float_layers.empty());
  int s8_nodes = 0;
  for (const ir::Node& n : b.g.nodes) {
    if (n.op == "QuantizeLinear" || n.op == "DequantizeLinear") continue;
    INFO(n.op);
    CHECK(b.g.tensor(n.outputs[0]).dtype == ir::DType::kI8);
    ++s8_nodes;
  }
  CHECK(s8_nodes == 8);  // Conv, BatchNormalization, PRelu, Pad, MaxPool, Resize, Sub, ReduceMean
  // The BatchNormalization's affine: weight and bias of three channels, the weight its own scale's +-127.
  for (const ir::Node& n : b.g.nodes) {
    if (n.op != "BatchNormalization") continue;
    REQUIRE(n.inputs.size() == 3);
    const ir::Tensor& wt = b.g.tensor(n.inputs[1]);
    const std::vector<int64_t> wq = ir::data_as_int(wt);
    REQUIRE(wq.size() == 3);
    const double want[3] = {1.5 / std::sqrt(4 + 1e-5), -0.5 / std::sqrt(1 + 1e-5), 2 / std::sqrt(0.25 + 1e-5)};
    for (size_t i = 0; i < 3; ++i) CHECK(std::fabs(wq[i] * wt.quant.scale[i] - want[i]) <= wt.quant.scale[i] / 2);
  }
}

namespace {
// Two batches of (3, 5) by (5, 4); B broadcast over the batch (offset 0 twice).
struct MatMulP {
  static constexpr lk::idx_t batch = 2, M = 3, N = 4, K = 5;
  static constexpr lk::idx_t a_offsets[2] = {0, 15}, b_offsets[2] = {0, 0};
  static constexpr int32_t in1_zp = 9, in2_zp = -128, out_zp = -4;
  static inline int32_t mult = 0, shift = 0;
};
}  // namespace

TEST_CASE("matmul_s8: the product of the real matrices, in the output's steps", "[kernels][layer_s8]") {
  const double sa = 0.02, sb = 0.01, sy = 0.05;
  const auto m = multiplier(sa * sb / sy);
  MatMulP::mult = m.multiplier;
  MatMulP::shift = m.shift;
  const std::vector<int8_t> a = random_s8(30, 8), b = random_s8(20, 9);
  int8_t y[24];
  lk::matmul_s8<MatMulP>(a.data(), b.data(), y);
  for (int i = 0; i < 2; ++i)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) {
        double real = 0;
        for (int k = 0; k < 5; ++k)
          real += sa * (a[static_cast<size_t>(i * 15 + r * 5 + k)] - MatMulP::in1_zp) * sb *
                  (b[static_cast<size_t>(k * 4 + c)] - MatMulP::in2_zp);
        check_rounded(y[i * 12 + r * 4 + c], real / sy + MatMulP::out_zp);
      }
}

TEST_CASE("int8 rules: a MatMul of two activations goes int8, and has no 16x8 form", "[quantize][int8_rule][layer_s8]") {
  auto build = [](test::GraphBuilder& b) {
    const auto q = b.input("q", {1, 2, 3, 4});
    const auto k = b.input("k", {1, 2, 4, 3});
    b.output(b.node("MatMul", {q, k}, {}, {"scores"}));
    passes::resolve(b.g);
  };
  passes::QuantizeOptions o;
  for (const char* n : {"q", "k", "scores"}) o.ranges[n] = {-2.0f, 2.0f};
  test::GraphBuilder b;
  build(b);
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.float_layers.empty());
  CHECK(r.quantize_nodes == 2);  // both operands quantized
  for (const ir::Node& n : b.g.nodes)
    if (n.op == "MatMul") {
      CHECK(b.g.tensor(n.inputs[0]).dtype == ir::DType::kI8);
      CHECK(b.g.tensor(n.inputs[1]).dtype == ir::DType::kI8);
      CHECK(b.g.tensor(n.outputs[0]).dtype == ir::DType::kI8);
    }
  test::GraphBuilder b16;
  build(b16);
  o.int16.insert(b16.g.nodes[0].name);
  CHECK_THROWS_WITH(passes::quantize_int8(b16.g, o),
                    Catch::Contains("the 16x8 form takes one activation and constant weights"));
}

namespace {
// Three rows of 24; per-element gamma and beta set by the test.
struct LnP {
  static constexpr lk::idx_t outer = 3, n = 24;
  static constexpr int64_t eps_q = 4;  // round(1e-5 * 24^2 / 0.037^2)
  static constexpr int32_t out_zp = 3;
  static inline int32_t mult[24] = {}, shift[24] = {}, bias[24] = {};
};
}  // namespace

TEST_CASE("layer_norm_s8: the real layer normalisation, statistics in integers", "[kernels][layer_s8]") {
  const double sx = 0.037, sy = 0.021, eps = 1e-5;
  const int32_t zx = -11;  // cancels: the kernel never reads it
  std::mt19937 rng(12);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> gamma, beta;
  for (int i = 0; i < 24; ++i) {
    gamma.push_back(i == 5 ? 0.0 : (i == 7 ? -0.8 : 0.5 + 0.3 * nd(rng)));
    beta.push_back(0.2 * nd(rng));
  }
  CHECK(LnP::eps_q == static_cast<int64_t>(std::round(eps * 24 * 24 / (sx * sx))));
  for (int i = 0; i < 24; ++i) {
    const auto m = multiplier(std::fabs(gamma[static_cast<size_t>(i)]) / (sy * 65536.0));
    LnP::mult[i] = gamma[static_cast<size_t>(i)] < 0 ? -m.multiplier : m.multiplier;
    LnP::shift[i] = m.shift;
    LnP::bias[i] = static_cast<int32_t>(std::round(beta[static_cast<size_t>(i)] / sy));
  }
  std::vector<int8_t> x = random_s8(72, 21);
  for (size_t i = 48; i < 72; ++i) x[i] = static_cast<int8_t>(x[i] / 16);  // a row of small variance
  int8_t y[72];
  lk::layer_norm_s8<LnP>(x.data(), y);
  double sum_err = 0;
  for (int o = 0; o < 3; ++o) {
    double mean = 0, var = 0;
    for (int i = 0; i < 24; ++i) mean += sx * (x[static_cast<size_t>(o * 24 + i)] - zx) / 24;
    for (int i = 0; i < 24; ++i) {
      const double d = sx * (x[static_cast<size_t>(o * 24 + i)] - zx) - mean;
      var += d * d / 24;
    }
    for (int i = 0; i < 24; ++i) {
      const double xi = sx * (x[static_cast<size_t>(o * 24 + i)] - zx);
      const double real = ((xi - mean) / std::sqrt(var + eps) * gamma[static_cast<size_t>(i)] +
                           beta[static_cast<size_t>(i)]) / sy + LnP::out_zp;
      const double want = std::clamp(real, -128.0, 127.0);
      INFO("row " << o << " element " << i << " real " << real << " got " << int{y[o * 24 + i]});
      // Three roundings (the normalised value in Q16, gamma's multiplier, beta):
      // within 1.5 steps, and unbiased.
      CHECK(std::fabs(y[o * 24 + i] - want) < 1.5);
      sum_err += y[o * 24 + i] - want;
    }
  }
  CHECK(std::fabs(sum_err / 72) < 0.25);
}

TEST_CASE("int8 rules: LayerNormalization goes int8 with its float Scale and B read at compile time",
          "[quantize][int8_rule][layer_s8]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4, 8});
  const auto ln = b.node("LayerNormalization",
                         {x, b.constant("gamma", {8}, {1, 1, 0.5, 2, 1, 1, 1, -1}), b.constant("beta", {8}, {0, 0, 0, 0, 1, 0, 0, 0})},
                         {{"axis", int64_t{-1}}}, {"y"});
  b.output(ln);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-3.0f, 3.0f};
  o.ranges["y"] = {-4.0f, 4.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.float_layers.empty());
  for (const ir::Node& n : b.g.nodes)
    if (n.op == "LayerNormalization") {
      CHECK(b.g.tensor(n.inputs[0]).dtype == ir::DType::kI8);
      CHECK(b.g.tensor(n.inputs[1]).dtype == ir::DType::kF32);
      CHECK(b.g.tensor(n.outputs[0]).dtype == ir::DType::kI8);
    }
}
