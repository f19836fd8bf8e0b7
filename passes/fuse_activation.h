#pragma once
// Pass `fuse-activation`: a Relu or a Clip with constant bounds that is the only
// reader of a Conv or Gemm output becomes a clamp inside that kernel (node
// attributes `mote_act_min`/`mote_act_max`). The activation's buffer and its
// pass over memory disappear, which lowers the arena's lower bound itself.
#include "compiler/ir/graph.h"

namespace mote::passes {

void fuse_activation(ir::Graph& g);

}  // namespace mote::passes
