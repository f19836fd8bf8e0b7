#include "passes/select_kernels.h"

#include "compiler/ops/select.h"

namespace mote::passes {

void select_kernels(ir::Graph& g, const target::Target& t, ops::Preference p) {
  // A variant may add re-laid constants to g.tensors; g.nodes does not move.
  for (ir::Node& n : g.nodes) n.kernel = ops::select_kernel(g, n, t, p);
  g.kernels_selected = true;
}

}  // namespace mote::passes
