#include <catch2/catch.hpp>

#include "compiler/ir/printer.h"
#include "compiler/ops/registry.h"
#include "compiler/ops/select.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/qoperator_to_int8.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

// x (float) -> QuantizeLinear(int8) -> QLinearConv 2 -> 3 channels 3x3 -> QLinearMatMul by [12, 4] (after
// a Reshape) -> DequantizeLinear -> y. `zp_type` is the activations' type, `w_zp` the weights' zero point.
struct QModel {
  test::GraphBuilder b;
  QModel(ir::DType zp_type, double w_zp) {
    const auto x = b.input("x", {1, 2, 4, 4});
    const auto xs = b.constant("xs", {}, {0.05});
    const auto xz = b.constant("xz", {}, {zp_type == ir::DType::kI8 ? -3.0 : 125.0}, zp_type);
    const auto xq = b.node("QuantizeLinear", {x, xs, xz}, {}, {"xq"});
    std::vector<double> w(3 * 2 * 3 * 3);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(static_cast<int>(i * 7 % 23) - 11);
    const auto wc = b.constant("wc", {3, 2, 3, 3}, w, zp_type);
    const auto ws = b.constant("ws", {3}, {0.01, 0.02, 0.015});
    const auto wz = b.constant("wz", {3}, {w_zp, w_zp, w_zp}, zp_type);
    const auto ys = b.constant("ys", {}, {0.1});
    const auto yz = b.constant("yz", {}, {zp_type == ir::DType::kI8 ? 4.0 : 130.0}, zp_type);
    const auto bias = b.constant("bias", {3}, {100, -50, 0}, ir::DType::kI32);
    const auto c = b.node("QLinearConv", {xq, xs, xz, wc, ws, wz, ys, yz, bias}, {}, {"c"});
    const auto shape = b.constant_ints("shape", {1, 12});
    const auto r = b.node("Reshape", {c, shape}, {}, {"r"});
    std::vector<double> m(12 * 4);
    for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<double>(static_cast<int>(i * 5 % 17) - 8);
    const auto mb = b.constant("mb", {12, 4}, m, zp_type);
    const auto ms = b.constant("ms", {}, {0.03});
    const auto mz = b.constant("mz", {}, {0}, zp_type);
    const auto os = b.constant("os", {}, {0.2});
    const auto oz = b.constant("oz", {}, {zp_type == ir::DType::kI8 ? -1.0 : 128.0}, zp_type);
    const auto mm = b.node("QLinearMatMul", {r, ys, yz, mb, ms, mz, os, oz}, {}, {"mm"});
    b.output(b.node("DequantizeLinear", {mm, os, oz}, {}, {"y"}));
    passes::resolve(b.g);
  }
};

const ir::Node* find(const ir::Graph& g, const std::string& op) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op) return &n;
  return nullptr;
}

}  // namespace

TEST_CASE("qoperator-to-int8 puts int8 QLinearConv and QLinearMatMul on the integer kernels", "[passes][qoperator]") {
  QModel m(ir::DType::kI8, 0);
  ir::Graph& g = m.b.g;
  CHECK(passes::qoperator_to_int8(g) == 2);
  INFO(ir::print(g));
  REQUIRE(verifier::verify(g).empty());
  const ir::Node* conv = find(g, "Conv");
  const ir::Node* gemm = find(g, "Gemm");
  REQUIRE(conv);
  REQUIRE(gemm);
  CHECK(find(g, "QLinearConv") == nullptr);
  CHECK(g.tensor(conv->inputs[0]).quant.scale == std::vector<float>{0.05f});
  CHECK(g.tensor(conv->inputs[0]).quant.zero_point == std::vector<int32_t>{-3});
  CHECK(g.tensor(conv->inputs[1]).quant.scale == std::vector<float>{0.01f, 0.02f, 0.015f});
  CHECK(g.tensor(conv->outputs[0]).quant.zero_point == std::vector<int32_t>{4});
  CHECK(ops::select_kernel(g, *conv, target::host_target(), ops::Preference::kSpeed).kernel == "conv2d_s8_baked");
  // B (12, 4) transposed to one row per output unit.
  const ir::Tensor& w = g.tensor(gemm->inputs[1]);
  CHECK(w.shape == ir::Shape{4, 12});
  const std::vector<double> wt = ir::data_as_double(w);
  CHECK(wt[1] == static_cast<double>(static_cast<int>(4 * 5 % 17) - 8));  // B[1][0]
  CHECK(ops::select_kernel(g, *gemm, target::host_target(), ops::Preference::kSpeed).kernel == "fully_connected_s8_fast_baked");
}

TEST_CASE("qoperator-to-int8 leaves uint8 and asymmetric weights on the exact kernels", "[passes][qoperator]") {
  QModel u8(ir::DType::kU8, 128);
  CHECK(passes::qoperator_to_int8(u8.b.g) == 0);
  CHECK(find(u8.b.g, "QLinearConv") != nullptr);
  QModel asym(ir::DType::kI8, 2);
  CHECK(passes::qoperator_to_int8(asym.b.g) == 1);  // the MatMul's weights are symmetric, the conv's are not
  CHECK(find(asym.b.g, "QLinearConv") != nullptr);
  CHECK(find(asym.b.g, "Gemm") != nullptr);
}
