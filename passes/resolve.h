#pragma once
// Pass `resolve`: walks the schedule once, checking every node against its
// operator's rule, giving every tensor its dtype and static shape, and folding
// nodes whose inputs are all known at compile time (shape arithmetic, constant
// subgraphs) into constants. This is what turns PyTorch's Shape->Gather->Concat
// chains into plain constants and exposes every shape as static.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::passes {

struct NodeProblem {
  std::string node;
  std::string op;
  std::string reason;
};

// Folding stops at this many bytes of constants: more than the largest flash of any
// part in the targets table (a 149-byte ConstantOfShape can ask for gigabytes).
int64_t default_max_folded_bytes();

// Refuses (exit 2) at the first node Mote cannot compile, naming model, node and
// reason; also a node whose folding would take the bytes folded so far past
// `max_folded_bytes`.
void resolve(ir::Graph& g, int64_t max_folded_bytes = default_max_folded_bytes());

// For `mote inspect`: resolves what it can and returns every node it cannot compile.
std::vector<NodeProblem> resolve_collecting(ir::Graph& g);

}  // namespace mote::passes
