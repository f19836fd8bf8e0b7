#pragma once
// Pass `fuse-activation`: an activation that is a clamp (its op definition's
// as_clamp: Relu, Clip with constant bounds) and the only reader of a float
// output whose producer's kernels apply that clamp (takes_clamp: Conv and Gemm any
// clamp, Add a Relu) becomes a clamp inside that kernel (node attributes
// `mote_act_min`/`mote_act_max`). The activation's buffer and its pass over
// memory disappear, which lowers the arena's lower bound itself; the int8 forms
// of those producers then clamp in integers.
#include "compiler/ir/graph.h"

namespace mote::passes {

void fuse_activation(ir::Graph& g);

}  // namespace mote::passes
