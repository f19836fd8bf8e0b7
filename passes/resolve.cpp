#include "passes/resolve.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/registry.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/target/target.h"

namespace mote::passes {

namespace {

constexpr int64_t kMaxTensorBytes = int64_t{1} << 31;

// A folded DequantizeLinear of int8 data leaves its scale and zero point on the
// float constant it becomes: pass fold-qdq recovers the exact int8 weights of a
// QDQ model from them (the float values are scale * (q - zero_point)).
void keep_int8_params(ir::Graph& g, const ir::Node& n) {
  if (n.op != "DequantizeLinear" || g.tensor(n.inputs[0]).dtype != ir::DType::kI8) return;
  const ir::Tensor& x = g.tensor(n.inputs[0]);
  ir::QuantParams qp;
  for (double s : ir::data_as_double(g.tensor(n.inputs[1]))) qp.scale.push_back(static_cast<float>(s));
  const bool has_zp = n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor;
  for (int64_t z : has_zp ? ir::data_as_int(g.tensor(n.inputs[2])) : std::vector<int64_t>(qp.scale.size(), 0))
    qp.zero_point.push_back(static_cast<int32_t>(z));
  if (qp.scale.size() > 1) {
    const auto it = n.attrs.find("axis");
    const int64_t* a = it == n.attrs.end() ? nullptr : std::get_if<int64_t>(&it->second);
    const int64_t axis = a ? *a : 1;
    qp.axis = static_cast<int32_t>(axis < 0 ? axis + static_cast<int64_t>(x.shape.size()) : axis);
  }
  g.tensor(n.outputs[0]).quant = std::move(qp);
}

struct FoldBudget {
  int64_t limit;
  int64_t used = 0;
};

bool all_inputs_constant(const ir::Graph& g, const ir::Node& n) {
  for (ir::TensorId t : n.inputs)
    if (t != ir::kNoTensor && !g.tensor(t).is_constant()) return false;
  return true;
}

// Returns an empty string on success, or the reason the node cannot be compiled.
std::string resolve_node(ir::Graph& g, size_t index, bool& folded, FoldBudget& budget) {
  ir::Node& n = g.nodes[index];
  folded = false;
  for (ir::TensorId t : n.inputs)
    if (t != ir::kNoTensor && !g.tensor(t).shape_known)
      return fmt::format("input '{}' comes from a node Mote cannot compile", g.tensor(t).name);
  const ops::OpDef* def = ops::find_op(n.op);
  if (!def) return fmt::format("operator {} is not supported", n.op);
  ops::InferContext ctx(g, n);
  try {
    def->infer(ctx);
  } catch (const support::Refusal& e) {
    return e.what();
  }
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    if (n.outputs[i] == ir::kNoTensor) continue;
    const ops::OutputType& o = ctx.outputs()[i];
    if (!o.set) return fmt::format("output {} is not supported", i);
    ir::Tensor& t = g.tensor(n.outputs[i]);
    t.dtype = o.dtype;
    t.shape = o.shape;
    // Guard against overflow before any byte count is computed: from here on every
    // shape's product fits, so ir::shape_elements needs no check of its own.
    if (!support::checked_product(o.shape, kMaxTensorBytes / ir::dtype_size(o.dtype)))
      return fmt::format("output '{}' would be too large ({})", t.name, ir::shape_str(o.shape));
    t.shape_known = true;
  }
  if (def->fold) {
    int64_t out_bytes = 0;
    for (ir::TensorId t : n.outputs)
      if (t != ir::kNoTensor) out_bytes += g.tensor(t).bytes();
    if (budget.used + out_bytes > budget.limit && all_inputs_constant(g, n))
      return fmt::format("folding it would make {} bytes of constants, {} in all, over the limit of {} "
                         "(--max-folded-bytes)",
                         out_bytes, budget.used + out_bytes, budget.limit);
    std::vector<std::vector<uint8_t>> data;
    if (def->fold(g, n, data) && data.size() == n.outputs.size()) {
      for (size_t i = 0; i < n.outputs.size(); ++i)
        if (n.outputs[i] != ir::kNoTensor) g.tensor(n.outputs[i]).data = std::move(data[i]);
      keep_int8_params(g, n);
      folded = true;
      budget.used += out_bytes;
    }
  }
  return {};
}

// A graph output that is a constant or a graph input gets a copy node of its own, so the
// generated API always writes every output into the caller's buffer.
void materialize_outputs(ir::Graph& g) {
  for (ir::TensorId& out : g.outputs) {
    ir::Tensor& t = g.tensor(out);
    if (!t.is_constant() && !g.is_graph_input(out)) continue;
    ir::Tensor copy;
    // Inputs keep their names (callers match them); a constant gives its name to the output.
    copy.name = t.is_constant() ? t.name : t.name + "_out";
    copy.dtype = t.dtype;
    copy.shape = t.shape;
    copy.shape_known = t.shape_known;
    if (t.is_constant()) t.name += "_constant";
    ir::Node n;
    n.name = copy.name + "_copy";
    n.op = "Identity";
    n.opset = 13;
    n.inputs = {out};
    const ir::TensorId id = g.add_tensor(std::move(copy));
    n.outputs = {id};
    g.nodes.push_back(std::move(n));
    out = id;
  }
}

std::vector<NodeProblem> run(ir::Graph& g, bool stop_at_first, int64_t max_folded_bytes) {
  std::vector<NodeProblem> problems;
  FoldBudget budget{max_folded_bytes};
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    bool folded = false;
    std::string why = resolve_node(g, i, folded, budget);
    if (!why.empty()) {
      const ir::Node& n = g.nodes[i];
      if (stop_at_first) throw support::Refusal(fmt::format("{}: node '{}' ({}): {}", g.name, n.name, n.op, why));
      problems.push_back({n.name, n.op, why});
    }
    if (!folded) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
  materialize_outputs(g);
  g.compact();
  g.resolved = problems.empty();
  return problems;
}

}  // namespace

int64_t default_max_folded_bytes() {
  int64_t largest = 0;
  for (const target::Target& t : target::all_targets()) largest = std::max(largest, t.flash_bytes);
  return largest;
}

void resolve(ir::Graph& g, int64_t max_folded_bytes) { run(g, true, max_folded_bytes); }

std::vector<NodeProblem> resolve_collecting(ir::Graph& g) { return run(g, false, default_max_folded_bytes()); }

}  // namespace mote::passes
