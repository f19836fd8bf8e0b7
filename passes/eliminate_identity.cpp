#include "passes/eliminate_identity.h"

namespace mote::passes {

void eliminate_identity(ir::Graph& g) {
  std::vector<ir::Node> kept;
  for (ir::Node& n : g.nodes) {
    const bool passthrough = (n.op == "Identity" || n.op == "Dropout") && !n.inputs.empty() &&
                             !n.outputs.empty() && n.inputs[0] != ir::kNoTensor;
    const bool mask_used = n.outputs.size() > 1 && n.outputs[1] != ir::kNoTensor;
    if (!passthrough || mask_used || g.is_graph_output(n.outputs[0])) {
      kept.push_back(std::move(n));
      continue;
    }
    const ir::TensorId from = n.outputs[0], to = n.inputs[0];
    for (ir::Node& m : g.nodes)
      for (ir::TensorId& t : m.inputs)
        if (t == from) t = to;
  }
  g.nodes = std::move(kept);
  g.compact();
}

}  // namespace mote::passes
