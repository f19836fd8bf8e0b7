#include "passes/fuse_activation.h"

#include "compiler/ops/registry.h"

namespace mote::passes {

void fuse_activation(ir::Graph& g) {
  const std::vector<std::vector<int>> readers = g.consumers();
  std::vector<bool> removed(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    ir::Node& producer = g.nodes[i];
    const ops::OpDef* pd = ops::find_op(producer.op);
    if (!pd || !pd->takes_clamp || producer.outputs.empty()) continue;
    if (producer.attrs.count("mote_act_min")) continue;
    const ir::TensorId out = producer.outputs[0];
    if (g.is_graph_output(out) || g.tensor(out).dtype != ir::DType::kF32) continue;
    const std::vector<int>& r = readers[static_cast<size_t>(out)];
    if (r.size() != 1) continue;
    const auto act_index = static_cast<size_t>(r[0]);
    const ir::Node& act = g.nodes[act_index];
    const ops::OpDef* ad = ops::find_op(act.op);
    double lo, hi;
    if (removed[act_index] || act.inputs.empty() || act.inputs[0] != out || !ad || !ad->as_clamp ||
        !ad->as_clamp(g, act, lo, hi) || !pd->takes_clamp(g, producer, lo, hi))
      continue;
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
