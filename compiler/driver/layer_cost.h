#pragma once
// `mote bench --per-layer`: each layer's guest instructions (from the profiling
// hooks), its MACs and the kernel variant that ran it, as a table or JSON.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::driver {

struct LayerCost {
  size_t index = 0;  // node index in the schedule
  std::string name, op, variant;
  uint64_t instructions = 0;
  int64_t macs = 0;
  double macs_per_instruction() const {
    return instructions ? static_cast<double>(macs) / static_cast<double>(instructions) : 0.0;
  }
};

// One entry per node; `instructions` by node index (views that run no code: 0).
std::vector<LayerCost> layer_costs(const ir::Graph& g, const std::vector<uint64_t>& instructions);

// The table, with each layer's share of the whole inference.
void print_layer_costs(const std::vector<LayerCost>& layers, uint64_t total_instructions, int64_t systick_hz);

}  // namespace mote::driver
