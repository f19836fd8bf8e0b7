#include <catch2/catch.hpp>

#include "compiler/target/target.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/fold_pad.h"
#include "passes/memory/plan_memory.h"
#include "passes/resolve.h"
#include "passes/select_kernels.h"

using namespace mote;

namespace {

// A 3x3 Conv weight for `c` channels in and out.
ir::TensorId weight(test::GraphBuilder& b, int64_t c, const std::string& name = "w") {
  return b.constant(name, {c, c, 3, 3}, std::vector<double>(static_cast<size_t>(c * c * 9), 0.125));
}

// Pad (opset 11+: pads, and the value when given, are inputs).
ir::TensorId pad(test::GraphBuilder& b, ir::TensorId x, const std::vector<int64_t>& pads, ir::Attributes attrs = {},
                 ir::TensorId value = ir::kNoTensor) {
  std::vector<ir::TensorId> ins = {x, b.constant_ints("pads" + std::to_string(b.g.tensors.size()), pads)};
  if (value != ir::kNoTensor) ins.push_back(value);
  const ir::TensorId y = b.node("Pad", ins, std::move(attrs));
  b.g.nodes.back().opset = 11;
  return y;
}

const ir::Node& node(const ir::Graph& g, const std::string& op) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op) return n;
  FAIL("no " << op);
  return g.nodes[0];
}

int count(const ir::Graph& g, const std::string& op) {
  int k = 0;
  for (const ir::Node& n : g.nodes) k += n.op == op;
  return k;
}

std::vector<int64_t> pads_of(const ir::Node& n) { return std::get<std::vector<int64_t>>(n.attrs.at("pads")); }

// resolve, fold-pad, and the verifier; the graph's output shapes must not change.
int run(ir::Graph& g) {
  passes::resolve(g);
  std::vector<ir::Shape> before;
  for (ir::TensorId t : g.outputs) before.push_back(g.tensor(t).shape);
  const int folded = passes::fold_pad(g);
  REQUIRE(verifier::verify(g).empty());
  for (size_t i = 0; i < g.outputs.size(); ++i) CHECK(g.tensor(g.outputs[i]).shape == before[i]);
  return folded;
}

}  // namespace

TEST_CASE("fold-pad folds a zero Pad on H and W into the next Conv's pads", "[passes][fold-pad]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4, 8, 8});
  // tf2onnx's "same" stride-2 3x3: one row and one column at the end.
  const auto p = pad(b, x, {0, 0, 0, 0, 0, 0, 1, 1});
  b.output(b.node("Conv", {p, weight(b, 4)}, {{"strides", std::vector<int64_t>{2, 2}}}));
  CHECK(run(b.g) == 1);
  REQUIRE(b.g.nodes.size() == 1);
  const ir::Node& conv = b.g.nodes[0];
  CHECK(conv.inputs[0] == b.g.find_tensor("x"));
  CHECK(pads_of(conv) == std::vector<int64_t>{0, 0, 1, 1});
  CHECK(b.g.tensor(conv.outputs[0]).shape == ir::Shape{1, 4, 4, 4});
  CHECK(b.g.find_tensor("Pad_0_out") == ir::kNoTensor);  // the padded tensor is gone
}

TEST_CASE("fold-pad: a constant_value input of 0 and an explicit constant mode fold", "[passes][fold-pad]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 6, 6});
  const auto zero = b.constant("zero", {}, {0.0});
  const auto p = pad(b, x, {0, 0, 2, 1, 0, 0, 2, 1}, {{"mode", std::string("constant")}}, zero);
  b.output(b.node("Conv", {p, weight(b, 2)}));
  CHECK(run(b.g) == 1);
  REQUIRE(count(b.g, "Pad") == 0);
  CHECK(pads_of(node(b.g, "Conv")) == std::vector<int64_t>{2, 1, 2, 1});
  CHECK(b.g.find_tensor("zero") == ir::kNoTensor);  // constants only the Pad read go with it
}

TEST_CASE("fold-pad adds to the pads a Conv already has", "[passes][fold-pad]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 6, 6});
  const auto p = pad(b, x, {0, 0, 1, 0, 0, 0, 0, 2});
  b.output(b.node("Conv", {p, weight(b, 2)}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  CHECK(run(b.g) == 1);
  CHECK(pads_of(node(b.g, "Conv")) == std::vector<int64_t>{2, 1, 1, 3});
  CHECK(b.g.tensor(node(b.g, "Conv").outputs[0]).shape == ir::Shape{1, 2, 7, 8});
}

TEST_CASE("fold-pad: auto_pad VALID becomes explicit pads", "[passes][fold-pad]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 6, 6});
  const auto p = pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1});
  b.output(b.node("Conv", {p, weight(b, 2)}, {{"auto_pad", std::string("VALID")}}));
  CHECK(run(b.g) == 1);
  const ir::Node& conv = node(b.g, "Conv");
  CHECK(pads_of(conv) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(conv.attrs.count("auto_pad") == 0);
}

TEST_CASE("fold-pad folds one Pad into two Convs that read it", "[passes][fold-pad]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 6, 6});
  const auto p = pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1});
  const auto c1 = b.node("Conv", {p, weight(b, 2, "w1")});
  const auto c2 = b.node("Conv", {p, weight(b, 2, "w2")}, {{"pads", std::vector<int64_t>{0, 0, 1, 1}}});
  b.output(c1);
  b.output(c2);
  CHECK(run(b.g) == 1);
  CHECK(count(b.g, "Pad") == 0);
  for (const ir::Node& n : b.g.nodes)
    if (n.op == "Conv") CHECK(n.inputs[0] == b.g.find_tensor("x"));
  CHECK(pads_of(b.g.nodes[0]) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(pads_of(b.g.nodes[1]) == std::vector<int64_t>{1, 1, 2, 2});
}

TEST_CASE("fold-pad: 1-D Conv, AveragePool counting the padding, and Pad after Pad", "[passes][fold-pad]") {
  SECTION("1-D") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 10});
    const auto w = b.constant("w", {2, 2, 3}, std::vector<double>(12, 0.5));
    b.output(b.node("Conv", {pad(b, x, {0, 0, 2, 0, 0, 1}), w}));
    CHECK(run(b.g) == 1);
    CHECK(pads_of(node(b.g, "Conv")) == std::vector<int64_t>{2, 1});
  }
  SECTION("AveragePool with count_include_pad = 1") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 6, 6});
    b.output(b.node("AveragePool", {pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1})},
                    {{"kernel_shape", std::vector<int64_t>{3, 3}}, {"count_include_pad", int64_t{1}}}));
    CHECK(run(b.g) == 1);
    CHECK(pads_of(node(b.g, "AveragePool")) == std::vector<int64_t>{1, 1, 1, 1});
  }
  SECTION("two Pads in a row") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 6, 6});
    const auto p = pad(b, pad(b, x, {0, 0, 1, 0, 0, 0, 0, 0}), {0, 0, 0, 0, 0, 0, 1, 1});
    b.output(b.node("Conv", {p, weight(b, 2)}));
    CHECK(run(b.g) == 2);
    CHECK(b.g.nodes.size() == 1);
    CHECK(pads_of(node(b.g, "Conv")) == std::vector<int64_t>{1, 0, 1, 1});
  }
}

TEST_CASE("fold-pad leaves every other Pad as it is", "[passes][fold-pad]") {
  // x -> Pad -> Conv (and the Relu or graph output asked for): nothing folds.
  auto left = [](const std::vector<int64_t>& pads, ir::Attributes pad_attrs, double value, ir::Attributes conv_attrs,
                 bool relu_too = false, bool pad_is_output = false) {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 6, 6});
    const auto v = value == 0 ? ir::kNoTensor : b.constant("value", {}, {value});
    const auto p = pad(b, x, pads, std::move(pad_attrs), v);
    const int64_t c = 2 + pads[1] + pads[5];  // channels after the Pad
    b.output(b.node("Conv", {p, b.constant("w", {2, c, 3, 3}, std::vector<double>(static_cast<size_t>(2 * c * 9), 1))},
                    std::move(conv_attrs)));
    if (relu_too) b.output(b.node("Relu", {p}));
    if (pad_is_output) b.output(p);
    CHECK(run(b.g) == 0);
    CHECK(count(b.g, "Pad") == 1);
    CHECK(node(b.g, "Conv").inputs[0] == node(b.g, "Pad").outputs[0]);
  };
  const std::vector<int64_t> hw = {0, 0, 1, 1, 0, 0, 1, 1};
  SECTION("a non-zero pad value") { left(hw, {}, 1.5, {}); }
  SECTION("reflect mode") { left(hw, {{"mode", std::string("reflect")}}, 0, {}); }
  SECTION("edge mode") { left(hw, {{"mode", std::string("edge")}}, 0, {}); }
  SECTION("pads on the channel axis") { left({0, 1, 1, 1, 0, 0, 1, 1}, {}, 0, {}); }
  SECTION("negative pads (a crop)") { left({0, 0, 1, -1, 0, 0, 1, 1}, {}, 0, {}); }
  SECTION("the padded tensor is read by a Relu too") { left(hw, {}, 0, {}, true); }
  SECTION("the padded tensor is a graph output") { left(hw, {}, 0, {}, false, true); }
  SECTION("auto_pad SAME_UPPER") { left(hw, {}, 0, {{"auto_pad", std::string("SAME_UPPER")}}); }
}

TEST_CASE("fold-pad leaves pools that do not pad with counted zeros", "[passes][fold-pad]") {
  auto left = [](const std::string& op, ir::Attributes attrs) {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 2, 6, 6});
    attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
    b.output(b.node(op, {pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1})}, std::move(attrs)));
    CHECK(run(b.g) == 0);
    CHECK(count(b.g, "Pad") == 1);
  };
  SECTION("MaxPool pads with -inf") { left("MaxPool", {}); }
  SECTION("AveragePool without count_include_pad") { left("AveragePool", {}); }
  SECTION("AveragePool with ceil_mode") {
    left("AveragePool", {{"count_include_pad", int64_t{1}}, {"ceil_mode", int64_t{1}}, {"strides", std::vector<int64_t>{2, 2}}});
  }
}

TEST_CASE("fold-pad: the padded tensor at the peak leaves the arena", "[passes][fold-pad][planner]") {
  // x -> Relu (1x8x16x16, 8 KiB) -> Pad (1x8x18x18, 10,368 B) -> Conv 3x3 (8 KiB) -> Relu -> y:
  // the Pad's output is live with the Relu's, then with the Conv's.
  auto build = [] {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 8, 16, 16});
    const auto p = pad(b, b.node("Relu", {x}), {0, 0, 1, 1, 0, 0, 1, 1});
    b.output(b.node("Relu", {b.node("Conv", {p, weight(b, 8)})}));
    return b;
  };
  auto plan = [](ir::Graph& g, bool fold) {
    passes::resolve(g);
    if (fold) CHECK(passes::fold_pad(g) == 1);
    passes::select_kernels(g, target::host_target(), ops::Preference::kSpeed);
    const passes::MemoryReport r = passes::plan_memory(g);
    REQUIRE(verifier::verify(g).empty());
    return r;
  };
  auto on = build(), off = build();
  const passes::MemoryReport with = plan(on.g, true), without = plan(off.g, false);
  CHECK(without.lower_bound_bytes >= 8192 + 10368);
  CHECK(with.lower_bound_bytes == without.lower_bound_bytes - 10368 + 8192);
  CHECK(with.arena_bytes < without.arena_bytes);
}
