#include <catch2/catch.hpp>

#include "compiler/support/error.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/int8_io.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

// x -> QuantizeLinear(0.5, zp_in) -> Flatten -> DequantizeLinear(0.25, -1) -> y
struct Boundary {
  test::GraphBuilder b;
  explicit Boundary(ir::DType zp_type = ir::DType::kI8, const char* last = "DequantizeLinear") {
    const auto x = b.input("x", {1, 2, 2});
    const auto s_in = b.constant("s_in", {}, {0.5});
    const auto z_in = b.constant("z_in", {}, {3}, zp_type);
    const auto xq = b.node("QuantizeLinear", {x, s_in, z_in}, {}, {"xq"});
    const auto f = b.node("Flatten", {xq}, {}, {"f"});
    const auto s_out = b.constant("s_out", {}, {0.25});
    const auto z_out = b.constant("z_out", {}, {-1}, zp_type);
    if (std::string(last) == "DequantizeLinear") {
      b.output(b.node("DequantizeLinear", {f, s_out, z_out}, {}, {"y"}));
    } else {
      const auto d = b.node("DequantizeLinear", {f, s_out, z_out}, {}, {"d"});
      b.output(b.node(last, {d}, {}, {"y"}));
    }
    passes::resolve(b.g);
  }
};

}  // namespace

TEST_CASE("int8-io moves the C API onto the int8 tensors and drops the boundary nodes", "[passes][io]") {
  Boundary m;
  ir::Graph& g = m.b.g;
  passes::int8_io(g);
  REQUIRE(verifier::verify(g).empty());
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].op == "Flatten");
  const ir::Tensor& in = g.tensor(g.inputs.at(0));
  const ir::Tensor& out = g.tensor(g.outputs.at(0));
  CHECK(in.name == "x");
  CHECK(in.dtype == ir::DType::kI8);
  CHECK(in.quant.scale == std::vector<float>{0.5f});
  CHECK(in.quant.zero_point == std::vector<int32_t>{3});
  CHECK(out.name == "y");
  CHECK(out.dtype == ir::DType::kI8);
  CHECK(out.quant.scale == std::vector<float>{0.25f});
  CHECK(out.quant.zero_point == std::vector<int32_t>{-1});
  CHECK(g.nodes[0].inputs[0] == g.inputs[0]);
  CHECK(g.nodes[0].outputs[0] == g.outputs[0]);
}

TEST_CASE("int8-io refuses uint8 boundaries and float first or last nodes", "[passes][io]") {
  Boundary u8(ir::DType::kU8);
  CHECK_THROWS_WITH(passes::int8_io(u8.b.g), Catch::Contains("input 'x'") && Catch::Contains("does not quantize it to int8"));
  Boundary tail(ir::DType::kI8, "Relu");
  CHECK_THROWS_WITH(passes::int8_io(tail.b.g),
                    Catch::Contains("output 'y' is written by Relu") && Catch::Contains("in float"));
}
