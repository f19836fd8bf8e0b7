#include <catch2/catch.hpp>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fuse_activation.h"
#include "passes/resolve.h"

using namespace mote;

namespace {
ir::TensorId conv(test::GraphBuilder& b, ir::TensorId x) {
  const auto w = b.constant("w" + std::to_string(b.g.tensors.size()), {2, 2, 1, 1}, {1, 0, 0, 1});
  return b.node("Conv", {x, w});
}
}  // namespace

TEST_CASE("fuse-activation folds Relu and constant Clip into Conv/Gemm", "[passes][fusion]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto r = b.node("Relu", {conv(b, x)});
  const auto lo = b.constant("lo", {}, {0.0});
  const auto hi = b.constant("hi", {}, {6.0});
  const auto c = b.node("Clip", {conv(b, r), lo, hi});
  b.output(c);
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 2);
  CHECK(b.g.nodes[0].op == "Conv");
  CHECK(std::get<double>(b.g.nodes[0].attrs.at("mote_act_min")) == 0.0);
  CHECK(std::get<double>(b.g.nodes[1].attrs.at("mote_act_max")) == 6.0);
  CHECK(b.g.nodes[1].outputs[0] == b.g.outputs[0]);
}

TEST_CASE("fuse-activation leaves outputs that others read", "[passes][fusion]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto y = conv(b, x);
  const auto r = b.node("Relu", {y});
  const auto s = b.node("Add", {y, r});  // the raw conv output is read again
  b.output(s);
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  CHECK(b.g.nodes.size() == 3);
  CHECK(b.g.nodes[0].attrs.count("mote_act_min") == 0);
}

TEST_CASE("fuse-activation leaves a Clip whose bound is computed", "[passes][fusion]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto lo = b.input("lo", {});
  const auto c = b.node("Clip", {conv(b, x), lo});
  b.output(c);
  b.g.nodes[0].opset = 13;
  // Clip needs constant bounds to resolve at all; the pass alone must still refuse to fuse.
  b.g.tensor(b.g.nodes[0].outputs[0]).shape = {1, 2, 3, 3};
  b.g.tensor(b.g.nodes[0].outputs[0]).dtype = ir::DType::kF32;
  b.g.tensor(b.g.nodes[0].outputs[0]).shape_known = true;
  passes::fuse_activation(b.g);
  CHECK(b.g.nodes.size() == 2);
}

TEST_CASE("fuse-activation folds a Relu into a float Add, not a Clip (the float Add's kernel has no clamp)",
          "[passes][fusion]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 3});
  const auto z = b.input("z", {1, 2, 3, 3});
  const auto s1 = b.node("Add", {x, z});
  const auto r = b.node("Relu", {s1}, {}, {"r"});
  const auto s2 = b.node("Add", {r, z});
  const auto lo = b.constant("lo", {}, {0.0});
  const auto hi = b.constant("hi", {}, {6.0});
  b.output(b.node("Clip", {s2, lo, hi}));
  passes::resolve(b.g);
  passes::fuse_activation(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.nodes.size() == 3);  // Add (with the Relu), Add, Clip
  CHECK(b.g.nodes[0].op == "Add");
  CHECK(std::get<double>(b.g.nodes[0].attrs.at("mote_act_min")) == 0.0);
  CHECK(b.g.tensor(b.g.nodes[0].outputs[0]).name == "r");
  CHECK(b.g.nodes[1].attrs.empty());
  CHECK(b.g.nodes[2].op == "Clip");
}
