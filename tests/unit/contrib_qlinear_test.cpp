// The com.microsoft QLinear operators' lowering (frontend/contrib_qlinear.cpp): the
// ONNX op on int8 tensors carrying the node's scales and zero points, and the
// reasons it refuses. End to end against onnxruntime: ctest verify_qlinear_block_*.
#include <catch2/catch.hpp>

#include "frontend/contrib_qlinear.h"
#include "graph_builder.h"

using namespace mote;

namespace {

// QLinearAdd(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) with the zero
// points of type zp_type and b's scale `b_scale`.
struct AddCase {
  test::GraphBuilder b;
  ir::TensorId a, bb, y;
  AddCase(ir::DType zp_type, double b_scale) {
    a = b.input("a", {1, 4}, ir::DType::kI8);
    bb = b.input("b", {1, 4}, ir::DType::kI8);
    auto zp = [&](const char* name, double v) { return b.constant(name, {}, {v}, zp_type); };
    y = b.node("QLinearAdd", {a, b.constant("as", {}, {0.5}), zp("az", 3), bb, b.constant("bs", {}, {b_scale}),
                              zp("bz", -2), b.constant("ys", {}, {0.25}), zp("yz", 1)},
               {}, {"y"});
  }
  ir::Node& node() { return b.g.nodes.back(); }
};

}  // namespace

TEST_CASE("contrib QLinear: QLinearAdd lowers to an int8 Add whose tensors carry its parameters",
          "[frontend][contrib_qlinear]") {
  CHECK(frontend::is_contrib_qlinear("QLinearAdd"));
  CHECK(frontend::is_contrib_qlinear("QLinearSoftmax"));
  CHECK_FALSE(frontend::is_contrib_qlinear("QLinearConv"));  // an ONNX operator, not com.microsoft's
  AddCase c(ir::DType::kI8, 0.125);
  REQUIRE(frontend::lower_contrib_qlinear(c.b.g, c.node()) == "");
  CHECK(c.node().op == "Add");
  CHECK(c.node().inputs == std::vector<ir::TensorId>{c.a, c.bb});
  CHECK(c.b.g.tensor(c.a).quant.scale == std::vector<float>{0.5f});
  CHECK(c.b.g.tensor(c.a).quant.zero_point == std::vector<int32_t>{3});
  CHECK(c.b.g.tensor(c.bb).quant.scale == std::vector<float>{0.125f});
  CHECK(c.b.g.tensor(c.y).quant.zero_point == std::vector<int32_t>{1});
  CHECK(c.b.g.tensor(c.y).dtype == ir::DType::kI8);
}

TEST_CASE("contrib QLinear: uint8 activations and a tensor given two scales are refused, saying why",
          "[frontend][contrib_qlinear]") {
  AddCase u8(ir::DType::kU8, 0.125);
  CHECK_THAT(frontend::lower_contrib_qlinear(u8.b.g, u8.node()), Catch::Contains("uint8"));
  CHECK(u8.node().op == "QLinearAdd");  // untouched
  CHECK(u8.b.g.tensor(u8.a).quant.empty());

  AddCase twice(ir::DType::kI8, 0.125);
  twice.b.g.tensor(twice.bb).quant.scale = {0.3f};  // its producer said otherwise
  twice.b.g.tensor(twice.bb).quant.zero_point = {-2};
  CHECK_THAT(frontend::lower_contrib_qlinear(twice.b.g, twice.node()), Catch::Contains("is given scale"));

  AddCase bad_scale(ir::DType::kI8, -1.0);
  CHECK_THAT(frontend::lower_contrib_qlinear(bad_scale.b.g, bad_scale.node()), Catch::Contains("positive scale"));
}

TEST_CASE("contrib QLinear: QLinearConcat's triples and QLinearSoftmax's opset", "[frontend][contrib_qlinear]") {
  test::GraphBuilder b;
  const auto x1 = b.input("x1", {1, 2}, ir::DType::kI8), x2 = b.input("x2", {1, 3}, ir::DType::kI8);
  auto s = [&](const char* n, double v) { return b.constant(n, {}, {v}); };
  auto z = [&](const char* n, double v) { return b.constant(n, {}, {v}, ir::DType::kI8); };
  b.node("QLinearConcat", {s("ys", 0.1), z("yz", 0), x1, s("s1", 0.2), z("z1", 1), x2, s("s2", 0.3), z("z2", 2)},
         {{"axis", int64_t{1}}}, {"cat"});
  REQUIRE(frontend::lower_contrib_qlinear(b.g, b.g.nodes.back()) == "");
  CHECK(b.g.nodes.back().op == "Concat");
  CHECK(b.g.nodes.back().inputs == std::vector<ir::TensorId>{x1, x2});
  CHECK(b.g.tensor(x2).quant.zero_point == std::vector<int32_t>{2});

  const auto l = b.input("l", {1, 5}, ir::DType::kI8);
  b.node("QLinearSoftmax", {l, s("ls", 0.1), z("lz", 0), s("ps", 1.0 / 256), z("pz", -128)},
         {{"axis", int64_t{1}}, {"opset", int64_t{11}}}, {"p"});
  REQUIRE(frontend::lower_contrib_qlinear(b.g, b.g.nodes.back()) == "");
  CHECK(b.g.nodes.back().op == "Softmax");
  CHECK(b.g.nodes.back().opset == 11);  // flattened-to-2-D semantics
  CHECK(b.g.nodes.back().attrs.count("opset") == 0);
}
