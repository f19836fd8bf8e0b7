#include <catch2/catch.hpp>

#include "compiler/target/target.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/in_place.h"
#include "passes/memory/plan_memory.h"
#include "passes/resolve.h"
#include "passes/select_kernels.h"

using namespace mote;

namespace {

// resolve, select-kernels, in-place (when asked), plan-memory; returns the arena.
int64_t plan(ir::Graph& g, bool in_place, int* count = nullptr) {
  passes::resolve(g);
  passes::select_kernels(g, target::host_target(), ops::Preference::kSpeed);
  const int n = in_place ? passes::run_in_place(g) : 0;
  if (count) *count = n;
  const auto report = passes::plan_memory(g);
  REQUIRE(verifier::verify(g).empty());
  CHECK(report.arena_bytes >= report.lower_bound_bytes);
  return report.arena_bytes;
}

const ir::Node& node(const ir::Graph& g, const std::string& op) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op) return n;
  FAIL("no " << op);
  return g.nodes[0];
}

}  // namespace

TEST_CASE("in-place: a chain of elementwise ops runs in one buffer", "[in-place][planner]") {
  auto build = [] {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 256});
    const auto a = b.node("Relu", {x});
    const auto s = b.node("Sigmoid", {a});  // a's last read: s may take its bytes
    const auto t = b.node("Tanh", {s});     // and t those of s
    b.output(b.node("Add", {t, t}));
    return b;
  };
  auto on = build(), off = build();
  int count = 0;
  const int64_t with = plan(on.g, true, &count), without = plan(off.g, false);
  CHECK(count == 2);
  CHECK(with == 1024);    // one float[256] buffer
  CHECK(without == 2048); // two, alternating
  const ir::Graph& g = on.g;
  CHECK(node(g, "Sigmoid").kernel->in_place_of == node(g, "Relu").outputs[0]);
  CHECK(node(g, "Tanh").kernel->in_place_of == node(g, "Sigmoid").outputs[0]);
  CHECK(g.tensor(node(g, "Tanh").outputs[0]).arena_offset == g.tensor(node(g, "Relu").outputs[0]).arena_offset);
}

TEST_CASE("in-place: never over a tensor read later, directly or through a view", "[in-place][planner]") {
  SECTION("read later by a residual Add") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 64});
    const auto a = b.node("Relu", {x});
    const auto s = b.node("Sigmoid", {a});
    b.output(b.node("Add", {s, a}));
    int count = -1;
    plan(b.g, true, &count);
    CHECK(count == 0);
    CHECK(node(b.g, "Sigmoid").kernel->in_place_of == ir::kNoTensor);
    CHECK(b.g.tensor(s).arena_offset != b.g.tensor(a).arena_offset);
  }
  SECTION("read later through a Reshape of it") {
    test::GraphBuilder b;
    const auto x = b.input("x", {1, 64});
    const auto a = b.node("Relu", {x});
    const auto r = b.node("Reshape", {a, b.constant_ints("shape", {1, 8, 8})});
    const auto s = b.node("Sigmoid", {a});
    const auto rs = b.node("Reshape", {s, b.constant_ints("shape2", {1, 8, 8})});
    b.output(b.node("Add", {rs, r}));
    int count = -1;
    plan(b.g, true, &count);
    CHECK(node(b.g, "Sigmoid").kernel->in_place_of == ir::kNoTensor);
  }
  SECTION("a broadcast operand is never written over") {
    test::GraphBuilder b;
    const auto x = b.input("x", {4, 16});
    const auto y = b.input("y", {1, 16});
    const auto a = b.node("Relu", {x});
    const auto c = b.node("Relu", {y});
    const auto m = b.node("Mul", {c, a});  // c is broadcast; a has the output's shape
    b.output(b.node("Tanh", {m}));
    plan(b.g, true);
    CHECK(node(b.g, "Mul").kernel->in_place_of != c);
  }
}

TEST_CASE("the verifier catches an in-place write over a tensor read later", "[in-place][verifier]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {16});
  const auto a = b.node("Relu", {x});
  b.node("Sigmoid", {a});
  b.output(b.node("Add", {b.g.nodes[1].outputs[0], a}));
  plan(b.g, true);
  ir::Node& sig = b.g.nodes[1];
  sig.kernel->in_place_of = a;  // wrong: the Add reads `a` after the Sigmoid
  b.g.tensor(sig.outputs[0]).arena_offset = b.g.tensor(a).arena_offset;
  const auto errs = verifier::verify(b.g);
  REQUIRE(!errs.empty());
  CHECK(errs[0].find("which is read later") != std::string::npos);
}
