// Each op's int8 rule is found through its definition: the quantizer and the QDQ
// import know no op names, so an op quantizes exactly when its definition says so.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/registry.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("int8 rules: the ops that have one are those docs/int8.md lists", "[quantize][int8_rule]") {
  std::set<std::string> with_rule, int16;
  for (const ops::OpDef* d : ops::all_ops()) {
    if (!d->int8) continue;
    with_rule.insert(d->op);
    CHECK(d->int8->form != nullptr);
    CHECK((d->int8->activations >= 1 || d->int8->activations == ops::kAllInputs));
    if (d->int8->int16) int16.insert(d->op);
  }
  CHECK(with_rule == std::set<std::string>{"Add", "AveragePool", "BatchNormalization", "Concat", "Conv", "ConvTranspose",
                                           "DepthToSpace", "Div", "Elu", "Erf", "Exp", "Expand", "Flatten", "Gather",
                                           "Gemm", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "HardSwish",
                                           "LayerNormalization", "LeakyRelu", "MatMul", "MaxPool", "Mul", "PRelu", "Pad", "ReduceMean",
                                           "Relu", "Reshape", "Resize", "Sigmoid", "Slice", "Softmax", "Softplus", "Softsign",
                                           "SpaceToDepth", "Split", "Squeeze", "Sub", "Tanh", "Tile", "Transpose",
                                           "Unsqueeze"});
  CHECK(int16 == std::set<std::string>{"Conv", "Gemm", "MatMul"});
}

TEST_CASE("int8 rules: the reason a node stays float comes from its op's rule", "[quantize][int8_rule]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto c = b.constant("c", {4}, {1, 2, 3, 4});
  const auto y = b.node("Add", {x, c}, {}, {"y"});   // a constant operand: quantized on its own range
  const auto s = b.node("Neg", {y}, {}, {"s"});      // no rule at all
  const auto inf = b.constant("inf", {1}, {std::numeric_limits<double>::infinity()});
  const auto t = b.node("Mul", {s, inf}, {}, {"t"});  // Mul's rule: a constant that is not finite
  const auto w = b.constant("w", {4, 2}, {1, 0, 0, 1, 1, 1, -1, 0});
  b.output(b.node("MatMul", {t, w}, {}, {"m"}));
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  for (const char* n : {"x", "y", "s", "t", "m"}) o.ranges[n] = {-2.0f, 2.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 2);  // the Add, and the MatMul, now an int8 Gemm
  REQUIRE(r.float_layers.size() == 2);
  CHECK(r.float_layers[0].reason == "Mote has no int8 Neg yet");
  CHECK(r.float_layers[1].reason == "its constant operand 'inf' holds a value that is not finite");
  const ir::Node& add = b.g.nodes[1];  // after the input's Quantize
  REQUIRE(add.op == "Add");
  const ir::Tensor& cq = b.g.tensor(add.inputs[1]);
  CHECK(cq.dtype == ir::DType::kI8);
  CHECK(cq.is_constant());
  REQUIRE(cq.quant.scale.size() == 1);
  // [0, 4] on 255 steps: 1, 2, 3, 4 come back within half a step.
  const std::vector<int64_t> q = ir::data_as_int(cq);
  for (size_t i = 0; i < q.size(); ++i)
    CHECK(std::fabs(cq.quant.scale[0] * (q[i] - cq.quant.zero_point[0]) - (i + 1.0)) <= cq.quant.scale[0] / 2);
}

TEST_CASE("int8 rules: ops that only move bytes pass int8 through with its parameters", "[quantize][int8_rule]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto w = b.constant("w", {3, 2, 1, 1}, {1, 0.5, -1, 0.25, 0.5, 2});
  const auto c = b.node("Conv", {x, w}, {}, {"c"});
  const auto t = b.node("Transpose", {c}, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}}, {"t"});  // NHWC
  const auto starts = b.constant_ints("starts", {1});
  const auto ends = b.constant_ints("ends", {3});
  const auto axes = b.constant_ints("axes", {1});
  const auto s = b.node("Slice", {t, starts, ends, axes}, {}, {"s"});
  b.output(s);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  for (const char* n : {"x", "c", "t", "s"}) o.ranges[n] = {-3.0f, 3.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 3);
  CHECK(r.float_layers.empty());
  const ir::Tensor* conv_out = nullptr;
  for (const ir::Node& n : b.g.nodes) {
    if (n.op == "Conv") conv_out = &b.g.tensor(n.outputs[0]);
    if (n.op != "Transpose" && n.op != "Slice") continue;
    REQUIRE(conv_out);
    const ir::Tensor& y = b.g.tensor(n.outputs[0]);
    CHECK(y.dtype == ir::DType::kI8);
    CHECK(y.quant.scale == conv_out->quant.scale);
    CHECK(y.quant.zero_point == conv_out->quant.zero_point);
  }
}

TEST_CASE("int8 rules: a Sub keeps its constant on its own range, a Div by a constant becomes the int8 Mul by 1/c",
          "[quantize][int8_rule]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 3});
  const auto s = b.node("Sub", {x, b.constant("mean", {3}, {0.5, 1.0, -2.0})}, {}, {"s"});
  const auto d = b.node("Div", {s, b.constant("std", {}, {0.25})}, {}, {"d"});
  const auto t = b.node("Sub", {d, x}, {}, {"t"});  // of two activations: int8 too
  const auto e = b.node("Div", {t, x}, {}, {"e"});  // by an activation: stays float
  b.output(e);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  for (const char* n : {"x", "s", "d", "t", "e"}) o.ranges[n] = {-8.0f, 8.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 3);
  REQUIRE(r.float_layers.size() == 1);
  CHECK(r.float_layers[0].reason == "a Div of two activations has no int8 kernel yet (by a constant it has)");
  const ir::Node* add = nullptr;
  const ir::Node* mul = nullptr;
  const ir::Node* sub2 = nullptr;
  for (const ir::Node& n : b.g.nodes) {
    const std::string& y = b.g.tensor(n.outputs[0]).name;
    if (y == "s_int8") add = &n;
    if (y == "d_int8") mul = &n;
    if (y == "t_int8") sub2 = &n;
  }
  REQUIRE(add);
  REQUIRE(mul);
  REQUIRE(sub2);
  CHECK(add->op == "Sub");
  CHECK(mul->op == "Mul");
  CHECK(sub2->op == "Sub");
  CHECK(b.g.tensor(sub2->inputs[0]).dtype == ir::DType::kI8);
  CHECK(b.g.tensor(sub2->inputs[1]).dtype == ir::DType::kI8);
  auto real = [&](const ir::Node& n) {
    const ir::Tensor& c = b.g.tensor(n.inputs[1]);
    REQUIRE(c.dtype == ir::DType::kI8);
    std::vector<double> v;
    for (int64_t q : ir::data_as_int(c)) v.push_back(c.quant.scale[0] * (q - c.quant.zero_point[0]));
    return std::make_pair(v, static_cast<double>(c.quant.scale[0]));
  };
  const auto [mean, ms] = real(*add);
  const std::vector<double> want_mean = {0.5, 1.0, -2.0};
  for (size_t i = 0; i < 3; ++i) CHECK(std::fabs(mean[i] - want_mean[i]) <= ms / 2);
  const auto [rec, rs] = real(*mul);
  CHECK(std::fabs(rec[0] - 4.0) <= rs / 2);
}

TEST_CASE("int8 rules: a Div by 0 or by a constant whose reciprocal overflows stays float", "[quantize][int8_rule]") {
  for (const double c : {0.0, 1e-40}) {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 3});
    b.output(b.node("Div", {x, b.constant("c", {}, {c})}, {}, {"d"}));
    passes::resolve(b.g);
    passes::QuantizeOptions o;
    for (const char* n : {"x", "d"}) o.ranges[n] = {-8.0f, 8.0f};
    const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
    INFO(c);
    CHECK(r.quantized_nodes == 0);
    REQUIRE(r.float_layers.size() == 1);
    CHECK(r.float_layers[0].reason == "its constant holds a value that is not finite, or whose reciprocal is not");
  }
}
