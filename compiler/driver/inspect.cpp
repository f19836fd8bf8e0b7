#include "compiler/driver/inspect.h"

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/compile.h"
#include "compiler/driver/json_text.h"
#include "compiler/ops/registry.h"
#include "compiler/support/error.h"
#include "frontend/onnx_loader.h"
#include "passes/dead_code.h"
#include "passes/resolve.h"

namespace mote::driver {

namespace {

std::string inspect_json(const ir::Graph& g, const std::string& model_path, size_t in_file,
                         const std::map<std::string, int>& op_counts, int64_t params, int64_t bytes,
                         const std::vector<passes::NodeProblem>& problems,
                         const std::map<std::string, std::vector<frontend::InputDim>>& symbolic) {
  namespace json = llvm::json;
  auto tensors = [&](const std::vector<ir::TensorId>& ids) {
    json::Array list;
    for (ir::TensorId id : ids) {
      const ir::Tensor& t = g.tensor(id);
      json::Array dims;
      const auto sym = symbolic.find(t.name);
      if (sym != symbolic.end()) {
        for (const frontend::InputDim& d : sym->second) dims.push_back(d.value >= 0 ? json::Value(d.value) : json::Value(json::fixUTF8(d.text)));
      } else if (t.shape_known) {
        for (int64_t d : t.shape) dims.push_back(d);
      }
      list.push_back(json::Object{{"name", json::fixUTF8(t.name)},
                                  {"dtype", ir::dtype_name(t.dtype)},
                                  {"shape", t.shape_known || sym != symbolic.end() ? json::Value(std::move(dims)) : json::Value(nullptr)},
                                  {"symbolic", sym != symbolic.end()}});
    }
    return list;
  };
  json::Object ops;
  for (const auto& [op, count] : op_counts) ops[json::fixUTF8(op)] = count;
  json::Array unsupported;
  for (const passes::NodeProblem& p : problems)
    unsupported.push_back(json::Object{{"node", json::fixUTF8(p.node)}, {"op", json::fixUTF8(p.op)}, {"reason", json::fixUTF8(p.reason)}});
  json::Object o{{"command", "inspect"},
                 {"model", json::fixUTF8(model_path)},
                 {"nodes", static_cast<int64_t>(in_file)},
                 {"unused_nodes", static_cast<int64_t>(in_file - g.nodes.size())},
                 {"inputs", tensors(g.inputs)},
                 {"outputs", tensors(g.outputs)},
                 {"ops", std::move(ops)},
                 {"parameters", params},
                 {"parameter_bytes", bytes},
                 {"macs", problems.empty() ? json::Value(ops::total_macs(g)) : json::Value(nullptr)},
                 {"compilable", problems.empty()},
                 {"unsupported_nodes", std::move(unsupported)}};
  return json_text(json::Value(std::move(o)));
}

}  // namespace

int inspect(const std::string& model_path, const std::map<std::string, std::vector<int64_t>>& input_shapes, bool json) {
  // A symbolic dimension is described, not refused: the counts below take it as 1
  // (a batch of one, as on an MCU), and compile is told how to fix it.
  std::map<std::string, std::vector<int64_t>> shapes = input_shapes;
  std::map<std::string, std::vector<frontend::InputDim>> symbolic;
  for (const auto& [name, dims] : frontend::symbolic_input_dims(model_path)) {
    if (shapes.count(name)) continue;
    symbolic[name] = dims;
    std::vector<int64_t>& fixed = shapes[name];
    for (const frontend::InputDim& d : dims) fixed.push_back(d.value >= 0 ? d.value : 1);
  }
  ir::Graph g = load_graph(model_path, shapes);
  std::map<std::string, int> op_counts;
  for (const ir::Node& n : g.nodes) op_counts[n.op]++;
  const size_t in_file = g.nodes.size();
  passes::eliminate_dead_code(g);
  const std::vector<passes::NodeProblem> problems = passes::resolve_collecting(g);

  int64_t params = 0, bytes = 0;
  std::vector<bool> seen(g.tensors.size(), false);
  for (const ir::Node& n : g.nodes)
    for (ir::TensorId t : n.inputs)
      if (t != ir::kNoTensor && g.tensor(t).is_constant() && !seen[static_cast<size_t>(t)]) {
        seen[static_cast<size_t>(t)] = true;
        params += g.tensor(t).elements();
        bytes += g.tensor(t).bytes();
      }
  if (json) {
    fmt::print("{}\n", inspect_json(g, model_path, in_file, op_counts, params, bytes, problems, symbolic));
    return problems.empty() ? support::kExitOk : support::kExitRefused;
  }

  // The histogram is of the file's nodes, so the count is too.
  if (in_file == g.nodes.size())
    fmt::print("model {}: {} nodes\n", model_path, in_file);
  else
    fmt::print("model {}: {} nodes ({} compute an output; {} unused)\n", model_path, in_file, g.nodes.size(),
               in_file - g.nodes.size());
  for (ir::TensorId id : g.inputs) {
    const ir::Tensor& t = g.tensor(id);
    const auto sym = symbolic.find(t.name);
    if (sym == symbolic.end()) {
      fmt::print("  input  '{}': {}[{}]\n", t.name, ir::dtype_name(t.dtype), ir::shape_str(t.shape));
      continue;
    }
    std::vector<std::string> written, as_one;
    for (const frontend::InputDim& d : sym->second) {
      written.push_back(d.text);
      as_one.push_back(d.value >= 0 ? d.text : "1");
    }
    fmt::print("  input  '{}': {}[{}] (symbolic; the counts below take each symbolic dimension as 1; compile "
               "needs --input-shape {}={})\n",
               t.name, ir::dtype_name(t.dtype), fmt::join(written, "x"), t.name, fmt::join(as_one, "x"));
  }
  for (ir::TensorId id : g.outputs) {
    const ir::Tensor& t = g.tensor(id);
    fmt::print("  output '{}': {}[{}]\n", t.name, ir::dtype_name(t.dtype),
               t.shape_known ? ir::shape_str(t.shape) : std::string("?"));
  }
  fmt::print("operators (as in the file):\n");
  for (const auto& [op, count] : op_counts)
    fmt::print("  {:<24} {:>5}{}\n", op, count, ops::find_op(op) ? "" : "  (not supported)");
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
