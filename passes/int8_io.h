#pragma once
// Pass `int8-io` (only with `--io int8`, after quantize-int8): the model's C API
// takes and returns int8. A graph input whose only reader is a QuantizeLinear to
// int8 (constant per-tensor scale and zero point) is replaced by that int8 tensor,
// and a graph output written by a DequantizeLinear of an int8 tensor (same
// conditions) by the int8 tensor; the boundary nodes disappear. The int8 tensors
// take the original names and carry their scale and zero point, which codegen
// writes into the header. Any input or output that cannot become int8 this way is
// refused, naming it and the node in the way (e.g. a layer kept float).
#include "compiler/ir/graph.h"

namespace mote::passes {

void int8_io(ir::Graph& g);

}  // namespace mote::passes
