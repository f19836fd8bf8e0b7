#include <catch2/catch.hpp>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/dead_code.h"
#include "passes/expose_intermediates.h"
#include "passes/fuse_activation.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("expose-intermediates makes every read node output a graph output", "[passes][calibration]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto w = b.constant("w", {2, 2, 1, 1}, {1, 0, 0, 1});
  const auto c = b.node("Conv", {x, w});
  const auto r = b.node("Relu", {c});
  const auto p = b.node("MaxPool", {r}, {{"kernel_shape", std::vector<int64_t>{2, 2}}}, {"pooled", "indices"});
  b.output(p);
  passes::expose_intermediates(b.g);
  // The model's own output first, then the conv and relu outputs; the unread
  // indices output of MaxPool is not exposed.
  REQUIRE(b.g.outputs == std::vector<ir::TensorId>{p, c, r});
  passes::eliminate_dead_code(b.g);  // the unread indices become absent, as in the pipeline
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  // Relu still has a node of its own: the conv output must be observable before the clamp.
  CHECK(b.g.nodes.size() == 3);
}
