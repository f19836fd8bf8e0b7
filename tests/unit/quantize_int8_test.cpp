#include <catch2/catch.hpp>

#include <limits>

#include "compiler/ir/printer.h"
#include "compiler/ops/registry.h"
#include "compiler/ops/select.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fuse_activation.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

const ir::Node* find_node(const ir::Graph& g, const std::string& op, int nth = 0) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op && nth-- == 0) return &n;
  return nullptr;
}

int count_op(const ir::Graph& g, const std::string& op) {
  int c = 0;
  for (const ir::Node& n : g.nodes) c += n.op == op;
  return c;
}

int64_t param_int(const ops::KernelCall& k, const std::string& name) {
  for (const ops::Param& p : k.params)
    if (p.name == name) return std::get<int64_t>(p.value);
  FAIL("no parameter " << name);
  return 0;
}

// x[1,4] -> Gemm(transB=1) -> Relu -> h -> Gemm(transB=0) -> y (output)
//                                      h -> Sigmoid -> s (output, float reader of h)
//                                      y -> Gemm (no calibrated range) -> z (output)
struct Mlp {
  test::GraphBuilder b;
  ir::TensorId x, h, y, s, z;
  Mlp() {
    x = b.input("x", {1, 4});
    const auto w1 = b.constant("w1", {3, 4}, {1, 0, 0, 0, 0, -0.5, 0, 0, 0.25, 0.25, 0.25, 0.25});
    const auto b1 = b.constant("b1", {3}, {0.1, -0.2, 0.3});
    const auto g1 = b.node("Gemm", {x, w1, b1}, {{"transB", int64_t{1}}});
    h = b.node("Relu", {g1}, {}, {"h"});
    const auto w2 = b.constant("w2", {3, 2}, {0.5, -1, 2, 0.25, 0, 0});
    y = b.node("Gemm", {h, w2}, {}, {"y"});
    s = b.node("Sigmoid", {h}, {}, {"s"});
    const auto w3 = b.constant("w3", {2, 2}, {1, 0, 0, 1});
    z = b.node("Gemm", {y, w3}, {}, {"z"});
    b.output(y);
    b.output(s);
    b.output(z);
    passes::resolve(b.g);
    passes::fuse_activation(b.g);
    REQUIRE(verifier::verify(b.g).empty());
  }
};

passes::QuantizeOptions ranges() {
  passes::QuantizeOptions o;
  o.ranges["x"] = {-1.0f, 1.0f};
  o.ranges["h"] = {0.0f, 4.0f};
  o.ranges["y"] = {-3.0f, 3.0f};
  return o;  // nothing for z: that Gemm stays float
}

}  // namespace

TEST_CASE("quantize-int8 rewrites calibrated Gemms into int8 with Quantize/Dequantize at the boundary",
          "[passes][quantize]") {
  Mlp m;
  ir::Graph& g = m.b.g;
  const passes::QuantizeReport r = passes::quantize_int8(g, ranges());
  INFO(verifier::verify(g).size());
  REQUIRE(verifier::verify(g).empty());
  CHECK(r.quantized_nodes == 2);
  CHECK(r.quantize_nodes == 1);
  CHECK(r.dequantize_nodes == 2);  // h for the Sigmoid, y as an output (and for the float Gemm)
  CHECK(count_op(g, "QuantizeLinear") == 1);
  CHECK(count_op(g, "DequantizeLinear") == 2);
  CHECK(count_op(g, "Gemm") == 3);

  // Schedule: Quantize(x), Gemm1 (int8), Dequantize(h), Gemm2 (int8), Dequantize(y), Sigmoid, Gemm3 (float).
  REQUIRE(g.nodes.size() == 7);
  CHECK(g.nodes[0].op == "QuantizeLinear");
  CHECK(g.nodes[0].inputs[0] == g.inputs[0]);

  const ir::Node& g1 = *find_node(g, "Gemm", 0);
  const ir::Node& g2 = *find_node(g, "Gemm", 1);
  const ir::Node& g3 = *find_node(g, "Gemm", 2);
  for (const ir::Node* n : {&g1, &g2}) {
    const ir::Tensor& xin = g.tensor(n->inputs[0]);
    const ir::Tensor& w = g.tensor(n->inputs[1]);
    const ir::Tensor& yout = g.tensor(n->outputs[0]);
    CHECK(xin.dtype == ir::DType::kI8);
    CHECK(w.dtype == ir::DType::kI8);
    CHECK(w.is_constant());
    CHECK(yout.dtype == ir::DType::kI8);
    CHECK(xin.quant.scale.size() == 1);
    CHECK(yout.quant.scale.size() == 1);
    CHECK(w.quant.axis == 0);
    CHECK(static_cast<int64_t>(w.quant.scale.size()) == w.shape[0]);  // per output channel
    for (int32_t zp : w.quant.zero_point) CHECK(zp == 0);
    CHECK(std::get<int64_t>(n->attrs.at("transB")) == 1);
  }
  // x in [-1, 1]: affine int8.
  const quant::AffineInt8 ax = quant::affine_int8({-1.0f, 1.0f});
  CHECK(g.tensor(g1.inputs[0]).quant.scale[0] == ax.scale);
  CHECK(g.tensor(g1.inputs[0]).quant.zero_point[0] == ax.zero_point);
  // h is Gemm1's int8 output and Gemm2's int8 input: no round trip through float.
  CHECK(g1.outputs[0] == g2.inputs[0]);

  // Gemm1's weights: row max |w| / 127 per row; quantized values and the int32 bias.
  const ir::Tensor& w1 = g.tensor(g1.inputs[1]);
  CHECK(w1.quant.scale[0] == Approx(1.0 / 127));
  CHECK(w1.quant.scale[1] == Approx(0.5 / 127));
  CHECK(w1.quant.scale[2] == Approx(0.25 / 127));
  const std::vector<int64_t> wq = ir::data_as_int(w1);
  CHECK(wq == std::vector<int64_t>{127, 0, 0, 0, 0, -127, 0, 0, 127, 127, 127, 127});
  const ir::Tensor& b1 = g.tensor(g1.inputs[2]);
  REQUIRE(b1.dtype == ir::DType::kI32);
  const std::vector<int64_t> bq = ir::data_as_int(b1);
  const float xs = g.tensor(g1.inputs[0]).quant.scale[0];
  for (size_t c = 0; c < 3; ++c) CHECK(bq[c] == quant::quantize_bias(std::vector<float>{0.1f, -0.2f, 0.3f}[c], xs, w1.quant.scale[c]));

  // Gemm2 had transB = 0: its weight was transposed to (N, K) = (2, 3).
  CHECK(g.tensor(g2.inputs[1]).shape == ir::Shape{2, 3});
  CHECK(ir::data_as_int(g.tensor(g2.inputs[1])) == std::vector<int64_t>{32, 127, 0, -127, 32, 0});

  // The graph outputs keep their names and float type.
  CHECK(g.tensor(g.outputs[0]).name == "y");
  CHECK(g.tensor(g.outputs[0]).dtype == ir::DType::kF32);
  CHECK(g.tensor(g.outputs[1]).name == "s");
  CHECK(g.tensor(g.outputs[2]).dtype == ir::DType::kF32);
  // The Gemm without a calibrated output stays float and reads the dequantized y.
  CHECK(g.tensor(g3.inputs[0]).dtype == ir::DType::kF32);
  CHECK(g.tensor(g3.inputs[0]).name == "y");
  // The Sigmoid reads the dequantized h.
  const ir::Node& sig = *find_node(g, "Sigmoid");
  CHECK(g.tensor(sig.inputs[0]).dtype == ir::DType::kF32);

  // Lowering picks the int8 kernel, with the Relu clamp in output units.
  const ops::KernelCall k1 = ops::select_kernel(g, g1, target::host_target(), ops::Preference::kSpeed);
  CHECK(k1.file == "fully_connected_fast_s8.h");
  const quant::AffineInt8 ah = quant::affine_int8({0.0f, 4.0f});
  CHECK(param_int(k1, "act_min") == ah.zero_point);
  CHECK(param_int(k1, "act_max") == 127);
  CHECK(param_int(k1, "in_zp") == ax.zero_point);
  CHECK(param_int(k1, "out_zp") == ah.zero_point);
  const ops::KernelCall k3 = ops::select_kernel(g, g3, target::host_target(), ops::Preference::kSpeed);
  CHECK(k3.variant == "fc_f32_1x4_fpu");  // a float kernel
}

TEST_CASE("quantize-int8 without ranges, or with infinite ones, leaves the graph float", "[passes][quantize]") {
  Mlp m;
  const size_t nodes = m.b.g.nodes.size();
  const passes::QuantizeReport r = passes::quantize_int8(m.b.g, passes::QuantizeOptions{});
  REQUIRE(verifier::verify(m.b.g).empty());
  CHECK(r.quantized_nodes == 0);
  CHECK(m.b.g.nodes.size() == nodes);

  Mlp inf;
  passes::QuantizeOptions o = ranges();
  o.ranges["x"] = {-1.0f, std::numeric_limits<float>::infinity()};
  o.ranges["h"] = {0.0f, std::numeric_limits<float>::infinity()};
  const passes::QuantizeReport ri = passes::quantize_int8(inf.b.g, o);
  REQUIRE(verifier::verify(inf.b.g).empty());
  CHECK(ri.quantized_nodes == 0);  // Gemm1 has no usable input/output range, Gemm2 none for its input
}

TEST_CASE("quantize-int8 quantizes a depthwise Conv and passes int8 through Flatten", "[passes][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto w = b.constant("w", {2, 1, 3, 3}, std::vector<double>(18, 0.1));
  const auto bias = b.constant("bias", {2}, {0.5, -0.5});
  const auto c = b.node("Conv", {x, w, bias}, {{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  const auto r = b.node("Relu", {c}, {}, {"r"});
  const auto f = b.node("Flatten", {r}, {}, {"f"});
  b.output(f);
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-2.0f, 2.0f};
  o.ranges["r"] = {0.0f, 3.0f};
  const passes::QuantizeReport rep = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(rep.quantized_nodes == 2);  // Conv, Flatten
  REQUIRE(b.g.nodes.size() == 4);  // Quantize, Conv, Flatten, Dequantize
  CHECK(b.g.nodes[1].op == "Conv");
  CHECK(b.g.nodes[2].op == "Flatten");
  CHECK(b.g.tensor(b.g.nodes[2].outputs[0]).dtype == ir::DType::kI8);
  CHECK(b.g.nodes[3].op == "DequantizeLinear");
  CHECK(b.g.tensor(b.g.outputs[0]).name == "f");
  const ops::KernelCall k = ops::select_kernel(b.g, b.g.nodes[1], target::host_target(), ops::Preference::kSpeed);
  CHECK(k.file == "conv_fast_s8.h");
  CHECK(k.kernel == "conv2d_s8_depthwise3x3_baked");
}

TEST_CASE("quantize-int8 passes int8 through every output of a Split", "[passes][quantize]") {
  // A channel split (GLU, ghost and shuffle blocks): both parts keep the Conv
  // output's parameters, one read by an int8 Add, the other a graph output.
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 2, 2});
  const auto c = b.node("Conv", {x, b.constant("w", {4, 2, 1, 1}, {1, 0, 0, 1, 1, 1, -1, 1})}, {}, {"c"});
  const auto lo = b.node("Split", {c}, {{"axis", int64_t{1}}}, {"lo", "hi"});
  const auto hi = b.g.nodes.back().outputs[1];
  b.output(b.node("Add", {lo, hi}, {}, {"sum"}));
  b.output(hi);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-2.0f, 2.0f};
  o.ranges["c"] = {-4.0f, 4.0f};
  o.ranges["sum"] = {-8.0f, 8.0f};
  const passes::QuantizeReport rep = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(rep.float_layers.empty());
  const ir::Node* split = find_node(b.g, "Split");
  REQUIRE(split != nullptr);
  const ir::Tensor &in = b.g.tensor(split->inputs[0]), &out1 = b.g.tensor(split->outputs[1]);
  CHECK(b.g.tensor(split->outputs[0]).dtype == ir::DType::kI8);
  CHECK(out1.dtype == ir::DType::kI8);
  CHECK(out1.quant.scale == in.quant.scale);
  CHECK(out1.quant.zero_point == in.quant.zero_point);
  CHECK(count_op(b.g, "DequantizeLinear") == 2);  // the sum, and the part that is an output
}

TEST_CASE("quantize-int8 turns a MatMul by a constant matrix into an int8 Gemm", "[passes][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {2, 3});
  const auto w = b.constant("w", {3, 2}, {1, 0.5, -1, 0.125, 0.25, 0});
  const auto y = b.node("MatMul", {x, w}, {}, {"y"});
  const auto w2 = b.constant("w2", {2, 3, 2}, std::vector<double>(12, 1.0));
  const auto x3 = b.input("x3", {2, 2, 3});
  const auto z = b.node("MatMul", {x3, w2}, {}, {"z"});  // batched: stays float
  b.output(y);
  b.output(z);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-1.0f, 1.0f};
  o.ranges["y"] = {-2.0f, 2.0f};
  o.ranges["x3"] = {-1.0f, 1.0f};
  o.ranges["z"] = {-6.0f, 6.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 1);
  const ir::Node& gm = *find_node(b.g, "Gemm");
  CHECK(std::get<int64_t>(gm.attrs.at("transB")) == 1);
  CHECK(b.g.tensor(gm.inputs[1]).shape == ir::Shape{2, 3});
  CHECK(ir::data_as_int(b.g.tensor(gm.inputs[1])) == std::vector<int64_t>{127, -127, 32, 127, 32, 0});
  CHECK(count_op(b.g, "MatMul") == 1);
  const ops::KernelCall k = ops::select_kernel(b.g, gm, target::host_target(), ops::Preference::kSpeed);
  CHECK(k.kernel == "fully_connected_s8_fast_baked");
  CHECK(param_int(k, "M") == 2);
  CHECK(param_int(k, "has_bias") == 0);
}

namespace {
// x[1,2,4,4] -> Conv(1x1) -> Relu -> a ; a -> Conv(1x1) -> c ; Add(a, c) -> s -> Relu -> r
// r -> MaxPool(2x2) -> m -> AveragePool(2x2) -> p -> GlobalAveragePool -> q (output)
struct Residual {
  test::GraphBuilder b;
  Residual() {
    const auto x = b.input("x", {1, 2, 4, 4});
    const auto w1 = b.constant("w1", {2, 2, 1, 1}, {1, 0.5, -0.25, 1});
    const auto c1 = b.node("Conv", {x, w1});
    const auto a = b.node("Relu", {c1}, {}, {"a"});
    const auto w2 = b.constant("w2", {2, 2, 1, 1}, {0.5, -1, 1, 0.25});
    const auto c = b.node("Conv", {a, w2}, {}, {"c"});
    const auto s = b.node("Add", {a, c}, {}, {"s"});
    const auto r = b.node("Relu", {s}, {}, {"r"});
    const auto m = b.node("MaxPool", {r}, {{"kernel_shape", std::vector<int64_t>{2, 2}},
                                           {"strides", std::vector<int64_t>{1, 1}}}, {"m"});
    const auto p = b.node("AveragePool", {m}, {{"kernel_shape", std::vector<int64_t>{2, 2}}}, {"p"});
    const auto q = b.node("GlobalAveragePool", {p}, {}, {"q"});
    b.output(q);
    passes::resolve(b.g);
    passes::fuse_activation(b.g);
    REQUIRE(verifier::verify(b.g).empty());
  }
  passes::QuantizeOptions opts() const {
    passes::QuantizeOptions o;
    o.ranges["x"] = {-2.0f, 2.0f};
    o.ranges["a"] = {0.0f, 3.0f};
    o.ranges["c"] = {-4.0f, 4.0f};
    o.ranges["s"] = {-2.0f, 6.0f};
    o.ranges["r"] = {0.0f, 6.0f};
    o.ranges["m"] = {0.0f, 6.0f};
    o.ranges["p"] = {0.0f, 5.0f};
    o.ranges["q"] = {0.0f, 4.0f};
    return o;
  }
};

const ir::Node* node_named(const ir::Graph& g, const std::string& name) {
  for (const ir::Node& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}
}  // namespace

TEST_CASE("quantize-int8 keeps residual Adds (with their Relu) and pooling in int8", "[passes][quantize]") {
  Residual m;
  ir::Graph& g = m.b.g;
  const passes::QuantizeReport r = passes::quantize_int8(g, m.opts());
  INFO(verifier::verify(g).size());
  REQUIRE(verifier::verify(g).empty());
  CHECK(r.quantized_nodes == 6);  // 2 Conv, Add, MaxPool, AveragePool, GlobalAveragePool
  CHECK(count_op(g, "QuantizeLinear") == 1);
  CHECK(count_op(g, "DequantizeLinear") == 1);  // q, the graph output
  CHECK(count_op(g, "Relu") == 0);
  const ir::Node& add = *find_node(g, "Add");
  for (ir::TensorId t : {add.inputs[0], add.inputs[1], add.outputs[0]}) CHECK(g.tensor(t).dtype == ir::DType::kI8);
  // The Add writes the Relu's output with the Relu's range, clamped at real 0.
  CHECK(g.tensor(add.outputs[0]).name == "r_int8");
  const quant::AffineInt8 ar = quant::affine_int8({0.0f, 6.0f});
  CHECK(g.tensor(add.outputs[0]).quant.scale[0] == ar.scale);
  const ops::KernelCall ka = ops::reference_kernel(g, add, target::host_target());  // TFLite's parameters
  CHECK(ka.file == "add_s8.h");
  CHECK(ka.kernel == "add_s8");
  CHECK(param_int(ka, "count") == 32);
  CHECK(param_int(ka, "act_min") == ar.zero_point);
  CHECK(param_int(ka, "act_max") == 127);
  const auto rs = quant::add_rescale(g.tensor(add.inputs[0]).quant.scale[0], g.tensor(add.inputs[1]).quant.scale[0],
                                     ar.scale);
  CHECK(param_int(ka, "in1_mult") == rs->input1.multiplier);
  CHECK(param_int(ka, "out_shift") == rs->output.shift);

  // MaxPool: the input's parameters; AveragePool without padding and GlobalAveragePool:
  // requantized to their own calibrated ranges.
  const ir::Node& mp = *find_node(g, "MaxPool");
  CHECK(g.tensor(mp.outputs[0]).quant.scale == g.tensor(mp.inputs[0]).quant.scale);
  const ops::KernelCall km = ops::select_kernel(g, mp, target::host_target(), ops::Preference::kSpeed);
  CHECK(km.file == "pool_s8.h");
  CHECK(km.kernel == "max_pool2d_s8");
  const ir::Node& ap = *find_node(g, "AveragePool");
  CHECK(g.tensor(ap.outputs[0]).quant.scale[0] == quant::affine_int8({0.0f, 5.0f}).scale);
  const ops::KernelCall kp = ops::reference_kernel(g, ap, target::host_target());
  CHECK(kp.kernel == "avg_pool2d_s8");
  CHECK(param_int(kp, "requant") == 1);
  const auto mult = quant::quantize_multiplier(double(g.tensor(ap.inputs[0]).quant.scale[0]) /
                                               (4.0 * double(g.tensor(ap.outputs[0]).quant.scale[0])));
  CHECK(param_int(kp, "mult") == mult->multiplier);
  CHECK(param_int(kp, "shift") == mult->shift);
  const ir::Node& gp = *find_node(g, "GlobalAveragePool");
  const ops::KernelCall kg = ops::reference_kernel(g, gp, target::host_target());
  CHECK(kg.kernel == "global_avg_pool_s8");
  CHECK(param_int(kg, "spatial") == 4);
}

TEST_CASE("quantize-int8 keeps --keep-float nodes float (mixed precision)", "[passes][quantize]") {
  Residual m;
  ir::Graph& g = m.b.g;
  passes::QuantizeOptions o = m.opts();
  const std::string add_name = find_node(g, "Add")->name;
  const std::string conv_name = find_node(g, "Conv", 1)->name;
  o.keep_float = {add_name, conv_name};
  const passes::QuantizeReport r = passes::quantize_int8(g, o);
  REQUIRE(verifier::verify(g).empty());
  CHECK(r.kept_float_nodes == 2);
  CHECK(r.quantized_nodes == 1);  // the first Conv only
  const ir::Node& add = *node_named(g, add_name);
  CHECK(g.tensor(add.inputs[0]).dtype == ir::DType::kF32);
  CHECK(g.tensor(add.outputs[0]).dtype == ir::DType::kF32);
  CHECK(g.tensor(node_named(g, conv_name)->inputs[0]).dtype == ir::DType::kF32);
  CHECK(count_op(g, "Relu") == 0);  // fused into the float Add by fuse-activation
  CHECK(std::get<double>(add.attrs.at("mote_act_min")) == 0.0);
  // The first Conv's int8 output is dequantized once for its two float readers;
  // pools of a float tensor stay float.
  CHECK(count_op(g, "QuantizeLinear") == 1);
  CHECK(count_op(g, "DequantizeLinear") == 1);
  CHECK(g.tensor(find_node(g, "MaxPool")->inputs[0]).dtype == ir::DType::kF32);

  Residual m2;
  passes::QuantizeOptions bad = m2.opts();
  bad.keep_float = {"no_such_node"};
  CHECK_THROWS_WITH(passes::quantize_int8(m2.b.g, bad), Catch::Contains("--keep-float 'no_such_node'"));
}

TEST_CASE("quantize-int8 makes the Softmax after an int8 layer int8 (TFLite's 1/256 output)", "[passes][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto w = b.constant("w", {3, 4}, {1, 0, 0, 0, 0, -0.5, 0, 0, 0.25, 0.25, 0.25, 0.25});
  const auto logits = b.node("Gemm", {x, w}, {{"transB", int64_t{1}}}, {"logits"});
  const auto p = b.node("Softmax", {logits}, {}, {"p"});
  b.output(p);
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-1.0f, 1.0f};
  o.ranges["logits"] = {-2.0f, 2.0f};
  const passes::QuantizeReport rep = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(rep.quantized_nodes == 2);
  const ir::Node* sm = find_node(b.g, "Softmax");
  REQUIRE(sm);
  const ir::Tensor& y = b.g.tensor(sm->outputs[0]);
  CHECK(b.g.tensor(sm->inputs[0]).dtype == ir::DType::kI8);
  CHECK(y.dtype == ir::DType::kI8);
  CHECK(y.quant.scale == std::vector<float>{1.0f / 256});
  CHECK(y.quant.zero_point == std::vector<int32_t>{-128});
  CHECK(b.g.nodes.back().op == "DequantizeLinear");  // the graph output keeps its float type
  const ops::KernelCall k = ops::select_kernel(b.g, *sm, target::host_target(), ops::Preference::kSpeed);
  CHECK(k.file == "softmax_s8.h");
  CHECK(param_int(k, "inv_out_scale") == 256);

  // Kept float by name: the Softmax reads the dequantized logits.
  test::GraphBuilder b2;
  const auto x2 = b2.input("x", {1, 4});
  const auto w2 = b2.constant("w", {3, 4}, std::vector<double>(12, 0.5));
  const auto l2 = b2.node("Gemm", {x2, w2}, {{"transB", int64_t{1}}}, {"logits"});
  b2.output(b2.node("Softmax", {l2}, {}, {"p"}));
  passes::resolve(b2.g);
  o.keep_float = {find_node(b2.g, "Softmax")->name};
  passes::quantize_int8(b2.g, o);
  CHECK(b2.g.tensor(find_node(b2.g, "Softmax")->inputs[0]).dtype == ir::DType::kF32);
}

TEST_CASE("quantize-int8 gives --int16 layers int16 activations, int8 weights and an int64 bias", "[passes][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto w1 = b.constant("w1", {3, 4}, {1, 0, 0, 0, 0, -0.5, 0, 0, 0.25, 0.25, 0.25, 0.25});
  const auto b1 = b.constant("b1", {3}, {0.1, -0.2, 0.3});
  const auto h = b.node("Gemm", {x, w1, b1}, {{"transB", int64_t{1}}}, {"h"});
  const auto w2 = b.constant("w2", {2, 3}, {0.5, -1, 2, 0.25, 0, 0});
  b.output(b.node("Gemm", {h, w2}, {{"transB", int64_t{1}}}, {"y"}));
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-1.0f, 1.0f};
  o.ranges["h"] = {-2.0f, 4.0f};
  o.ranges["y"] = {-3.0f, 3.0f};
  const std::string first = find_node(b.g, "Gemm")->name;
  o.int16 = {first};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  INFO(ir::print(b.g));
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 2);
  CHECK(r.int16_nodes == 1);
  const ir::Node& g1 = *node_named(b.g, first);
  const ir::Tensor& in = b.g.tensor(g1.inputs[0]);
  const ir::Tensor& out = b.g.tensor(g1.outputs[0]);
  CHECK(in.dtype == ir::DType::kI16);
  CHECK(in.quant.zero_point == std::vector<int32_t>{0});
  CHECK(in.quant.scale[0] == Approx(1.0 / 32767));
  CHECK(out.dtype == ir::DType::kI16);
  CHECK(out.quant.scale[0] == Approx(4.0 / 32767));  // symmetric: max |range|
  CHECK(b.g.tensor(g1.inputs[1]).dtype == ir::DType::kI8);
  CHECK(b.g.tensor(g1.inputs[2]).dtype == ir::DType::kI64);
  CHECK(ops::select_kernel(b.g, g1, target::host_target(), ops::Preference::kSpeed).kernel == "fully_connected_s16_baked");
  // The int8 layer after it reads h requantized to int8 through float.
  const ir::Node& g2 = *find_node(b.g, "Gemm", 1);
  CHECK(b.g.tensor(g2.inputs[0]).dtype == ir::DType::kI8);
  CHECK(count_op(b.g, "QuantizeLinear") == 2);
  CHECK(count_op(b.g, "DequantizeLinear") == 2);  // h from int16, y at the output

  // Only Conv, Gemm and MatMul have an int16 form; names must exist.
  test::GraphBuilder b2;
  const auto x2 = b2.input("x", {1, 4});
  b2.output(b2.node("Relu", {x2}, {}, {"r"}));
  passes::resolve(b2.g);
  passes::QuantizeOptions o2;
  o2.ranges["x"] = {-1.0f, 1.0f};
  o2.ranges["r"] = {0.0f, 1.0f};
  o2.int16 = {find_node(b2.g, "Relu")->name};
  CHECK_THROWS_WITH(passes::quantize_int8(b2.g, o2), Catch::Contains("Relu has no int16 form"));
  o2.int16 = {"nope"};
  CHECK_THROWS_WITH(passes::quantize_int8(b2.g, o2), Catch::Contains("--int16 'nope': no node of that name"));
}
