#include "codegen/symbols.h"

#include "codegen/naming.h"

namespace mote::codegen {

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
  for (const ir::Node& n : g.nodes) s.node_params.push_back(local.unique("p_", n.name));
  return s;
}

const std::string& tensor_ref(const Symbols& s, ir::TensorId id) { return s.tensor.at(static_cast<size_t>(id)); }

}  // namespace mote::codegen
