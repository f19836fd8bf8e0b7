#include "passes/int8_io.h"

#include <set>

#include <fmt/format.h>

#include "compiler/support/error.h"
#include "compiler/quant/const_qparams.h"

namespace mote::passes {

namespace {

// The per-tensor parameters of a QuantizeLinear / DequantizeLinear node n when its
// scale is a constant positive scalar and its zero point a constant int8 scalar;
// empty otherwise (per-axis, uint8, run-time parameters).
ir::QuantParams boundary_params(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() < 3 || n.inputs[2] == ir::kNoTensor) return {};  // no zero point: uint8
  return quant::const_qparams_per_tensor(g, n.inputs[1], n.inputs[2], ir::DType::kI8).value_or(ir::QuantParams{});
}

std::string describe(const ir::Node& n) { return fmt::format("{} '{}'", n.op, n.name); }

// Gives int8 tensor `q` the name of float tensor `f` (which is about to disappear).
void take_name(ir::Graph& g, ir::TensorId f, ir::TensorId q, const ir::QuantParams& params) {
  std::string name = g.tensor(f).name;
  g.tensor(f).name += "_float";
  g.tensor(q).name = std::move(name);
  g.tensor(q).quant = params;
}

}  // namespace

void int8_io(ir::Graph& g) {
  const std::vector<std::vector<int>> readers = g.consumers();
  const std::vector<int> producers = g.producers();
  std::set<size_t> removed;
  for (ir::TensorId& in : g.inputs) {
    const ir::Tensor& t = g.tensor(in);
    const std::vector<int>& r = readers[static_cast<size_t>(in)];
    if (t.dtype == ir::DType::kI8) continue;  // int8 already
    if (r.size() != 1 || g.nodes[static_cast<size_t>(r[0])].op != "QuantizeLinear" || g.is_graph_output(in))
      throw support::Refusal(fmt::format(
          "{}: --io int8: input '{}' is {} (it must feed one QuantizeLinear to int8 only; is its first layer float?)",
          g.name, t.name, r.empty() ? "read by no node" : fmt::format("read by {}", describe(g.nodes[static_cast<size_t>(r[0])]))));
    const ir::Node& q = g.nodes[static_cast<size_t>(r[0])];
    const ir::QuantParams p = boundary_params(g, q);
    if (p.empty() || g.tensor(q.outputs[0]).dtype != ir::DType::kI8 || q.inputs[0] != in)
      throw support::Refusal(fmt::format("{}: --io int8: input '{}': {} does not quantize it to int8 with one constant "
                                         "scale and zero point", g.name, t.name, describe(q)));
    take_name(g, in, q.outputs[0], p);
    in = q.outputs[0];
    removed.insert(static_cast<size_t>(r[0]));
  }
  std::set<ir::TensorId> taken;
  for (ir::TensorId& out : g.outputs) {
    const ir::Tensor& t = g.tensor(out);
    if (t.dtype == ir::DType::kI8) continue;
    const int p = producers[static_cast<size_t>(out)];
    if (p < 0 || g.nodes[static_cast<size_t>(p)].op != "DequantizeLinear")
      throw support::Refusal(fmt::format(
          "{}: --io int8: output '{}' is {} (it must come from a DequantizeLinear of int8; is its last layer float?)",
          g.name, t.name, p < 0 ? "written by no node" : fmt::format("written by {} in float", describe(g.nodes[static_cast<size_t>(p)]))));
    const ir::Node& d = g.nodes[static_cast<size_t>(p)];
    const ir::QuantParams qp = boundary_params(g, d);
    const ir::TensorId q = d.inputs[0];
    if (qp.empty() || g.tensor(q).dtype != ir::DType::kI8)
      throw support::Refusal(fmt::format("{}: --io int8: output '{}': {} does not dequantize int8 with one constant "
                                         "scale and zero point", g.name, t.name, describe(d)));
    if (g.tensor(q).is_constant() || producers[static_cast<size_t>(q)] < 0 || !taken.insert(q).second ||
        readers[static_cast<size_t>(out)].size() > 0)
      throw support::Refusal(fmt::format("{}: --io int8: output '{}': its int8 value is a constant, a graph input, "
                                         "another output, or read by other nodes", g.name, t.name));
    take_name(g, out, q, qp);
    out = q;
    removed.insert(static_cast<size_t>(p));
  }
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!removed.count(i)) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.compact();
}

}  // namespace mote::passes
