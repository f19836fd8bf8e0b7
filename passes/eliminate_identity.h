#pragma once
// Pass `eliminate-identity`: Identity and inference-mode Dropout compute nothing,
// so their readers read the input directly and the node disappears. A node whose
// output is a graph output stays (the output needs its own buffer).
#include "compiler/ir/graph.h"

namespace mote::passes {

void eliminate_identity(ir::Graph& g);

}  // namespace mote::passes
