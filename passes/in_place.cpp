#include "passes/in_place.h"

#include <algorithm>
#include <vector>

#include "passes/memory/storage.h"

namespace mote::passes {

int run_in_place(ir::Graph& g) {
  const size_t nt = g.tensors.size();
  memory::StorageGroups groups = memory::view_groups(g);
  // The last step that reads each tensor ...
  std::vector<int> last_read(nt, -1);
  for (size_t s = 0; s < g.nodes.size(); ++s)
    for (ir::TensorId t : g.nodes[s].inputs)
      if (t != ir::kNoTensor) last_read[static_cast<size_t>(t)] = static_cast<int>(s);
  // ... and of each group, kept up to date as groups merge.
  std::vector<int> group_last(nt, -1);
  for (size_t t = 0; t < nt; ++t) {
    int& last = group_last[static_cast<size_t>(groups.find(static_cast<ir::TensorId>(t)))];
    last = std::max(last, last_read[t]);
  }

  int count = 0;
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    ir::Node& n = g.nodes[s];
    for (ir::TensorId in : memory::in_place_candidates(g, n)) {
      const ir::TensorId out = n.kernel->outputs[0];
      const ir::TensorId gx = groups.find(in), gy = groups.find(out);
      // This step must be the last to read the input's bytes under any name.
      if (group_last[static_cast<size_t>(gx)] != static_cast<int>(s) || gx == gy) continue;
      groups.join(gy, gx);
      group_last[static_cast<size_t>(gx)] = std::max(group_last[static_cast<size_t>(gx)], group_last[static_cast<size_t>(gy)]);
      n.kernel->in_place_of = in;
      ++count;
      break;
    }
  }
  return count;
}

}  // namespace mote::passes
