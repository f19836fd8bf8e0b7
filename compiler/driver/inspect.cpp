#include "compiler/driver/inspect.h"

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "compiler/ops/registry.h"
#include "compiler/support/error.h"
#include "passes/dead_code.h"
#include "passes/resolve.h"

namespace mote::driver {

int inspect(const std::string& model_path, const std::map<std::string, std::vector<int64_t>>& input_shapes) {
  ir::Graph g = load_graph(model_path, input_shapes);
  std::map<std::string, int> op_counts;
  for (const ir::Node& n : g.nodes) op_counts[n.op]++;
  passes::eliminate_dead_code(g);
  const std::vector<passes::NodeProblem> problems = passes::resolve_collecting(g);

  fmt::print("model {}: {} nodes\n", model_path, g.nodes.size());
  for (ir::TensorId id : g.inputs) {
    const ir::Tensor& t = g.tensor(id);
    fmt::print("  input  '{}': {}[{}]\n", t.name, ir::dtype_name(t.dtype), ir::shape_str(t.shape));
  }
  for (ir::TensorId id : g.outputs) {
    const ir::Tensor& t = g.tensor(id);
    fmt::print("  output '{}': {}[{}]\n", t.name, ir::dtype_name(t.dtype),
               t.shape_known ? ir::shape_str(t.shape) : std::string("?"));
  }
  fmt::print("operators (as in the file):\n");
  for (const auto& [op, count] : op_counts)
    fmt::print("  {:<24} {:>5}{}\n", op, count, ops::find_op(op) ? "" : "  (not supported)");
  int64_t params = 0, bytes = 0;
  std::vector<bool> seen(g.tensors.size(), false);
  for (const ir::Node& n : g.nodes)
    for (ir::TensorId t : n.inputs)
      if (t != ir::kNoTensor && g.tensor(t).is_constant() && !seen[static_cast<size_t>(t)]) {
        seen[static_cast<size_t>(t)] = true;
        params += g.tensor(t).elements();
        bytes += g.tensor(t).bytes();
      }
  fmt::print("parameters: {} ({} bytes)\n", params, bytes);
  if (problems.empty()) {
    fmt::print("MACs per inference: {}\n", ops::total_macs(g));
    fmt::print("compilable: yes\n");
    return support::kExitOk;
  }
  fmt::print("nodes Mote cannot compile: {}\n", problems.size());
  for (const passes::NodeProblem& p : problems) fmt::print("  '{}' ({}): {}\n", p.node, p.op, p.reason);
  fmt::print("compilable: no\n");
  return support::kExitRefused;
}

}  // namespace mote::driver
