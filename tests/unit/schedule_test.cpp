#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>

#include "compiler/target/target.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/in_place.h"
#include "passes/memory/plan_memory.h"
#include "passes/resolve.h"
#include "passes/schedule.h"
#include "passes/select_kernels.h"

using namespace mote;

namespace {

void prepare(ir::Graph& g) {
  passes::resolve(g);
  passes::select_kernels(g, target::host_target(), ops::Preference::kSpeed);
}

// x[1, k] -> x W, W a constant [k, n]: a node whose output is n floats.
ir::TensorId widen(test::GraphBuilder& b, ir::TensorId x, int64_t k, int64_t n) {
  static int count = 0;
  const std::vector<double> w(static_cast<size_t>(k * n), 0.5);
  return b.node("MatMul", {x, b.constant("w" + std::to_string(count++), {k, n}, w)});
}

// The lowest peak over every topological order, by trying them all.
int64_t brute_force_peak(const ir::Graph& g, bool in_place) {
  const size_t n = g.nodes.size();
  const std::vector<int> producer = g.producers();
  std::vector<size_t> order;
  std::vector<char> used(n, 0);
  int64_t best = -1;
  std::function<void()> extend = [&] {
    if (order.size() == n) {
      ir::Graph h = g;
      for (size_t k = 0; k < n; ++k) h.nodes[k] = g.nodes[order[k]];
      const int64_t p = passes::schedule_peak(h, in_place);
      if (best < 0 || p < best) best = p;
      return;
    }
    for (size_t v = 0; v < n; ++v) {
      if (used[v]) continue;
      bool ready = true;
      for (ir::TensorId t : g.nodes[v].inputs)
        if (t != ir::kNoTensor && producer[static_cast<size_t>(t)] >= 0 && !used[static_cast<size_t>(producer[static_cast<size_t>(t)])])
          ready = false;
      if (!ready) continue;
      used[v] = 1;
      order.push_back(v);
      extend();
      order.pop_back();
      used[v] = 0;
    }
  };
  extend();
  return best;
}

}  // namespace

TEST_CASE("schedule: two branches run one after the other, not side by side", "[schedule][planner]") {
  // x -> A (4 KiB) -> a (64 B) ; x -> B (4 KiB) -> b (64 B) ; concat(a, b).
  // The model's order computes both 4 KiB tensors before reducing either.
  test::GraphBuilder bld;
  const auto x = bld.input("x", {1, 16});
  const auto big_a = widen(bld, x, 16, 1024);
  const auto big_b = widen(bld, x, 16, 1024);
  const auto a = widen(bld, big_a, 1024, 16);
  const auto b = widen(bld, big_b, 1024, 16);
  bld.output(bld.node("Concat", {a, b}, {{"axis", int64_t{1}}}));
  ir::Graph& g = bld.g;
  prepare(g);
  const int64_t before = passes::schedule_peak(g, true);
  CHECK(before == 4096 + 4096 + 64);  // both wide tensors live while the first is reduced
  const passes::ScheduleReport r = passes::schedule(g);
  CHECK(r.reordered);
  CHECK(r.exact);
  CHECK(r.model_order_peak == before);
  CHECK(r.chosen_peak == 4096 + 64 + 64);  // one wide tensor and the two results
  CHECK(passes::schedule_peak(g, true) == r.chosen_peak);
  REQUIRE(verifier::verify(g).empty());
  passes::run_in_place(g);
  const passes::MemoryReport m = passes::plan_memory(g);
  CHECK(m.lower_bound_bytes == r.chosen_peak);  // the planner's ideal is the schedule's peak
  REQUIRE(verifier::verify(g).empty());
}

TEST_CASE("schedule: the model's order stays when no order is lower", "[schedule]") {
  test::GraphBuilder bld;
  const auto x = bld.input("x", {1, 16});
  const auto a = widen(bld, x, 16, 32);
  const auto b = widen(bld, x, 16, 32);
  bld.output(bld.node("Add", {a, b}));
  prepare(bld.g);
  const std::vector<std::string> names = {bld.g.nodes[0].name, bld.g.nodes[1].name, bld.g.nodes[2].name};
  const passes::ScheduleReport r = passes::schedule(bld.g);
  CHECK_FALSE(r.reordered);
  CHECK(r.chosen_peak == r.model_order_peak);
  for (size_t k = 0; k < names.size(); ++k) CHECK(bld.g.nodes[k].name == names[k]);
}

TEST_CASE("schedule: exact search finds the lowest peak of every order on random graphs", "[schedule][planner]") {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 40; ++trial) {
    test::GraphBuilder bld;
    std::vector<std::pair<ir::TensorId, int64_t>> values = {{bld.input("x", {1, 8}), 8}};
    const int nodes = 3 + static_cast<int>(rng() % 5);
    std::vector<char> read(1, 0);
    for (int k = 0; k < nodes; ++k) {
      const size_t i = rng() % values.size();
      read[i] = 1;
      ir::TensorId out;
      int64_t width;
      if (values.size() > 1 && rng() % 3 == 0) {  // join two earlier values
        size_t j = rng() % values.size();
        if (j == i) j = (j + 1) % values.size();
        read[j] = 1;
        out = bld.node("Concat", {values[i].first, values[j].first}, {{"axis", int64_t{1}}});
        width = values[i].second + values[j].second;
      } else if (rng() % 4 == 0) {  // elementwise: pass in-place may write over its input
        out = bld.node("Relu", {values[i].first});
        width = values[i].second;
      } else {
        width = int64_t{4} << (rng() % 7);
        out = widen(bld, values[i].first, values[i].second, width);
      }
      values.push_back({out, width});
      read.push_back(0);
    }
    for (size_t i = 1; i < values.size(); ++i)
      if (!read[i]) bld.output(values[i].first);
    ir::Graph& g = bld.g;
    prepare(g);
    for (bool in_place : {true, false}) {
      INFO("trial " << trial << (in_place ? " with" : " without") << " in-place");
      ir::Graph h = g;
      const int64_t best = brute_force_peak(h, in_place);
      passes::ScheduleOptions o;
      o.model_in_place = in_place;
      const passes::ScheduleReport r = passes::schedule(h, o);
      CHECK(r.exact);
      CHECK(r.chosen_peak == best);
      CHECK(r.chosen_peak <= r.model_order_peak);
      REQUIRE(verifier::verify(h).empty());
      if (in_place) passes::run_in_place(h);
      CHECK(passes::plan_memory(h).lower_bound_bytes == r.chosen_peak);
      REQUIRE(verifier::verify(h).empty());
    }
  }
}

TEST_CASE("schedule: beyond the state budget a greedy order, still never above the model's", "[schedule]") {
  // Eight independent branches: 3^8 sets of nodes that ran, over a budget of 100.
  test::GraphBuilder bld;
  const auto x = bld.input("x", {1, 16});
  std::vector<ir::TensorId> wide, small;
  for (int k = 0; k < 8; ++k) wide.push_back(widen(bld, x, 16, 512));
  for (int k = 0; k < 8; ++k) small.push_back(widen(bld, wide[static_cast<size_t>(k)], 512, 4));
  ir::TensorId acc = small[0];
  for (int k = 1; k < 8; ++k) acc = bld.node("Add", {acc, small[static_cast<size_t>(k)]});
  bld.output(acc);
  prepare(bld.g);
  passes::ScheduleOptions o;
  o.max_states = 100;
  const passes::ScheduleReport r = passes::schedule(bld.g, o);
  CHECK_FALSE(r.exact);
  CHECK(r.model_order_peak == 8 * 2048 + 16);
  CHECK(r.chosen_peak < r.model_order_peak);
  CHECK(r.chosen_peak == passes::schedule_peak(bld.g, true));
  REQUIRE(verifier::verify(bld.g).empty());
}

TEST_CASE("schedule: a long chain is cut at every node and searched in linear time", "[schedule]") {
  test::GraphBuilder bld;
  ir::TensorId t = bld.input("x", {1, 16});
  for (int k = 0; k < 20000; ++k) t = bld.node(k % 2 ? "Relu" : "Sigmoid", {t});
  bld.output(t);
  prepare(bld.g);
  const passes::ScheduleReport r = passes::schedule(bld.g);
  CHECK(r.exact);
  CHECK_FALSE(r.reordered);
  CHECK(r.chosen_peak == 64);  // in place all along
}
