#include <catch2/catch.hpp>

#include <random>

#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/memory/plan_memory.h"
#include "passes/memory/strategy.h"
#include "passes/resolve.h"

using namespace mote;
using passes::memory::Buffer;

namespace {
// The planner's invariant, checked independently of its code.
bool no_live_overlap(const std::vector<Buffer>& bufs) {
  for (size_t i = 0; i < bufs.size(); ++i)
    for (size_t j = i + 1; j < bufs.size(); ++j) {
      const Buffer &a = bufs[i], &b = bufs[j];
      const bool live = a.first <= b.last && b.first <= a.last;
      const bool bytes = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
      if (live && bytes && a.size > 0 && b.size > 0) return false;
    }
  return true;
}
}  // namespace

TEST_CASE("greedy planner: no two live buffers overlap, on random lifetimes", "[planner]") {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<Buffer> bufs;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const int first = static_cast<int>(rng() % 30);
      bufs.push_back({static_cast<int64_t>(rng() % 5000), first, first + static_cast<int>(rng() % 8), -1});
    }
    std::vector<Buffer> linear = bufs;
    passes::memory::GreedyBySize().place(bufs);
    passes::memory::Linear().place(linear);
    REQUIRE(no_live_overlap(bufs));
    REQUIRE(no_live_overlap(linear));
    for (const Buffer& b : bufs) REQUIRE(b.offset % passes::memory::kAlignment == 0);
    const int64_t arena = passes::memory::arena_bytes(bufs);
    CHECK(arena >= passes::memory::lower_bound(bufs));
    CHECK(arena <= passes::memory::arena_bytes(linear));
  }
}

TEST_CASE("greedy planner reuses the bytes of dead buffers", "[planner]") {
  // A chain: each buffer dies when the next is written.
  std::vector<Buffer> bufs = {{1024, 0, 1}, {512, 1, 2}, {1024, 2, 3}};
  passes::memory::GreedyBySize().place(bufs);
  CHECK(passes::memory::arena_bytes(bufs) == 1536);
  CHECK(passes::memory::lower_bound(bufs) == 1536);
}

TEST_CASE("plan-memory on a graph: views alias, residuals stay live, verifier agrees", "[planner]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 64});
  const auto a = b.node("Relu", {x});
  const auto r = b.node("Reshape", {a, b.constant_ints("shape", {1, 8, 8})});
  const auto s = b.node("Sigmoid", {r});
  const auto f = b.node("Flatten", {s});
  const auto t = b.node("Tanh", {f});
  const auto sum = b.node("Add", {t, a});  // keeps `a` live across the chain
  b.output(sum);
  passes::resolve(b.g);
  const auto report = passes::plan_memory(b.g);
  CHECK(verifier::verify(b.g).empty());
  const ir::Graph& g = b.g;
  // The Reshape output shares the Relu output's bytes.
  CHECK(g.tensor(g.nodes[1].outputs[0]).arena_offset == g.tensor(g.nodes[0].outputs[0]).arena_offset);
  // Relu's output is read by the final Add, so nothing written meanwhile may overlap it.
  const int64_t a_off = g.tensor(g.nodes[0].outputs[0]).arena_offset;
  for (size_t i = 2; i < 5; ++i)
    if (g.nodes[i].op != "Flatten") CHECK(g.tensor(g.nodes[i].outputs[0]).arena_offset != a_off);
  CHECK(report.arena_bytes >= report.lower_bound_bytes);
  CHECK(report.arena_bytes < report.unshared_bytes);
}

TEST_CASE("the verifier catches an overlapping plan", "[planner][verifier]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {16});
  const auto a = b.node("Relu", {x});
  const auto c = b.node("Sigmoid", {a});
  const auto d = b.node("Add", {a, c});
  b.output(d);
  passes::resolve(b.g);
  passes::plan_memory(b.g);
  REQUIRE(verifier::verify(b.g).empty());
  b.g.tensor(c).arena_offset = b.g.tensor(a).arena_offset;  // both live at the Add
  const auto errs = verifier::verify(b.g);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].find("overlap") != std::string::npos);
}
