#pragma once
#include <string>

#include "compiler/ir/graph.h"

namespace mote::ir {

// A text form of the graph for `--print-after`: one line per tensor of interest and per node.
std::string print(const Graph& g);

}  // namespace mote::ir
