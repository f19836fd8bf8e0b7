#include "passes/memory/storage.h"

#include <numeric>

#include "compiler/ops/registry.h"

namespace mote::passes::memory {

StorageGroups::StorageGroups(size_t tensors) : parent_(tensors) {
  std::iota(parent_.begin(), parent_.end(), ir::TensorId{0});
}

ir::TensorId StorageGroups::find(ir::TensorId t) {
  auto at = [this](ir::TensorId i) -> ir::TensorId& { return parent_[static_cast<size_t>(i)]; };
  while (at(t) != t) t = at(t) = at(at(t));
  return t;
}

void StorageGroups::join(ir::TensorId member, ir::TensorId root) {
  const ir::TensorId a = find(member), b = find(root);
  if (a != b) parent_[static_cast<size_t>(a)] = b;
}

StorageGroups view_groups(const ir::Graph& g) {
  StorageGroups groups(g.tensors.size());
  for (const ir::Node& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->is_view || n.inputs.empty() || n.outputs.empty()) continue;
    const ir::TensorId in = n.inputs[0], out = n.outputs[0];
    if (in != ir::kNoTensor && out != ir::kNoTensor && g.lives_in_arena(in) && g.lives_in_arena(out))
      groups.join(out, in);
  }
  return groups;
}

StorageGroups planned_groups(const ir::Graph& g) {
  StorageGroups groups = view_groups(g);
  for (const ir::Node& n : g.nodes)
    if (n.kernel && n.kernel->in_place_of != ir::kNoTensor && !n.kernel->outputs.empty())
      groups.join(n.kernel->outputs[0], n.kernel->in_place_of);
  return groups;
}

std::vector<ir::TensorId> in_place_candidates(const ir::Graph& g, const ir::Node& n) {
  std::vector<ir::TensorId> out;
  if (!n.kernel || n.kernel->in_place_inputs.empty() || n.kernel->outputs.empty()) return out;
  const ir::TensorId y = n.kernel->outputs[0];
  if (y == ir::kNoTensor || !g.lives_in_arena(y)) return out;
  for (int k : n.kernel->in_place_inputs) {
    if (k < 0 || static_cast<size_t>(k) >= n.kernel->inputs.size()) continue;
    const ir::TensorId x = n.kernel->inputs[static_cast<size_t>(k)];
    if (x == ir::kNoTensor || !g.lives_in_arena(x)) continue;
    if (g.tensor(x).dtype != g.tensor(y).dtype || g.tensor(x).bytes() != g.tensor(y).bytes()) continue;
    out.push_back(x);
  }
  return out;
}

}  // namespace mote::passes::memory
