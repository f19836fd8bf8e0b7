#include <catch2/catch.hpp>

#include "compiler/ir/printer.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("tensor data round-trips through every dtype", "[ir]") {
  for (ir::DType t : {ir::DType::kF32, ir::DType::kF64, ir::DType::kI8, ir::DType::kU8, ir::DType::kI16,
                      ir::DType::kI32, ir::DType::kI64, ir::DType::kBool}) {
    ir::Tensor x;
    x.dtype = t;
    x.shape = {3};
    x.data = ir::encode_int(t, {0, 1, 7});
    CHECK(ir::data_as_int(x) == std::vector<int64_t>{0, 1, t == ir::DType::kBool ? 1 : 7});
    CHECK(static_cast<int64_t>(x.data->size()) == 3 * ir::dtype_size(t));
  }
}

TEST_CASE("compact drops unreferenced tensors and renumbers", "[ir]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {2});
  b.constant("unused", {1}, {1.0});
  const auto y = b.node("Relu", {x});
  b.output(y);
  REQUIRE(b.g.tensors.size() == 3);
  b.g.compact();
  CHECK(b.g.tensors.size() == 2);
  CHECK(b.g.tensor(b.g.nodes[0].outputs[0]).name == "Relu_0_out");
  CHECK(b.g.find_tensor("unused") == ir::kNoTensor);
}

TEST_CASE("verifier accepts a sound graph and names each broken invariant", "[ir][verifier]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto r = b.node("Relu", {x});
  const auto s = b.node("Sigmoid", {r});
  b.output(s);
  passes::resolve(b.g);
  CHECK(verifier::verify(b.g).empty());

  SECTION("use before definition") {
    std::swap(b.g.nodes[0], b.g.nodes[1]);
    const auto errs = verifier::verify(b.g);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("before it is produced") != std::string::npos);
  }
  SECTION("a tensor produced twice") {
    b.g.nodes[1].outputs[0] = b.g.nodes[0].outputs[0];
    b.g.outputs = {b.g.nodes[0].outputs[0]};
    bool found = false;
    for (const auto& e : verifier::verify(b.g)) found = found || e.find("produced twice") != std::string::npos;
    CHECK(found);
  }
  SECTION("a shape that contradicts the op's rule") {
    b.g.tensor(s).shape = {1, 5};
    const auto errs = verifier::verify(b.g);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("its rule says") != std::string::npos);
  }
  SECTION("an output nobody produces") {
    b.g.nodes.pop_back();
    const auto errs = verifier::verify(b.g);
    REQUIRE(!errs.empty());
    CHECK(errs[0].find("never produced") != std::string::npos);
  }
  SECTION("the printer shows every node") {
    const std::string text = ir::print(b.g);
    CHECK(text.find("Relu \"Relu_0\"") != std::string::npos);
    CHECK(text.find("%x:f32[1x4]") != std::string::npos);
  }
}
