#include "compiler/driver/layer_cost.h"

#include <fmt/format.h>

#include "compiler/ops/registry.h"

namespace mote::driver {

std::vector<LayerCost> layer_costs(const ir::Graph& g, const std::vector<uint64_t>& instructions) {
  std::vector<LayerCost> out;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    LayerCost l;
    l.index = i;
    l.name = n.name;
    l.op = n.op;
    l.variant = n.kernel ? n.kernel->variant : "";
    l.instructions = i < instructions.size() ? instructions[i] : 0;
    const ops::OpDef* def = ops::find_op(n.op);
    l.macs = def && def->cost ? def->cost(g, n).macs : 0;
    out.push_back(std::move(l));
  }
  return out;
}

void print_layer_costs(const std::vector<LayerCost>& layers, uint64_t total, int64_t systick_hz) {
  fmt::print("  per layer (instructions to +-{} each, the SysTick step of the board; hooks' own cost removed):\n",
             1000000000 / (systick_hz ? systick_hz : 1));
  fmt::print("  {:>4}  {:<40} {:<18} {:<28} {:>12} {:>6} {:>11} {:>8}\n", "#", "layer", "op", "variant", "instructions",
             "share", "MACs", "MAC/instr");
  uint64_t sum = 0;
  for (const LayerCost& l : layers) {
    sum += l.instructions;
    std::string name = l.name.size() > 40 ? "..." + l.name.substr(l.name.size() - 37) : l.name;
    for (char& c : name)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    fmt::print("  {:>4}  {:<40} {:<18} {:<28} {:>12} {:>5.1f}% {:>11} {:>8}\n", l.index, name, l.op, l.variant,
               l.instructions, total ? 100.0 * static_cast<double>(l.instructions) / static_cast<double>(total) : 0.0,
               l.macs, l.macs ? fmt::format("{:.3f}", l.macs_per_instruction()) : "-");
  }
  fmt::print("  layers sum to {} instructions of {} (the rest: the call, null checks, views)\n", sum, total);
}

}  // namespace mote::driver
