#include "passes/fuse_activation.h"

#include <limits>

#include "compiler/ir/tensor_data.h"

namespace mote::passes {

namespace {

// The clamp an activation node applies, when it is one Mote can fuse.
bool clamp_of(const ir::Graph& g, const ir::Node& n, double& lo, double& hi) {
  lo = -std::numeric_limits<double>::infinity();
  hi = std::numeric_limits<double>::infinity();
  if (n.op == "Relu") {
    lo = 0;
    return true;
  }
  if (n.op != "Clip") return false;
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    if (n.inputs[i] == ir::kNoTensor) continue;
    const ir::Tensor& b = g.tensor(n.inputs[i]);
    if (!b.is_constant() || b.elements() != 1) return false;
    (i == 1 ? lo : hi) = ir::data_as_double(b)[0];
  }
  return true;
}

}  // namespace

void fuse_activation(ir::Graph& g) {
  const std::vector<std::vector<int>> readers = g.consumers();
  std::vector<bool> removed(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    ir::Node& producer = g.nodes[i];
    if (producer.op != "Conv" && producer.op != "Gemm") continue;
    if (producer.attrs.count("mote_act_min")) continue;
    const ir::TensorId out = producer.outputs[0];
    if (g.is_graph_output(out) || g.tensor(out).dtype != ir::DType::kF32) continue;
    const std::vector<int>& r = readers[static_cast<size_t>(out)];
    if (r.size() != 1) continue;
    const auto act_index = static_cast<size_t>(r[0]);
    const ir::Node& act = g.nodes[act_index];
    double lo, hi;
    if (removed[act_index] || act.inputs[0] != out || !clamp_of(g, act, lo, hi)) continue;
    producer.attrs["mote_act_min"] = lo;
    producer.attrs["mote_act_max"] = hi;
    producer.outputs[0] = act.outputs[0];
    removed[act_index] = true;
  }
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.compact();
}

}  // namespace mote::passes
