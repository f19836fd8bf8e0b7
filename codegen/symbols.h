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
  std::vector<std::string> node_params;    // per node: its parameter struct
  std::string arena;                       // SYMBOL_run_arena's arena parameter
};

Symbols make_symbols(const ir::Graph& g, const std::string& prefix);

// "input_x" or "SYM_w_conv1_weight" or "t_conv1_out": how generated code reaches a tensor.
const std::string& tensor_ref(const Symbols& s, ir::TensorId id);

}  // namespace mote::codegen
