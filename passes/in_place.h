#pragma once
// Pass `in-place` (after select-kernels, before plan-memory): an elementwise
// kernel writes its output over an input whose last read it is, so the two share
// one buffer and the arena and its ideal both shrink. Which inputs a kernel may
// overwrite is the kernel's own statement (KernelCall::in_place_inputs, set by its
// operator); this pass only checks that nothing reads the input's bytes later,
// through the tensor or any view of it, and that the two match in type and size.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns the number of nodes that now run in place.
int run_in_place(ir::Graph& g);

}  // namespace mote::passes
