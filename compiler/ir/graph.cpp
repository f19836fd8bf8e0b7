#include "compiler/ir/graph.h"

#include "compiler/support/checked.h"

#include <algorithm>

namespace mote::ir {

int64_t shape_elements(const Shape& s) {
  // Saturating: an operator's rule may compute a shape from untrusted constants
  // before resolve bounds it, and a count that overflows must read as too large.
  int64_t n = 1;
  for (int64_t d : s) n = support::saturating_mul(n, d < 0 ? 0 : d);
  return n;
}

int64_t Tensor::bytes() const { return support::saturating_mul(elements(), dtype_size(dtype)); }

std::string shape_str(const Shape& s) {
  if (s.empty()) return "scalar";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += 'x';
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out;
}

TensorId Graph::add_tensor(Tensor t) {
  tensors.push_back(std::move(t));
  return static_cast<TensorId>(tensors.size() - 1);
}

TensorId Graph::find_tensor(const std::string& n) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == n) return static_cast<TensorId>(i);
  return kNoTensor;
}

bool Graph::is_graph_input(TensorId id) const {
  return std::find(inputs.begin(), inputs.end(), id) != inputs.end();
}

bool Graph::is_graph_output(TensorId id) const {
  return std::find(outputs.begin(), outputs.end(), id) != outputs.end();
}

bool Graph::lives_in_arena(TensorId id) const {
  return !tensor(id).is_constant() && !is_graph_input(id) && !is_graph_output(id);
}

std::vector<std::vector<int>> Graph::consumers() const {
  std::vector<std::vector<int>> out(tensors.size());
  for (size_t n = 0; n < nodes.size(); ++n)
    for (TensorId t : nodes[n].inputs)
      if (t != kNoTensor) out[static_cast<size_t>(t)].push_back(static_cast<int>(n));
  return out;
}

std::vector<int> Graph::producers() const {
  std::vector<int> out(tensors.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n)
    for (TensorId t : nodes[n].outputs)
      if (t != kNoTensor) out[static_cast<size_t>(t)] = static_cast<int>(n);
  return out;
}

void Graph::compact() {
  std::vector<TensorId> remap(tensors.size(), kNoTensor);
  std::vector<bool> used(tensors.size(), false);
  auto mark = [&](TensorId t) { if (t != kNoTensor) used[static_cast<size_t>(t)] = true; };
  for (const Node& n : nodes) {
    for (TensorId t : n.inputs) mark(t);
    for (TensorId t : n.outputs) mark(t);
    if (n.kernel) {
      for (TensorId t : n.kernel->inputs) mark(t);
      for (TensorId t : n.kernel->outputs) mark(t);
    }
  }
  for (TensorId t : inputs) mark(t);
  for (TensorId t : outputs) mark(t);
  std::vector<Tensor> kept;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!used[i]) continue;
    remap[i] = static_cast<TensorId>(kept.size());
    kept.push_back(std::move(tensors[i]));
  }
  tensors = std::move(kept);
  auto fix = [&](TensorId& t) { if (t != kNoTensor) t = remap[static_cast<size_t>(t)]; };
  for (Node& n : nodes) {
    for (TensorId& t : n.inputs) fix(t);
    for (TensorId& t : n.outputs) fix(t);
    if (n.kernel) {
      for (TensorId& t : n.kernel->inputs) fix(t);
      for (TensorId& t : n.kernel->outputs) fix(t);
    }
  }
  for (TensorId& t : inputs) fix(t);
  for (TensorId& t : outputs) fix(t);
}

}  // namespace mote::ir
