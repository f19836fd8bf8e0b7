#include "passes/qdq_signed.h"

#include <map>

#include "compiler/ir/tensor_data.h"

namespace mote::passes {

namespace {

bool const_u8(const ir::Graph& g, const ir::Node& n) {
  return n.inputs.size() == 3 && n.inputs[2] != ir::kNoTensor && g.tensor(n.inputs[2]).is_constant() &&
         g.tensor(n.inputs[2]).dtype == ir::DType::kU8;
}

}  // namespace

int qdq_signed(ir::Graph& g) {
  const std::vector<std::vector<int>> readers = g.consumers();
  std::map<ir::TensorId, ir::TensorId> signed_zp;  // uint8 zero point -> its int8 twin
  auto shifted = [&](ir::TensorId zp) {
    if (const auto it = signed_zp.find(zp); it != signed_zp.end()) return it->second;
    ir::Tensor t = g.tensor(zp);
    std::vector<int64_t> v;
    for (double z : ir::data_as_double(t)) v.push_back(static_cast<int64_t>(z) - 128);
    t.name += "_int8";
    for (int i = 2; g.find_tensor(t.name) != ir::kNoTensor; ++i) t.name = g.tensor(zp).name + "_int8_" + std::to_string(i);
    t.dtype = ir::DType::kI8;
    t.data = ir::encode_int(ir::DType::kI8, v);
    return signed_zp[zp] = g.add_tensor(std::move(t));
  };
  int changed = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& q = g.nodes[i];
    if (q.op != "QuantizeLinear" || q.outputs.size() != 1 || !const_u8(g, q)) continue;
    const ir::TensorId t = q.outputs[0];
    const std::vector<int>& r = readers[static_cast<size_t>(t)];
    bool ok = !r.empty() && !g.is_graph_output(t) && g.tensor(t).dtype == ir::DType::kU8;
    for (int j : r) {
      const ir::Node& d = g.nodes[static_cast<size_t>(j)];
      ok = ok && d.op == "DequantizeLinear" && d.inputs[0] == t && const_u8(g, d);
    }
    if (!ok) continue;
    g.nodes[i].inputs[2] = shifted(g.nodes[i].inputs[2]);
    for (int j : r) g.nodes[static_cast<size_t>(j)].inputs[2] = shifted(g.nodes[static_cast<size_t>(j)].inputs[2]);
    g.tensor(t).dtype = ir::DType::kI8;
    ++changed;
  }
  if (changed) g.compact();
  return changed;
}

}  // namespace mote::passes
