#include <catch2/catch.hpp>

#include "compiler/ops/registry.h"
#include "compiler/ops/select.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fold_qdq.h"
#include "passes/fuse_activation.h"
#include "passes/qdq_signed.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

int count_op(const ir::Graph& g, const std::string& op) {
  int c = 0;
  for (const ir::Node& n : g.nodes) c += n.op == op;
  return c;
}

const ir::Node* find_node(const ir::Graph& g, const std::string& op) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op) return &n;
  return nullptr;
}

bool is_int8_form(const ir::Graph& g, const ir::Node& n) { return g.tensor(n.inputs[0]).dtype == ir::DType::kI8; }

// Builds QDQ graphs the way onnxruntime's quantizer writes them.
struct Qdq {
  test::GraphBuilder b;

  ir::TensorId quantize(ir::TensorId x, double scale, int64_t zp, const std::string& name,
                        ir::DType t = ir::DType::kI8) {
    const auto s = b.constant(name + "_scale", {}, {scale});
    const auto z = b.constant(name + "_zp", {}, {static_cast<double>(zp)}, t);
    return b.node("QuantizeLinear", {x, s, z}, {}, {name});
  }
  ir::TensorId dequantize(ir::TensorId q, double scale, int64_t zp, const std::string& name,
                          ir::DType t = ir::DType::kI8) {
    const auto s = b.constant(name + "_scale", {}, {scale});
    const auto z = b.constant(name + "_zp", {}, {static_cast<double>(zp)}, t);
    return b.node("DequantizeLinear", {q, s, z}, {}, {name});
  }
  // Q then DQ: the float tensor the next operator reads.
  ir::TensorId qdq(ir::TensorId x, double scale, int64_t zp, const std::string& name, ir::DType t = ir::DType::kI8) {
    return dequantize(quantize(x, scale, zp, name + "_q", t), scale, zp, name + "_dq", t);
  }
  // An int8 constant dequantized per channel along `axis` (per tensor for one scale).
  ir::TensorId weight(const std::string& name, ir::Shape shape, const std::vector<double>& q,
                      const std::vector<double>& scales, const std::vector<double>& zps, int64_t axis = 0) {
    const auto w = b.constant(name + "_quantized", std::move(shape), q, ir::DType::kI8);
    const ir::Shape ps = scales.size() == 1 ? ir::Shape{} : ir::Shape{static_cast<int64_t>(scales.size())};
    const auto s = b.constant(name + "_scale", ps, scales);
    const auto z = b.constant(name + "_zp", ps, zps, ir::DType::kI8);
    return b.node("DequantizeLinear", {w, s, z}, {{"axis", axis}}, {name});
  }
  // An int32 constant dequantized per channel with no zero point, as biases are.
  ir::TensorId bias(const std::string& name, const std::vector<double>& q, const std::vector<double>& scales) {
    const auto v = b.constant(name + "_quantized", {static_cast<int64_t>(q.size())}, q, ir::DType::kI32);
    const auto s = b.constant(name + "_scale", {static_cast<int64_t>(scales.size())}, scales);
    return b.node("DequantizeLinear", {v, s}, {{"axis", int64_t{0}}}, {name});
  }

  passes::FoldQdqReport run() {
    passes::resolve(b.g);
    passes::fuse_activation(b.g);
    REQUIRE(verifier::verify(b.g).empty());
    const passes::FoldQdqReport r = passes::fold_qdq(b.g);
    INFO(verifier::verify(b.g).size());
    REQUIRE(verifier::verify(b.g).empty());
    return r;
  }
};

constexpr float kXs = 0.02f;
const std::vector<double> kWs = {0.01, 0.02, 0.005};
std::vector<double> bias_scales(float xs, const std::vector<double>& ws, double factor = 1) {
  std::vector<double> s;
  for (double w : ws) s.push_back(static_cast<double>(static_cast<float>(xs * static_cast<float>(w) * factor)));
  return s;
}

// x -> Q/DQ -> Gemm(transB = 1, DQ'd per-channel int8 weights, int32 bias) -> Relu -> Q -> DQ -> out
struct QdqGemm : Qdq {
  ir::TensorId x, xf, y, out;
  explicit QdqGemm(ir::DType act = ir::DType::kI8, std::vector<double> wzp = {0, 0, 0}) {
    x = b.input("x", {1, 4});
    xf = qdq(x, kXs, 3, "x", act);
    const auto w = weight("w", {3, 4}, {127, 0, -5, 1, 2, -127, 0, 0, 64, 64, 64, -128}, kWs, wzp);
    const auto bb = bias("bias", {10, -20, 30}, bias_scales(kXs, kWs));
    y = b.node("Gemm", {xf, w, bb}, {{"transB", int64_t{1}}}, {"y"});
    const auto r = b.node("Relu", {y}, {}, {"r"});
    out = qdq(r, 0.05, -128, "r", act);
    b.output(out);
  }
};

}  // namespace

TEST_CASE("fold-qdq turns DQ -> Gemm + Relu -> Q into one int8 Gemm", "[passes][qdq]") {
  QdqGemm m;
  const passes::FoldQdqReport r = m.run();
  const ir::Graph& g = m.b.g;
  CHECK(r.folded.at("Gemm") == 1);
  CHECK(r.total() == 1);
  // Left: the Quantize of the graph input, the int8 Gemm, the Dequantize of the output.
  REQUIRE(g.nodes.size() == 3);
  CHECK(g.nodes[0].op == "QuantizeLinear");
  CHECK(g.nodes[2].op == "DequantizeLinear");
  const ir::Node& gemm = g.nodes[1];
  REQUIRE(gemm.op == "Gemm");
  const ir::Tensor& xin = g.tensor(gemm.inputs[0]);
  CHECK(xin.name == "x_q");
  CHECK(xin.dtype == ir::DType::kI8);
  CHECK(xin.quant.scale == std::vector<float>{kXs});
  CHECK(xin.quant.zero_point == std::vector<int32_t>{3});
  // The weights are the model's int8 values with its per-channel scales.
  const ir::Tensor& w = g.tensor(gemm.inputs[1]);
  CHECK(w.dtype == ir::DType::kI8);
  CHECK(ir::data_as_int(w) == std::vector<int64_t>{127, 0, -5, 1, 2, -127, 0, 0, 64, 64, 64, -128});
  CHECK(w.quant.axis == 0);
  CHECK(w.quant.scale == std::vector<float>{0.01f, 0.02f, 0.005f});
  CHECK(w.quant.zero_point == std::vector<int32_t>{0, 0, 0});
  // The bias at x_scale * w_scale already: its int32 values unchanged.
  const ir::Tensor& bias = g.tensor(gemm.inputs[2]);
  CHECK(bias.dtype == ir::DType::kI32);
  CHECK(ir::data_as_int(bias) == std::vector<int64_t>{10, -20, 30});
  // The Gemm writes the Quantize's int8 output, clamped at real 0 (the fused Relu).
  const ir::Tensor& y = g.tensor(gemm.outputs[0]);
  CHECK(y.name == "r_q");
  CHECK(y.quant.scale == std::vector<float>{0.05f});
  CHECK(y.quant.zero_point == std::vector<int32_t>{-128});
  CHECK(std::get<double>(gemm.attrs.at("mote_act_min")) == 0.0);
  const ops::KernelCall k = ops::select_kernel(m.b.g, gemm, target::host_target(), ops::Preference::kSpeed);
  CHECK(k.file == "fully_connected_fast_s8.h");  // the zero-point fold fits int32
  // The graph output keeps its name and float type.
  CHECK(g.tensor(g.outputs[0]).name == "r_dq");
  CHECK(g.tensor(g.outputs[0]).dtype == ir::DType::kF32);
}

TEST_CASE("fold-qdq requantizes a bias whose scale is not x_scale * w_scale; per-tensor Conv weights",
          "[passes][qdq]") {
  Qdq m;
  const auto x = m.b.input("x", {1, 2, 3, 3});
  const auto xf = m.qdq(x, kXs, 0, "x");
  const auto w = m.weight("w", {2, 2, 1, 1}, {10, -20, 30, 127}, {0.01}, {0});
  // Bias at half the scale the int8 Conv needs: 100 and -50 become 50 and -25.
  const auto bb = m.bias("bias", {100, -50}, bias_scales(kXs, {0.01, 0.01}, 0.5));
  const auto y = m.b.node("Conv", {xf, w, bb}, {}, {"y"});
  m.b.output(m.qdq(y, 0.1, 5, "y"));
  CHECK(m.run().total() == 1);
  const ir::Graph& g = m.b.g;
  const ir::Node& conv = *find_node(g, "Conv");
  REQUIRE(is_int8_form(g, conv));
  CHECK(g.tensor(conv.inputs[1]).quant.scale == std::vector<float>{0.01f});
  CHECK(ir::data_as_int(g.tensor(conv.inputs[2])) == std::vector<int64_t>{50, -25});
  const ops::KernelCall k = ops::select_kernel(m.b.g, conv, target::host_target(), ops::Preference::kSpeed);
  CHECK(k.file == "conv_fast_s8.h");  // 1x1: pointwise
  // The conv kernels read mult[oc] and shift[oc]: the one per-tensor multiplier, once per channel.
  for (const ops::Param& p : k.params)
    if (p.name == "mult" || p.name == "shift") CHECK(std::get<std::vector<int64_t>>(p.value).size() == 2);
  CHECK(count_op(g, "QuantizeLinear") == 1);
  CHECK(count_op(g, "DequantizeLinear") == 1);
}

TEST_CASE("fold-qdq transposes a MatMul's per-column weights into an int8 Gemm", "[passes][qdq]") {
  Qdq m;
  const auto x = m.b.input("x", {1, 3});
  const auto xf = m.qdq(x, kXs, 0, "x");
  // B (K = 3, N = 2), one scale per output column: axis 1.
  const auto w = m.weight("w", {3, 2}, {1, 2, 3, 4, 5, 6}, {0.5, 0.25}, {0, 0}, 1);
  const auto y = m.b.node("MatMul", {xf, w}, {}, {"y"});
  m.b.output(m.qdq(y, 0.1, 0, "y"));
  CHECK(m.run().total() == 1);
  const ir::Graph& g = m.b.g;
  const ir::Node& gemm = *find_node(g, "Gemm");
  REQUIRE(is_int8_form(g, gemm));
  CHECK(std::get<int64_t>(gemm.attrs.at("transB")) == 1);
  CHECK(g.tensor(gemm.inputs[1]).shape == ir::Shape{2, 3});
  CHECK(ir::data_as_int(g.tensor(gemm.inputs[1])) == std::vector<int64_t>{1, 3, 5, 2, 4, 6});
  CHECK(g.tensor(gemm.inputs[1]).quant.scale == std::vector<float>{0.5f, 0.25f});
}

TEST_CASE("fold-qdq leaves what the int8 kernels cannot take with its ONNX semantics", "[passes][qdq]") {
  SECTION("uint8 activations") {
    QdqGemm m(ir::DType::kU8);
    CHECK(m.run().total() == 0);
    CHECK_FALSE(is_int8_form(m.b.g, *find_node(m.b.g, "Gemm")));
    CHECK(count_op(m.b.g, "QuantizeLinear") == 2);
  }
  SECTION("a weight zero point other than 0") {
    QdqGemm m(ir::DType::kI8, {0, 1, 0});
    CHECK(m.run().total() == 0);
    CHECK_FALSE(is_int8_form(m.b.g, *find_node(m.b.g, "Gemm")));
  }
  SECTION("a float result with another reader than the Quantize") {
    QdqGemm m;
    m.b.output(m.b.node("Sigmoid", {m.y}, {}, {"s"}));
    CHECK(m.run().total() == 0);
    CHECK_FALSE(is_int8_form(m.b.g, *find_node(m.b.g, "Gemm")));
    CHECK(count_op(m.b.g, "QuantizeLinear") == 2);
  }
  SECTION("a float result that is a graph output") {
    Qdq m;
    const auto x = m.b.input("x", {1, 4});
    const auto w = m.weight("w", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}, {0.5}, {0});
    const auto y = m.b.node("Gemm", {m.qdq(x, kXs, 0, "x"), w}, {{"transB", int64_t{1}}}, {"y"});
    m.b.output(m.qdq(y, 0.1, 0, "y"));
    m.b.output(y);
    CHECK(m.run().total() == 0);
  }
}

TEST_CASE("fold-qdq keeps a Dequantize whose float value other nodes still read", "[passes][qdq]") {
  QdqGemm m;
  m.b.output(m.b.node("Sigmoid", {m.xf}, {}, {"s"}));
  CHECK(m.run().total() == 1);
  const ir::Graph& g = m.b.g;
  CHECK(is_int8_form(g, *find_node(g, "Gemm")));
  const ir::Node& sig = *find_node(g, "Sigmoid");
  CHECK(g.tensor(sig.inputs[0]).name == "x_dq");
  CHECK(count_op(g, "DequantizeLinear") == 2);  // x for the Sigmoid, the output
}

TEST_CASE("fold-qdq: residual Add with its Relu, pooling and Flatten in int8", "[passes][qdq]") {
  Qdq m;
  const auto a = m.b.input("a", {1, 2, 4, 4});
  const auto c = m.b.input("c", {1, 2, 4, 4});
  const auto sum = m.b.node("Add", {m.qdq(a, 0.02, 1, "a"), m.qdq(c, 0.03, -2, "c")}, {}, {"sum"});
  const auto relu = m.b.node("Relu", {sum}, {}, {"relu"});
  const auto rf = m.qdq(relu, 0.04, -128, "relu");
  // Max pool keeping the parameters: int8. Average pool with its own: requantized int8.
  const auto mp = m.b.node("MaxPool", {rf}, {{"kernel_shape", std::vector<int64_t>{2, 2}}}, {"mp"});
  const auto mpf = m.qdq(mp, 0.04, -128, "mp");
  const auto ap = m.b.node("GlobalAveragePool", {mpf}, {}, {"ap"});
  const auto apf = m.qdq(ap, 0.01, -100, "ap");
  const auto fl = m.b.node("Flatten", {apf}, {}, {"fl"});
  m.b.output(m.qdq(fl, 0.01, -100, "fl"));
  // A max pool whose Quantize changes the parameters stays float.
  const auto mp2 = m.b.node("MaxPool", {rf}, {{"kernel_shape", std::vector<int64_t>{2, 2}}}, {"mp2"});
  m.b.output(m.qdq(mp2, 0.08, 0, "mp2"));

  const passes::FoldQdqReport r = m.run();
  const ir::Graph& g = m.b.g;
  CHECK(r.folded.at("Add") == 1);
  CHECK(r.folded.at("MaxPool") == 1);
  CHECK(r.folded.at("GlobalAveragePool") == 1);
  CHECK(r.folded.at("Flatten") == 1);
  CHECK(r.total() == 4);
  CHECK(count_op(g, "Relu") == 0);
  const ir::Node& add = *find_node(g, "Add");
  REQUIRE(is_int8_form(g, add));
  CHECK(std::get<double>(add.attrs.at("mote_act_min")) == 0.0);
  CHECK(g.tensor(add.outputs[0]).name == "relu_q");
  CHECK(ops::select_kernel(m.b.g, add, target::host_target(), ops::Preference::kSpeed).file == "add_s8_lut.h");
  int int8_max = 0, float_max = 0;
  for (const ir::Node& n : g.nodes)
    if (n.op == "MaxPool") (is_int8_form(g, n) ? int8_max : float_max)++;
  CHECK(int8_max == 1);
  CHECK(float_max == 1);
  const ir::Node& gap = *find_node(g, "GlobalAveragePool");
  REQUIRE(is_int8_form(g, gap));
  CHECK(g.tensor(gap.outputs[0]).quant.scale == std::vector<float>{0.01f});
  CHECK(is_int8_form(g, *find_node(g, "Flatten")));
}

TEST_CASE("fold-qdq leaves a float model as it is", "[passes][qdq]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto w = b.constant("w", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  b.output(b.node("Relu", {b.node("Gemm", {x, w}, {{"transB", int64_t{1}}})}, {}, {"y"}));
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  const size_t nodes = b.g.nodes.size(), tensors = b.g.tensors.size();
  const passes::FoldQdqReport r = passes::fold_qdq(b.g);
  CHECK(r.total() == 0);
  CHECK(b.g.nodes.size() == nodes);
  CHECK(b.g.tensors.size() == tensors);
}

TEST_CASE("qdq-signed makes uint8 activations int8 (zero points - 128) so they fold too", "[passes][qdq]") {
  // onnxruntime's QUInt8 layout: x with zero point 131 (3 in int8), the Relu's output 0 (-128).
  Qdq m;
  const auto x = m.b.input("x", {1, 4});
  const auto xf = m.qdq(x, kXs, 131, "x", ir::DType::kU8);
  const auto w = m.weight("w", {3, 4}, {127, 0, -5, 1, 2, -127, 0, 0, 64, 64, 64, -128}, kWs, {0, 0, 0});
  const auto bb = m.bias("bias", {10, -20, 30}, bias_scales(kXs, kWs));
  const auto y = m.b.node("Gemm", {xf, w, bb}, {{"transB", int64_t{1}}}, {"y"});
  m.b.output(m.qdq(m.b.node("Relu", {y}, {}, {"r"}), 0.05, 0, "r", ir::DType::kU8));
  passes::resolve(m.b.g);
  passes::fuse_activation(m.b.g);
  CHECK(passes::qdq_signed(m.b.g) == 2);
  REQUIRE(verifier::verify(m.b.g).empty());
  for (const ir::Node& n : m.b.g.nodes) {
    if (n.op != "QuantizeLinear" && n.op != "DequantizeLinear") continue;
    INFO(n.name);
    const ir::Tensor& z = m.b.g.tensor(n.inputs[2]);
    CHECK(z.dtype == ir::DType::kI8);
    const bool of_x = n.name.find("x_") == 0 || m.b.g.tensor(n.outputs[0]).name.find("x_") == 0;
    CHECK(ir::data_as_int(z)[0] == (of_x ? 3 : -128));
  }
  const passes::FoldQdqReport r = passes::fold_qdq(m.b.g);
  REQUIRE(verifier::verify(m.b.g).empty());
  CHECK(r.folded.at("Gemm") == 1);
  CHECK(r.total() == 1);
  const ir::Node* gemm = find_node(m.b.g, "Gemm");
  REQUIRE(gemm);
  CHECK(m.b.g.tensor(gemm->inputs[0]).quant.zero_point == std::vector<int32_t>{3});
  CHECK(m.b.g.tensor(gemm->outputs[0]).quant.zero_point == std::vector<int32_t>{-128});

  // A uint8 tensor that is a graph output keeps its type.
  Qdq k;
  const auto xk = k.b.input("x", {1, 4});
  k.b.output(k.quantize(xk, 0.1, 128, "xq", ir::DType::kU8));
  passes::resolve(k.b.g);
  CHECK(passes::qdq_signed(k.b.g) == 0);
  CHECK(k.b.g.tensor(k.b.g.outputs[0]).dtype == ir::DType::kU8);
}

TEST_CASE("fold-qdq: a Softmax folds when its Q carries the parameters the int8 Softmax imposes", "[passes][qdq]") {
  // 1/256 and -128 (TFLite's): int8. onnxruntime's 1/255: the Softmax stays float.
  for (const double scale : {1.0 / 256, 1.0 / 255}) {
    Qdq m;
    const auto x = m.b.input("x", {1, 10});
    const auto s = m.b.node("Softmax", {m.qdq(x, 0.1, 3, "x")}, {}, {"s"});
    m.b.output(m.qdq(s, scale, -128, "s"));
    const passes::FoldQdqReport r = m.run();
    INFO(scale);
    CHECK(r.total() == (scale == 1.0 / 256 ? 1 : 0));
    CHECK(is_int8_form(m.b.g, *find_node(m.b.g, "Softmax")) == (scale == 1.0 / 256));
  }
}

TEST_CASE("fold-qdq: an activation and a Concat between DQ and Q take their op's int8 rule", "[passes][qdq]") {
  Qdq m;
  const auto x = m.b.input("x", {1, 2, 4, 4});
  const auto z = m.b.input("z", {1, 3, 4, 4});
  const auto s = m.b.node("Sigmoid", {m.qdq(x, 0.05, 0, "x")}, {}, {"s"});
  const auto sq = m.qdq(s, 1.0 / 255, -128, "s");
  const auto c = m.b.node("Concat", {sq, m.qdq(z, 0.03, 4, "z")}, {{"axis", int64_t{1}}}, {"c"});
  m.b.output(m.qdq(c, 0.02, -3, "c"));
  const passes::FoldQdqReport r = m.run();
  CHECK(r.folded.at("Sigmoid") == 1);
  CHECK(r.folded.at("Concat") == 1);
  const ir::Node& sig = *find_node(m.b.g, "Sigmoid");
  REQUIRE(is_int8_form(m.b.g, sig));
  CHECK(ops::select_kernel(m.b.g, sig, target::host_target(), ops::Preference::kSpeed).file == "lut_s8.h");
  const ir::Node& cat = *find_node(m.b.g, "Concat");
  REQUIRE(is_int8_form(m.b.g, cat));
  CHECK(ops::select_kernel(m.b.g, cat, target::host_target(), ops::Preference::kSpeed).file == "concat_s8.h");
}

TEST_CASE("fold-qdq: a Split folds when every part is quantized with its input's parameters", "[passes][qdq]") {
  // Both parts Q'd as the input: one int8 Split. One part Q'd otherwise: it stays
  // float, both parts (an int8 Split with a float part would not be one node).
  for (const double second : {0.1, 0.2}) {
    Qdq m;
    const auto x = m.b.input("x", {1, 4});
    const auto lo = m.b.node("Split", {m.qdq(x, 0.1, 3, "x")}, {{"axis", int64_t{1}}}, {"lo", "hi"});
    const auto hi = m.b.g.nodes.back().outputs[1];
    m.b.output(m.qdq(lo, 0.1, 3, "lo"));
    m.b.output(m.qdq(hi, second, 3, "hi"));
    const passes::FoldQdqReport r = m.run();
    INFO(second);
    CHECK(r.total() == (second == 0.1 ? 1 : 0));
    const ir::Node* split = find_node(m.b.g, "Split");
    REQUIRE(split != nullptr);
    CHECK(is_int8_form(m.b.g, *split) == (second == 0.1));
    CHECK(m.b.g.tensor(split->outputs[1]).dtype == (second == 0.1 ? ir::DType::kI8 : ir::DType::kF32));
  }
}
