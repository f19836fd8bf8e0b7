#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/op_def.h"

namespace mote::ops {

// The definition of `op`, or nullptr when Mote does not implement it.
const OpDef* find_op(const std::string& op);
// Every implemented operator, sorted by name.
std::vector<const OpDef*> all_ops();

// MACs of one inference of the whole graph, from each operator's cost rule.
int64_t total_macs(const ir::Graph& g);

}  // namespace mote::ops
