#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fold_batch_norm.h"
#include "passes/fuse_activation.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

// BatchNormalization parameters for 3 channels and their effect computed by hand.
const std::vector<double> kScale = {2.0, -0.5, 1.0}, kBias = {0.25, 1.0, -3.0}, kMean = {1.0, -2.0, 0.5},
                          kVar = {3.0, 0.25, 8.0};
constexpr double kEps = 1e-3;

double bn(double x, size_t c) { return (x - kMean[c]) / std::sqrt(kVar[c] + kEps) * kScale[c] + kBias[c]; }

ir::TensorId batch_norm(test::GraphBuilder& b, ir::TensorId x) {
  const auto s = b.constant("bn_scale", {3}, kScale);
  const auto bias = b.constant("bn_bias", {3}, kBias);
  const auto mean = b.constant("bn_mean", {3}, kMean);
  const auto var = b.constant("bn_var", {3}, kVar);
  return b.node("BatchNormalization", {x, s, bias, mean, var}, {{"epsilon", kEps}});
}

std::vector<double> values(const ir::Graph& g, ir::TensorId id) { return ir::data_as_double(g.tensor(id)); }

double attr(const ir::Node& n, const char* name, double dflt) {
  const auto it = n.attrs.find(name);
  if (it == n.attrs.end()) return dflt;
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  return static_cast<double>(std::get<int64_t>(it->second));
}

// Y = alpha * A B' + beta * C for a one-row A, as ONNX defines Gemm.
std::vector<double> eval_gemm(const ir::Graph& g, const ir::Node& n, const std::vector<double>& a) {
  const ir::Tensor& bt = g.tensor(n.inputs[1]);
  const std::vector<double> w = ir::data_as_double(bt);
  const bool tb = attr(n, "transB", 0) != 0;
  const int64_t k = tb ? bt.shape[1] : bt.shape[0], cols = tb ? bt.shape[0] : bt.shape[1];
  std::vector<double> c;
  if (n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor) c = values(g, n.inputs[2]);
  std::vector<double> y(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) {
    double acc = 0;
    for (int64_t i = 0; i < k; ++i) acc += a[static_cast<size_t>(i)] * w[static_cast<size_t>(tb ? j * k + i : i * cols + j)];
    y[static_cast<size_t>(j)] = attr(n, "alpha", 1) * acc;
    if (!c.empty()) y[static_cast<size_t>(j)] += attr(n, "beta", 1) * c[c.size() == 1 ? 0 : static_cast<size_t>(j)];
  }
  return y;
}

}  // namespace

TEST_CASE("fold-batch-norm folds BN into a Gemm with transB and bias, Relu then fuses", "[passes][bnfold]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2});
  // B (N=3, K=2) with transB = 1; C per output.
  const auto w = b.constant("w", {3, 2}, {1, 2, -1, 0.5, 3, -2});
  const auto c = b.constant("c", {3}, {0.5, -1, 2});
  const auto y = b.node("Gemm", {x, w, c}, {{"transB", int64_t{1}}});
  const auto r = b.node("Relu", {batch_norm(b, y)});
  b.output(r);
  passes::resolve(b.g);
  passes::fold_batch_norm(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 2);
  REQUIRE(b.g.nodes[0].op == "Gemm");
  CHECK(b.g.nodes[1].op == "Relu");
  CHECK(b.g.nodes[1].inputs[0] == b.g.nodes[0].outputs[0]);

  // Hand-computed: BN(x W^T + c) for x = (0.5, -1.5).
  const std::vector<double> in = {0.5, -1.5};
  const std::vector<double> raw = {0.5 * 1 - 1.5 * 2 + 0.5, 0.5 * -1 - 1.5 * 0.5 - 1, 0.5 * 3 - 1.5 * -2 + 2};
  const std::vector<double> got = eval_gemm(b.g, b.g.nodes[0], in);
  for (size_t j = 0; j < 3; ++j) CHECK(got[j] == Approx(bn(raw[j], j)).epsilon(1e-6));
  // Nothing reads the unfolded weights any more: they are gone, not kept as dead flash.
  CHECK(b.g.find_tensor("w") == ir::kNoTensor);

  passes::fuse_activation(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 1);
  CHECK(std::get<double>(b.g.nodes[0].attrs.at("mote_act_min")) == 0.0);
}

TEST_CASE("fold-batch-norm respects alpha and beta and adds a bias where there was none", "[passes][bnfold]") {
  const std::vector<double> in = {2.0, -1.0};
  // B (K=2, N=3), transB = 0: raw_j = alpha * (x B)_j + beta * C_j.
  const std::vector<double> wv = {1, 0, -2, 0.5, 4, 1};
  const std::vector<double> xb = {2 * 1 - 1 * 0.5, 2 * 0 - 1 * 4, 2 * -2 - 1 * 1};
  SECTION("alpha = 2, beta = 0.5, C broadcast from one value") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2});
    const auto w = b.constant("w", {2, 3}, wv);
    const auto c = b.constant("c", {1}, {3.0});
    const auto y = b.node("Gemm", {x, w, c}, {{"alpha", 2.0}, {"beta", 0.5}});
    b.output(batch_norm(b, y));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    REQUIRE(verifier::verify(b.g).empty());
    REQUIRE(b.g.nodes.size() == 1);
    const std::vector<double> got = eval_gemm(b.g, b.g.nodes[0], in);
    for (size_t j = 0; j < 3; ++j) CHECK(got[j] == Approx(bn(2 * xb[j] + 0.5 * 3.0, j)).epsilon(1e-6));
    CHECK(b.g.nodes[0].outputs[0] == b.g.outputs[0]);
  }
  SECTION("no C") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2});
    const auto w = b.constant("w", {2, 3}, wv);
    const auto y = b.node("Gemm", {x, w});
    b.output(batch_norm(b, y));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    REQUIRE(verifier::verify(b.g).empty());
    REQUIRE(b.g.nodes.size() == 1);
    REQUIRE(b.g.nodes[0].inputs.size() == 3);
    CHECK(b.g.tensor(b.g.nodes[0].inputs[2]).shape == ir::Shape{3});
    const std::vector<double> got = eval_gemm(b.g, b.g.nodes[0], in);
    for (size_t j = 0; j < 3; ++j) CHECK(got[j] == Approx(bn(xb[j], j)).epsilon(1e-6));
  }
  SECTION("a MatMul by a constant becomes a Gemm with a bias") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2});
    const auto w = b.constant("w", {2, 3}, wv);
    const auto y = b.node("MatMul", {x, w});
    b.output(batch_norm(b, y));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    REQUIRE(verifier::verify(b.g).empty());
    REQUIRE(b.g.nodes.size() == 1);
    CHECK(b.g.nodes[0].op == "Gemm");
    const std::vector<double> got = eval_gemm(b.g, b.g.nodes[0], in);
    for (size_t j = 0; j < 3; ++j) CHECK(got[j] == Approx(bn(xb[j], j)).epsilon(1e-6));
  }
}

TEST_CASE("fold-batch-norm folds BN into a Conv per output channel", "[passes][bnfold]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 2, 2});
  // 3 output channels, 1x1 kernel, no bias: y[c] = w[c,0] x0 + w[c,1] x1.
  const std::vector<double> wv = {1, -1, 0.5, 2, -3, 0.25};
  const auto w = b.constant("w", {3, 2, 1, 1}, wv);
  b.output(batch_norm(b, b.node("Conv", {x, w})));
  passes::resolve(b.g);
  passes::fold_batch_norm(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 1);
  const ir::Node& conv = b.g.nodes[0];
  REQUIRE(conv.inputs.size() == 3);
  const std::vector<double> fw = values(b.g, conv.inputs[1]), fb = values(b.g, conv.inputs[2]);
  const double x0 = 1.5, x1 = -0.75;  // one pixel
  for (size_t c = 0; c < 3; ++c) {
    const double raw = wv[2 * c] * x0 + wv[2 * c + 1] * x1;
    CHECK(fw[2 * c] * x0 + fw[2 * c + 1] * x1 + fb[c] == Approx(bn(raw, c)).epsilon(1e-6));
  }
}

TEST_CASE("fold-batch-norm leaves what it cannot fold", "[passes][bnfold]") {
  auto gemm = [](test::GraphBuilder& b, ir::TensorId x) {
    const auto w = b.constant("w" + std::to_string(b.g.tensors.size()), {2, 3}, {1, 0, -2, 0.5, 4, 1});
    return b.node("Gemm", {x, w});
  };
  SECTION("the Gemm output has another reader") {
    test::GraphBuilder b;
    const auto y = gemm(b, b.input("x", {1, 2}));
    b.output(b.node("Add", {batch_norm(b, y), y}));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    CHECK(b.g.nodes.size() == 3);
  }
  SECTION("the Gemm output is a graph output") {
    test::GraphBuilder b;
    const auto y = gemm(b, b.input("x", {1, 2}));
    b.output(batch_norm(b, y));
    b.output(y);
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    CHECK(b.g.nodes.size() == 2);
  }
  SECTION("a MatMul by a computed matrix") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2});
    const auto w = b.input("w", {2, 3});
    b.output(batch_norm(b, b.node("MatMul", {x, w})));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    CHECK(b.g.nodes.size() == 2);
  }
  SECTION("BN statistics that are not constants") {
    test::GraphBuilder b;
    const auto y = gemm(b, b.input("x", {1, 2}));
    const auto s = b.constant("s", {3}, kScale);
    const auto bias = b.constant("b", {3}, kBias);
    const auto mean = b.input("mean", {3});
    const auto var = b.constant("v", {3}, kVar);
    b.output(b.node("BatchNormalization", {y, s, bias, mean, var}));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    CHECK(b.g.nodes.size() == 2);
  }
  SECTION("a producer that is not Gemm, Conv or MatMul") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 3});
    b.output(batch_norm(b, b.node("Relu", {x})));
    passes::resolve(b.g);
    passes::fold_batch_norm(b.g);
    CHECK(b.g.nodes.size() == 2);
  }
}

TEST_CASE("fold-batch-norm does not change weights another node shares", "[passes][bnfold]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2});
  const auto w = b.constant("w", {2, 3}, {1, 0, -2, 0.5, 4, 1});
  const auto y1 = b.node("Gemm", {x, w});
  const auto y2 = b.node("Gemm", {x, w});
  b.output(batch_norm(b, y1));
  b.output(y2);
  passes::resolve(b.g);
  passes::fold_batch_norm(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 2);
  CHECK(b.g.nodes[1].inputs[1] == b.g.find_tensor("w"));
  CHECK(values(b.g, b.g.nodes[1].inputs[1]) == std::vector<double>{1, 0, -2, 0.5, 4, 1});
  CHECK(b.g.nodes[0].inputs[1] != b.g.find_tensor("w"));
}
