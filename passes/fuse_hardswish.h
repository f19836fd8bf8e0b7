#pragma once
// Pass `fuse-hardswish`: x * HardSigmoid(x) with HardSigmoid's alpha 1/6 and beta
// 0.5 is HardSwish(x), which is how exporters write HardSwish below opset 14
// (torch's nn.Hardswish at opset 13). The Mul becomes one HardSwish node, under the
// Mul's name and output; the HardSigmoid goes when the Mul was its only reader.
// In float that is one pass over the tensor instead of two and no HardSigmoid
// tensor to hold. In int8 it is one 256-entry table (lut_s8.h) instead of a table
// then a Mul of two activations: one rounding instead of three.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns the number of Mul nodes rewritten.
int fuse_hardswish(ir::Graph& g);

}  // namespace mote::passes
