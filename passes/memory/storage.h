#pragma once
// Which arena tensors share bytes. A view's output (Reshape, Flatten, Squeeze,
// Unsqueeze) is its input's bytes under another name; pass in-place adds pairs
// where an output is written over an input. The passes that reason about bytes
// rather than tensors (schedule, in-place, plan-memory) start from these groups.
// The verifier derives its own on purpose: it checks these passes, so it must
// not share their mistakes.
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::passes::memory {

// Union-find over tensor ids.
class StorageGroups {
 public:
  explicit StorageGroups(size_t tensors);
  ir::TensorId find(ir::TensorId t);
  // `member`'s group joins `root`'s group, whose root stays the root.
  void join(ir::TensorId member, ir::TensorId root);

 private:
  std::vector<ir::TensorId> parent_;
};

// Every view output that lives in the arena, joined to its input's group when
// that input lives in the arena too.
StorageGroups view_groups(const ir::Graph& g);

// The groups as planned: view_groups plus each output written in place over its
// input (KernelCall::in_place_of, set by pass in-place). The root of a group is
// its first tensor, whose bytes the whole group uses.
StorageGroups planned_groups(const ir::Graph& g);

// The inputs of n's kernel whose bytes output 0 could take over, in the kernel's
// order of preference: those the kernel says it may overwrite
// (KernelCall::in_place_inputs) that live in the arena with the output's type and
// size. Whether one may be taken also depends on the schedule: that step must be
// the last to read its bytes.
std::vector<ir::TensorId> in_place_candidates(const ir::Graph& g, const ir::Node& n);

}  // namespace mote::passes::memory
