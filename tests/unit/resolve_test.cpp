#include <catch2/catch.hpp>

#include "compiler/ir/tensor_data.h"
#include "compiler/support/error.h"
#include "graph_builder.h"
#include "passes/dead_code.h"
#include "passes/eliminate_identity.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("resolve infers shapes through the op rules", "[passes][resolve]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", {4, 3, 3, 3}, std::vector<double>(108, 0.5));
  const auto c = b.node("Conv", {x, w}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"strides", std::vector<int64_t>{2, 2}}});
  const auto f = b.node("Flatten", {c});
  b.output(f);
  passes::resolve(b.g);
  // (8 + 2 - 3) / 2 + 1 = 4
  CHECK(b.g.tensor(b.g.nodes[0].outputs[0]).shape == ir::Shape{1, 4, 4, 4});
  CHECK(b.g.tensor(b.g.outputs[0]).shape == ir::Shape{1, 64});
}

TEST_CASE("resolve folds shape arithmetic into constants", "[passes][resolve]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {2, 6});
  const auto a = b.constant_ints("a", {3, 2});
  const auto two = b.constant_ints("two", {2});
  const auto shape = b.node("Mul", {a, two});  // [6, 4]: not yet a valid shape for 12 elements
  const auto half = b.constant_ints("half", {2, 1});
  const auto s2 = b.node("Div", {shape, half});  // [3, 4]
  const auto r = b.node("Reshape", {x, s2});
  b.output(r);
  passes::resolve(b.g);
  REQUIRE(b.g.nodes.size() == 1);  // Mul and Div folded away
  CHECK(b.g.nodes[0].op == "Reshape");
  CHECK(ir::data_as_int(b.g.tensor(b.g.nodes[0].inputs[1])) == std::vector<int64_t>{3, 4});
  CHECK(b.g.tensor(b.g.outputs[0]).shape == ir::Shape{3, 4});
}

TEST_CASE("resolve refuses naming the model, the node and the reason", "[passes][resolve]") {
  test::GraphBuilder b;
  b.g.name = "m.onnx";
  const auto x = b.input("x", {1, 4});
  const auto y = b.node("NoSuchOp", {x});
  b.output(y);
  try {
    passes::resolve(b.g);
    FAIL("expected a refusal");
  } catch (const support::Refusal& e) {
    CHECK(std::string(e.what()) == "m.onnx: node 'NoSuchOp_0' (NoSuchOp): operator NoSuchOp is not supported");
  }
}

TEST_CASE("resolve refuses attributes it does not implement", "[passes][resolve]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto y = b.node("Relu", {x}, {{"mystery", int64_t{1}}});
  b.output(y);
  CHECK_THROWS_WITH(passes::resolve(b.g), Catch::Contains("attribute 'mystery' is not supported"));
}

TEST_CASE("resolve_collecting lists every node it cannot compile", "[passes][resolve]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto a = b.node("Foo", {x});
  const auto c = b.node("Relu", {a});
  const auto d = b.node("Bar", {x});
  b.output(c);
  b.output(d);
  const auto problems = passes::resolve_collecting(b.g);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].op == "Foo");
  CHECK(problems[1].reason.find("comes from a node Mote cannot compile") != std::string::npos);
  CHECK(problems[2].op == "Bar");
}

TEST_CASE("eliminate-identity and dce remove nodes that compute nothing", "[passes]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {4});
  const auto i = b.node("Identity", {x});
  const auto r = b.node("Relu", {i});
  b.node("Sigmoid", {x});  // dead
  b.output(r);
  passes::resolve(b.g);
  passes::eliminate_identity(b.g);
  passes::eliminate_dead_code(b.g);
  REQUIRE(b.g.nodes.size() == 1);
  CHECK(b.g.nodes[0].op == "Relu");
  CHECK(b.g.nodes[0].inputs[0] == b.g.inputs[0]);
}

TEST_CASE("a constant graph output gets a copy node", "[passes][resolve]") {
  test::GraphBuilder b;
  b.input("x", {2});
  const auto c = b.constant("c", {2}, {1.0, 2.0});
  b.output(c);
  passes::resolve(b.g);
  REQUIRE(b.g.nodes.size() == 1);
  CHECK(b.g.nodes[0].op == "Identity");
  CHECK(!b.g.tensor(b.g.outputs[0]).is_constant());
  CHECK(b.g.tensor(b.g.outputs[0]).name == "c");
}

TEST_CASE("DequantizeLinear of int32 takes a zero point of 0 and refuses any other", "[passes][resolve][quant]") {
  auto dequantize = [](const std::vector<int64_t>& zero_point, bool constant) {
    test::GraphBuilder b;
    const auto x = b.input("x", {3}, ir::DType::kI32);
    const auto s = b.constant("s", {3}, {0.5, 0.25, 0.125});
    const auto z = constant ? b.constant("z", {3}, std::vector<double>(zero_point.begin(), zero_point.end()), ir::DType::kI32)
                            : b.input("z", {3}, ir::DType::kI32);
    b.output(b.node("DequantizeLinear", {x, s, z}, {{"axis", int64_t{0}}}));
    passes::resolve(b.g);
  };
  CHECK_NOTHROW(dequantize({0, 0, 0}, true));  // as onnxruntime's quantize_static writes biases
  CHECK_THROWS_WITH(dequantize({0, 3, 0}, true), Catch::Contains("an int32 zero point must be 0 (ONNX), not 3"));
  CHECK_THROWS_WITH(dequantize({0, 0, 0}, false), Catch::Contains("an int32 zero point must be a constant 0"));
}

TEST_CASE("dce drops a GRU's unread Y (output 0) and keeps it when read; other ops keep output 0",
          "[passes][dce]") {
  // GRU: X (T=4, B=1, I=2), W (1, 3H, I), R (1, 3H, H) with H = 3.
  for (const bool y_read : {false, true}) {
    test::GraphBuilder b;
    const auto x = b.input("x", {4, 1, 2});
    const auto w = b.constant("w", {1, 9, 2}, std::vector<double>(18, 0.1));
    const auto r = b.constant("r", {1, 9, 3}, std::vector<double>(27, 0.05));
    const auto y = b.node("GRU", {x, w, r}, {{"hidden_size", int64_t{3}}}, {"y", "y_h"});
    const auto y_h = b.g.nodes.back().outputs[1];
    b.output(y_h);
    if (y_read) b.output(y);
    b.node("TopK", {b.input("p", {1, 6}), b.constant_ints("k", {2})}, {}, {"values", "indices"});
    b.output(b.g.nodes.back().outputs[1]);  // TopK's Indices read, its Values not: output 0 stays
    passes::resolve(b.g);
    passes::eliminate_dead_code(b.g);
    INFO("Y read: " << y_read);
    REQUIRE(b.g.nodes.size() == 2);
    CHECK((b.g.nodes[0].outputs[0] == ir::kNoTensor) == !y_read);
    CHECK(b.g.nodes[0].outputs[1] != ir::kNoTensor);
    CHECK(b.g.nodes[1].outputs[0] != ir::kNoTensor);
  }
}
