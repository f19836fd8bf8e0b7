#include "passes/expose_intermediates.h"

namespace mote::passes {

void expose_intermediates(ir::Graph& g) {
  const std::vector<std::vector<int>> readers = g.consumers();
  for (const ir::Node& n : g.nodes)
    for (ir::TensorId t : n.outputs)
      // Unread outputs (MaxPool's indices, Dropout's mask) stay unread: exposing them
      // would ask kernels for outputs they need not compute.
      if (t != ir::kNoTensor && !readers[static_cast<size_t>(t)].empty() && !g.is_graph_output(t))
        g.outputs.push_back(t);
}

}  // namespace mote::passes
