// Pass fuse-hardswish: which pairs it fuses and which it leaves; the fused graph
// passes the verifier. What it computes is checked end to end against onnxruntime
// by ctest verify_ic_mobilenetv3 (float) and verify_int8_ic_mobilenetv3_* (int8).
#include <catch2/catch.hpp>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fuse_hardswish.h"
#include "passes/resolve.h"

using namespace mote;

namespace {

const ir::Attributes kSixth = {{"alpha", static_cast<double>(1.0f / 6.0f)}, {"beta", 0.5}};

}  // namespace

TEST_CASE("fuse-hardswish: x * HardSigmoid(x) with alpha 1/6, beta 0.5 becomes HardSwish, in either order",
          "[passes][fuse-hardswish]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4, 3, 3});
  const auto y = b.node("Mul", {x, b.node("HardSigmoid", {x}, kSixth)}, {}, {"y"});
  b.node("Mul", {b.node("HardSigmoid", {y}, kSixth), y}, {}, {"z"});
  b.output(b.g.nodes.back().outputs[0]);
  passes::resolve(b.g);
  CHECK(passes::fuse_hardswish(b.g) == 2);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(test::op_names(b.g) == std::vector<std::string>{"HardSwish", "HardSwish"});
  // compact() renumbers tensors: compare names.
  CHECK(b.g.tensor(b.g.nodes[0].inputs.at(0)).name == "x");
  CHECK(b.g.nodes[0].inputs.size() == 1);
  CHECK(b.g.tensor(b.g.nodes[1].outputs[0]).name == "z");
  CHECK(b.g.nodes[1].name == "Mul_3");  // the Mul's name and output stay
}

TEST_CASE("fuse-hardswish: other constants, another operand, a broadcast or a shared gate", "[passes][fuse-hardswish]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4, 3, 3});
  const auto w = b.input("w", {1, 4, 3, 3});
  const auto s = b.input("s", {1, 4, 1, 1});
  // ONNX's default HardSigmoid (alpha 0.2) is not HardSwish's gate.
  const auto a = b.node("Mul", {x, b.node("HardSigmoid", {x})}, {}, {"a"});
  // The gate of another tensor: a gated product, not HardSwish.
  const auto c = b.node("Mul", {w, b.node("HardSigmoid", {x}, kSixth)}, {}, {"c"});
  // A squeeze-excite gate broadcast over x.
  const auto d = b.node("Mul", {x, b.node("HardSigmoid", {s}, kSixth)}, {}, {"d"});
  // A gate that something else reads too: the Mul fuses, the HardSigmoid stays.
  const auto gate = b.node("HardSigmoid", {w}, kSixth, {"gate"});
  const auto e = b.node("Mul", {gate, w}, {}, {"e"});
  for (auto t : {a, c, d, e, gate}) b.output(t);
  passes::resolve(b.g);
  CHECK(passes::fuse_hardswish(b.g) == 1);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(test::op_names(b.g) == std::vector<std::string>{"HardSigmoid", "Mul", "HardSigmoid", "Mul", "HardSigmoid", "Mul",
                                             "HardSigmoid", "HardSwish"});
}
