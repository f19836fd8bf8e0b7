#include "passes/dead_code.h"

#include "compiler/ops/registry.h"

namespace mote::passes {

void eliminate_dead_code(ir::Graph& g) {
  std::vector<bool> live(g.tensors.size(), false);
  for (ir::TensorId t : g.outputs) live[static_cast<size_t>(t)] = true;
  std::vector<bool> keep(g.nodes.size(), false);
  for (size_t i = g.nodes.size(); i-- > 0;) {
    const ir::Node& n = g.nodes[i];
    for (ir::TensorId t : n.outputs)
      if (t != ir::kNoTensor && live[static_cast<size_t>(t)]) keep[i] = true;
    if (!keep[i]) continue;
    for (ir::TensorId t : n.inputs)
      if (t != ir::kNoTensor) live[static_cast<size_t>(t)] = true;
  }
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!keep[i]) continue;
    // An optional output nobody reads (MaxPool's Indices, Dropout's mask, an RNN's
    // Y) gets no buffer.
    const ops::OpDef* def = ops::find_op(g.nodes[i].op);
    for (size_t o = def && def->first_output_optional ? 0 : 1; o < g.nodes[i].outputs.size(); ++o) {
      ir::TensorId& t = g.nodes[i].outputs[o];
      if (t != ir::kNoTensor && !live[static_cast<size_t>(t)]) t = ir::kNoTensor;
    }
    kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
  g.compact();
}

}  // namespace mote::passes
