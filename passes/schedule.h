#pragma once
// Pass `schedule` (after select-kernels, before in-place and plan-memory): puts
// the nodes in the topological order whose peak of live arena bytes is lowest.
// A chain has one order; graphs with branches (residual blocks, skip connections,
// parallel towers feeding a Concat) have many, and the order a model was exported
// in can keep two branches' large tensors alive at once where running one branch
// to its end first would not.
//
// The peak of an order is what plan-memory calls the ideal lower bound: at each
// step the bytes of every tensor written so far and read later (a view and its
// input are one buffer), the node's outputs and its kernel's scratch; when pass
// in-place will run, an output that in-place will write over its input costs no
// new bytes. The same set of executed nodes always leaves the same tensors live,
// so the search is over sets, not orders: exact dynamic programming over the
// graph's downward-closed node sets while there are at most `max_states` of them,
// a greedy choice beyond. The model's own order is kept unless another is lower.
#include <cstdint>

#include "compiler/ir/graph.h"

namespace mote::passes {

struct ScheduleReport {
  int64_t model_order_peak = 0;  // the ideal lower bound of the order the model came in
  int64_t chosen_peak = 0;       // ... and of the order chosen (<= model_order_peak)
  bool exact = true;             // the whole search space was searched
  bool reordered = false;
};

struct ScheduleOptions {
  bool model_in_place = true;  // pass in-place runs after this one
  int64_t max_states = 200000;
};

ScheduleReport schedule(ir::Graph& g, const ScheduleOptions& opts = {});

// The peak of live arena bytes of the graph's current order, as schedule counts it.
int64_t schedule_peak(const ir::Graph& g, bool model_in_place);

}  // namespace mote::passes
