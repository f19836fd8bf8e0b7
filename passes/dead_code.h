#pragma once
// Pass `dce`: drops nodes none of whose outputs reach a graph output, so neither
// their kernels nor their buffers cost flash or RAM.
#include "compiler/ir/graph.h"

namespace mote::passes {

void eliminate_dead_code(ir::Graph& g);

}  // namespace mote::passes
