// Each op's int8 rule is found through its definition: the quantizer and the QDQ
// import know no op names, so an op quantizes exactly when its definition says so.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "compiler/ops/registry.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

using namespace mote;

TEST_CASE("int8 rules: the ops that have one are those docs/int8.md lists", "[quantize][int8_rule]") {
  std::set<std::string> with_rule, int16;
  for (const ops::OpDef* d : ops::all_ops()) {
    if (!d->int8) continue;
    with_rule.insert(d->op);
    CHECK(d->int8->form != nullptr);
    CHECK(d->int8->activations >= 1);
    if (d->int8->int16) int16.insert(d->op);
  }
  CHECK(with_rule == std::set<std::string>{"Add", "AveragePool", "Conv", "Flatten", "Gemm", "GlobalAveragePool",
                                           "GlobalMaxPool", "MatMul", "MaxPool", "Reshape", "Softmax"});
  CHECK(int16 == std::set<std::string>{"Conv", "Gemm", "MatMul"});
}

TEST_CASE("int8 rules: the reason a node stays float comes from its op's rule", "[quantize][int8_rule]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto c = b.constant("c", {4}, {1, 2, 3, 4});
  const auto y = b.node("Add", {x, c}, {}, {"y"});   // broadcast of a constant: Add's form refuses
  const auto s = b.node("Sigmoid", {y}, {}, {"s"});  // no rule at all
  const auto w = b.constant("w", {4, 2}, {1, 0, 0, 1, 1, 1, -1, 0});
  b.output(b.node("MatMul", {s, w}, {}, {"m"}));
  passes::resolve(b.g);
  passes::QuantizeOptions o;
  for (const char* t : {"x", "y", "s", "m"}) o.ranges[t] = {-2.0f, 2.0f};
  const passes::QuantizeReport r = passes::quantize_int8(b.g, o);
  REQUIRE(verifier::verify(b.g).empty());
  CHECK(r.quantized_nodes == 1);  // the MatMul, now an int8 Gemm
  REQUIRE(r.float_layers.size() == 2);
  CHECK(r.float_layers[0].reason == "an Add of a constant has no int8 kernel yet");
  CHECK(r.float_layers[1].reason == "Mote has no int8 Sigmoid yet");
}
