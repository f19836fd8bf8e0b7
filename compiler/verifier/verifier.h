#pragma once
// Checks the IR's invariants (listed in compiler/ir/graph.h). Runs after every
// pass; a failure is a bug in Mote, reported as an internal error naming the pass.
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::verifier {

// Every broken invariant, one line each; empty when the graph is sound.
std::vector<std::string> verify(const ir::Graph& g);

// Throws support::InternalError listing the problems, naming `after_pass`.
void verify_or_throw(const ir::Graph& g, const std::string& after_pass);

}  // namespace mote::verifier
