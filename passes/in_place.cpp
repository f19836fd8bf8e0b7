#include "passes/in_place.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "compiler/ops/registry.h"

namespace mote::passes {

namespace {

// Storage groups: a view's output, and an in-place output, share their input's bytes.
struct Groups {
  std::vector<size_t> parent;
  explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), size_t{0}); }
  size_t find(size_t t) {
    while (parent[t] != t) t = parent[t] = parent[parent[t]];
    return t;
  }
};

}  // namespace

int run_in_place(ir::Graph& g) {
  const size_t nt = g.tensors.size();
  Groups groups(nt);
  for (const ir::Node& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    if (def && def->is_view && !n.inputs.empty() && n.inputs[0] != ir::kNoTensor && n.outputs[0] != ir::kNoTensor &&
        g.lives_in_arena(n.inputs[0]) && g.lives_in_arena(n.outputs[0]))
      groups.parent[groups.find(static_cast<size_t>(n.outputs[0]))] = groups.find(static_cast<size_t>(n.inputs[0]));
  }
  // The last step that reads each tensor.
  std::vector<int> last_read(nt, -1);
  for (size_t s = 0; s < g.nodes.size(); ++s)
    for (ir::TensorId t : g.nodes[s].inputs)
      if (t != ir::kNoTensor) last_read[static_cast<size_t>(t)] = static_cast<int>(s);
  // ... and of each group, kept up to date as groups merge.
  std::vector<int> group_last(nt, -1);
  for (size_t t = 0; t < nt; ++t) group_last[groups.find(t)] = std::max(group_last[groups.find(t)], last_read[t]);

  int count = 0;
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    ir::Node& n = g.nodes[s];
    if (!n.kernel || n.kernel->in_place_inputs.empty() || n.kernel->outputs.empty()) continue;
    const ir::TensorId out = n.kernel->outputs[0];
    if (out == ir::kNoTensor || !g.lives_in_arena(out)) continue;
    const ir::Tensor& y = g.tensor(out);
    for (int k : n.kernel->in_place_inputs) {
      if (k < 0 || static_cast<size_t>(k) >= n.kernel->inputs.size()) continue;
      const ir::TensorId in = n.kernel->inputs[static_cast<size_t>(k)];
      if (in == ir::kNoTensor || !g.lives_in_arena(in)) continue;
      const ir::Tensor& x = g.tensor(in);
      const size_t gx = groups.find(static_cast<size_t>(in));
      // This step must be the last to read the input's bytes under any name, and
      // the output must take exactly those bytes.
      if (x.dtype != y.dtype || x.bytes() != y.bytes() || group_last[gx] != static_cast<int>(s)) continue;
      if (groups.find(static_cast<size_t>(out)) == gx) continue;
      const size_t gy = groups.find(static_cast<size_t>(out));
      groups.parent[gy] = gx;
      group_last[gx] = std::max(group_last[gx], group_last[gy]);
      n.kernel->in_place_of = in;
      ++count;
      break;
    }
  }
  return count;
}

}  // namespace mote::passes
