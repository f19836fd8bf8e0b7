#pragma once
// Pass `select-kernels` (after every pass that changes nodes, before plan-memory):
// records on each node the kernel that runs it, from its operator's table of
// variants, the target's core features and the --optimize preference: the
// variant, the files, the parameters, the operands it reads and its scratch. The
// planner then places the scratch; codegen prints the calls as recorded.
#include "compiler/ir/graph.h"
#include "compiler/ops/op_def.h"
#include "compiler/target/target.h"

namespace mote::passes {

void select_kernels(ir::Graph& g, const target::Target& t, ops::Preference p);

}  // namespace mote::passes
