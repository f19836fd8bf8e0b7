#include "passes/fuse_hardswish.h"

#include "compiler/ir/attribute.h"

namespace mote::passes {

namespace {

// Node n is a HardSigmoid with HardSwish's constants, as float32 holds them: the
// exporters write alpha as the float nearest 1/6.
bool is_hard_swish_gate(const ir::Node& n) {
  if (n.op != "HardSigmoid" || n.inputs.size() != 1 || n.outputs.size() != 1) return false;
  return static_cast<float>(ir::attr_float(n.attrs, "alpha", 0.2)) == 1.0f / 6.0f &&
         static_cast<float>(ir::attr_float(n.attrs, "beta", 0.5)) == 0.5f;
}

}  // namespace

int fuse_hardswish(ir::Graph& g) {
  const std::vector<int> producers = g.producers();
  const std::vector<std::vector<int>> readers = g.consumers();
  std::vector<bool> dropped(g.nodes.size(), false);
  int fused = 0;
  for (ir::Node& mul : g.nodes) {
    if (mul.op != "Mul" || mul.inputs.size() != 2 || mul.outputs.size() != 1) continue;
    for (size_t side = 0; side < 2; ++side) {
      const ir::TensorId gate = mul.inputs[side], x = mul.inputs[1 - side];
      if (gate == ir::kNoTensor || x == ir::kNoTensor || gate == x) continue;
      const int p = producers[static_cast<size_t>(gate)];
      if (p < 0 || !is_hard_swish_gate(g.nodes[static_cast<size_t>(p)])) continue;
      const ir::Node& h = g.nodes[static_cast<size_t>(p)];
      // The same tensor, with the same shape and type: no broadcast hides in the Mul.
      if (h.inputs[0] != x || g.tensor(x).dtype != ir::DType::kF32 || g.tensor(mul.outputs[0]).shape != g.tensor(x).shape)
        continue;
      if (readers[static_cast<size_t>(gate)].size() == 1 && !g.is_graph_output(gate))
        dropped[static_cast<size_t>(p)] = true;
      mul.op = "HardSwish";
      mul.opset = 14;
      mul.inputs = {x};
      mul.attrs.clear();
      ++fused;
      break;
    }
  }
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!dropped[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.compact();
  return fused;
}

}  // namespace mote::passes
