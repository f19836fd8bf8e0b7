#pragma once
// Mote's IR: the only thing the frontend, the passes and the backend share.
//
// Invariants (checked by ir::verify after every pass):
//  - nodes are in topological order: every input of a node is a graph input,
//    a constant, or an output of an earlier node;
//  - each tensor is produced at most once, and a constant or graph input by none;
//  - every graph output is produced by a node, is a graph input, or is a constant;
//  - once resolved, every tensor used by a node has a known static shape that
//    agrees with its operator's rule;
//  - once kernels are selected, every node has a kernel call whose operands are
//    tensors of the graph, and a tensor a kernel reads is not dangling even when
//    no node input names it (a weight re-laid for that kernel);
//  - once planned, arena tensors and kernel scratch live at 16-byte aligned
//    offsets inside the arena, and no two of them live at the same step overlap
//    in bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/node.h"
#include "compiler/ir/tensor.h"

namespace mote::ir {

struct Graph {
  std::string name;         // model name (file stem), used in messages
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // topological order = execution schedule
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;

  bool resolved = false;      // every tensor typed and every node checked by its op rule
  bool kernels_selected = false;  // every node carries its KernelCall (select-kernels)
  bool planned = false;       // arena offsets assigned
  int64_t arena_bytes = 0;    // valid when planned

  TensorId add_tensor(Tensor t);
  Tensor& tensor(TensorId id) { return tensors.at(static_cast<size_t>(id)); }
  const Tensor& tensor(TensorId id) const { return tensors.at(static_cast<size_t>(id)); }
  TensorId find_tensor(const std::string& name) const;  // kNoTensor when absent

  bool is_graph_input(TensorId id) const;
  bool is_graph_output(TensorId id) const;
  // A tensor the memory planner must place in the arena.
  bool lives_in_arena(TensorId id) const;

  // Nodes that read each tensor, and the node that writes it (-1 if none).
  std::vector<std::vector<int>> consumers() const;
  std::vector<int> producers() const;

  // Drop tensors no node, input or output refers to, renumbering ids.
  void compact();
};

}  // namespace mote::ir
