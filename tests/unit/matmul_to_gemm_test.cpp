// Pass matmul-to-gemm: the graph it writes is checked by the verifier (each node
// against its operator's rule, shapes included); what it computes is checked end to
// end against onnxruntime by ctest verify_attention_block.
#include <catch2/catch.hpp>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/matmul_to_gemm.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("matmul-to-gemm: a MatMul by a constant matrix becomes a Gemm, on a 2-D view of a 3-D input",
          "[passes][matmul-to-gemm]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 5, 4});                                       // (batch, T, D)
  const auto w = b.constant("w", {4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1});  // D -> 3
  const auto y = b.node("MatMul", {x, w}, {}, {"y"});
  const auto m = b.input("m", {2, 3});
  const auto z = b.node("MatMul", {m, b.constant("v", {3, 2}, {1, 2, 3, 4, 5, 6})}, {}, {"z"});
  const auto q = b.node("MatMul", {y, b.input("k", {1, 3, 5})}, {}, {"q"});  // two activations: stays
  b.output(y);
  b.output(z);
  b.output(q);
  passes::resolve(b.g);
  CHECK(passes::matmul_to_gemm(b.g) == 2);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(test::op_names(b.g) == std::vector<std::string>{"Reshape", "Gemm", "Reshape", "Gemm", "MatMul"});
  const ir::Node& gemm = b.g.nodes[1];
  CHECK(b.g.tensor(gemm.inputs[0]).shape == ir::Shape{5, 4});
  CHECK(b.g.tensor(gemm.outputs[0]).shape == ir::Shape{5, 3});
  CHECK(gemm.attrs.empty());  // transB = 0: B is the MatMul's (K, N)
  CHECK(b.g.nodes[2].outputs[0] == y);  // the graph's tensor, with its 3-D shape
  CHECK(b.g.tensor(y).shape == ir::Shape{1, 5, 3});
  CHECK(b.g.nodes[3].inputs[0] == m);  // 2-D: no view needed
  CHECK(b.g.nodes[3].outputs[0] == z);
}

TEST_CASE("matmul-to-gemm: the 3-D Linear then quantizes to an int8 Gemm", "[passes][matmul-to-gemm][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 6, 4});
  const auto s = b.node("Mul", {x, b.constant("half", {}, {0.5})}, {}, {"s"});  // an int8 producer
  const auto y = b.node("MatMul", {s, b.constant("w", {4, 2}, {1, -1, 0.5, 2, -0.25, 1, 3, 0})}, {}, {"y"});
  b.output(y);
  passes::resolve(b.g);
  REQUIRE(passes::matmul_to_gemm(b.g) == 1);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-2.0f, 2.0f};
  o.ranges["s"] = {-1.0f, 1.0f};
  o.ranges["y"] = {-8.0f, 8.0f};
  o.ranges[b.g.tensor(b.g.nodes[2].outputs[0]).name] = {-8.0f, 8.0f};  // the Gemm's 2-D output
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  for (const auto& f : r.float_layers) INFO(f.name << ": " << f.reason);
  CHECK(r.float_layers.empty());
  bool int8_gemm = false;
  for (const ir::Node& n : b.g.nodes)
    int8_gemm = int8_gemm || (n.op == "Gemm" && b.g.tensor(n.inputs[0]).dtype == ir::DType::kI8);
  CHECK(int8_gemm);
}

TEST_CASE("matmul-to-gemm: a Linear layer's bias Add becomes the Gemm's C", "[passes][matmul-to-gemm]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 5, 4});
  const auto w = b.constant("w", {4, 3}, std::vector<double>(12, 0.5));
  const auto y = b.node("MatMul", {x, w}, {}, {"y"});
  const auto bias = b.constant("bias", {1, 1, 3}, {1, 2, 3});  // broadcast along the last axis only
  const auto z = b.node("Add", {bias, y}, {}, {"z"});           // either operand order
  const auto y2 = b.node("MatMul", {z, b.constant("w2", {3, 2}, std::vector<double>(6, 1.0))}, {}, {"y2"});
  const auto per_row = b.constant("per_row", {5, 1}, {1, 2, 3, 4, 5});  // not a bias: stays an Add
  b.output(b.node("Add", {y2, per_row}, {}, {"out"}));
  passes::resolve(b.g);
  CHECK(passes::matmul_to_gemm(b.g) == 2);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(test::op_names(b.g) == std::vector<std::string>{"Reshape", "Gemm", "Reshape", "Reshape", "Gemm", "Reshape", "Add"});
  const ir::Node& gemm = b.g.nodes[1];
  REQUIRE(gemm.inputs.size() == 3);
  CHECK(b.g.tensor(gemm.inputs[2]).shape == ir::Shape{3});
  CHECK(b.g.nodes[2].outputs[0] == b.g.find_tensor("z"));  // the Add's output, now the Gemm's (reshaped)
  CHECK(b.g.find_tensor("y") == ir::kNoTensor);            // the MatMul's own output is gone
  CHECK(b.g.nodes[4].inputs.size() == 2);                   // the second keeps its Add
}

TEST_CASE("matmul-to-gemm: a Linear layer on the graph input quantizes the input in front of its view",
          "[passes][matmul-to-gemm][quantize]") {
  // torch's first Linear of a transformer: the view of the input is where it is
  // quantized, so --io int8 can take the input in int8.
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 6, 4});
  const auto y = b.node("MatMul", {x, b.constant("w", {4, 2}, {1, -1, 0.5, 2, -0.25, 1, 3, 0})}, {}, {"y"});
  b.output(y);
  passes::resolve(b.g);
  REQUIRE(passes::matmul_to_gemm(b.g) == 1);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-2.0f, 2.0f};
  o.ranges["y"] = {-8.0f, 8.0f};
  o.ranges[b.g.tensor(b.g.nodes[1].outputs[0]).name] = {-8.0f, 8.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  for (const auto& f : r.float_layers) INFO(f.name << ": " << f.reason);
  CHECK(r.float_layers.empty());
  CHECK(test::op_names(b.g).front() == "QuantizeLinear");
  CHECK(b.g.tensor(b.g.nodes[1].inputs[0]).dtype == ir::DType::kI8);  // the view reads int8
}

TEST_CASE("quantize-int8: a view of the input that a float-only layer reads stays float", "[passes][quantize]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 6, 4});
  const auto t = b.node("Transpose", {x}, {{"perm", std::vector<int64_t>{0, 2, 1}}}, {"t"});
  b.output(b.node("Sin", {t}, {}, {"s"}));  // no int8 rule: quantizing x would buy nothing
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  o.ranges["x"] = {-2.0f, 2.0f};
  o.ranges["t"] = {-2.0f, 2.0f};
  o.ranges["s"] = {-1.0f, 1.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(test::op_names(b.g) == std::vector<std::string>{"Transpose", "Sin"});
  REQUIRE(r.float_layers.size() == 2);
  CHECK(r.float_layers[0].reason.find("its producer stays float") != std::string::npos);
}
