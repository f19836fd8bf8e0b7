#pragma once
// Pass `plan-memory`: lifetimes from the schedule, offsets from a strategy.
// Every tensor that is not a constant, a graph input or a graph output gets an
// arena offset; the output of a view (Reshape, Flatten, Squeeze, Unsqueeze)
// shares its input's bytes. The scratch a node's kernel asks for (select-kernels)
// is a buffer live at that node's step. Codegen only reads the result.
#include <cstdint>
#include <string>

#include "compiler/ir/graph.h"
#include "passes/patch.h"

namespace mote::passes {

struct MemoryReport {
  std::string strategy;
  int64_t arena_bytes = 0;
  int64_t lower_bound_bytes = 0;  // the most bytes live at one step: no plan can beat it
  int64_t unshared_bytes = 0;     // sum of all arena tensors and scratch: one buffer each
  // The lower bound of the order the nodes came in from the model, before pass
  // schedule chose another (equal to lower_bound_bytes when it kept it).
  int64_t model_order_lower_bound_bytes = 0;
  // What pass patch did before planning (--patch; not patched when off).
  PatchReport patch;
};

MemoryReport plan_memory(ir::Graph& g, const std::string& strategy = "greedy");

}  // namespace mote::passes
