#pragma once
// The C names of one model's tensors, nodes and API, decided once so the
// header, the source and the weights file agree.
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::codegen {

struct Symbols {
  std::string prefix;                      // the model's symbol, e.g. "kws"
  std::vector<std::string> tensor;         // per tensor: local pointer, argument or weight array
  // Per node: its parameter struct. Nodes whose kernel calls are the same in every
  // parameter (a layer run on several tiles of the same shape, pass patch) share the
  // first one's, so the kernel is instantiated once for them.
  std::vector<std::string> node_params;
  std::string arena;                       // SYMBOL_run_arena's arena parameter
};

Symbols make_symbols(const ir::Graph& g, const std::string& prefix);

// "input_x" or "SYM_w_conv1_weight" or "t_conv1_out": how generated code reaches a tensor.
const std::string& tensor_ref(const Symbols& s, ir::TensorId id);

}  // namespace mote::codegen
