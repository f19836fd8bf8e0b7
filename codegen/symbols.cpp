#include "codegen/symbols.h"

#include <algorithm>
#include <map>

#include "codegen/naming.h"

namespace mote::codegen {

namespace {

bool same_parameters(const ir::Node& a, const ir::Node& b) {
  if (!a.kernel || !b.kernel) return false;
  const ir::KernelCall& x = *a.kernel;
  const ir::KernelCall& y = *b.kernel;
  if (x.file != y.file || x.kernel != y.kernel || x.variant != y.variant || x.type_args != y.type_args ||
      x.params.size() != y.params.size())
    return false;
  for (size_t i = 0; i < x.params.size(); ++i)
    if (x.params[i].name != y.params[i].name || x.params[i].value != y.params[i].value) return false;
  return true;
}

}  // namespace

Symbols make_symbols(const ir::Graph& g, const std::string& prefix) {
  Symbols s;
  s.prefix = prefix;
  s.tensor.resize(g.tensors.size());
  NameTable local;  // names inside SYMBOL_run
  NameTable global;  // names with external linkage
  // Taken first, so no tensor can shadow the arena parameter or the static arena.
  s.arena = local.unique("", "arena");
  local.unique("", "g_arena");
  local.unique("", "mote_run_schedule");
  for (ir::TensorId id : g.inputs) s.tensor[static_cast<size_t>(id)] = local.unique("", g.tensor(id).name);
  for (ir::TensorId id : g.outputs)
    if (s.tensor[static_cast<size_t>(id)].empty()) s.tensor[static_cast<size_t>(id)] = local.unique("", g.tensor(id).name);
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    if (!s.tensor[i].empty()) continue;
    const ir::Tensor& t = g.tensors[i];
    s.tensor[i] = t.is_constant() ? global.unique(prefix + "_w_", t.name) : local.unique("t_", t.name);
  }
  std::map<std::string, std::vector<size_t>> by_kernel;  // nodes with a struct of their own, by kernel
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    std::vector<size_t>& same_kernel = by_kernel[n.kernel ? n.kernel->file + "/" + n.kernel->kernel : ""];
    const auto twin = std::find_if(same_kernel.begin(), same_kernel.end(),
                                   [&](size_t j) { return same_parameters(g.nodes[j], n); });
    if (twin != same_kernel.end()) {
      s.node_params.push_back(s.node_params[*twin]);
      continue;
    }
    same_kernel.push_back(i);
    s.node_params.push_back(local.unique("p_", n.name));
  }
  return s;
}

const std::string& tensor_ref(const Symbols& s, ir::TensorId id) { return s.tensor.at(static_cast<size_t>(id)); }

}  // namespace mote::codegen
