#pragma once
// The contract every operator implements, in one place per operator:
//  - infer:  validate attributes and inputs, compute output dtypes and shapes (refuse
//            anything not implemented, so nothing is ever miscompiled);
//  - fold:   optional, evaluate the node at compile time when its inputs are constant;
//  - cost:   MACs of one inference;
//  - lower:  choose the kernel from the kernel library and its compile-time parameters.
// Adding an operator means one file here, its kernel under codegen/kernels/, its tests,
// and one line in registry.cpp.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ops/infer_context.h"
#include "compiler/target/target.h"

namespace mote::ops {

struct Cost {
  int64_t macs = 0;
};

// A compile-time constant handed to a kernel: codegen emits it as a named member
// of the node's parameter struct, so kernels see every shape as a constant.
struct Param {
  using Value = std::variant<int64_t, double, std::vector<int64_t>, std::vector<double>>;
  std::string name;
  Value value;
};

// The kernel choice for one node. The kernel is a function template in the kernel
// library (codegen/kernels/<file>), called as kernel<Params, type_args...>(inputs..., outputs...).
struct KernelCall {
  std::string file;                    // kernel library file, e.g. "conv.h"
  std::string kernel;                  // function template, e.g. "conv2d"
  std::vector<std::string> type_args;  // after the parameter struct, e.g. {"float", "op_add"}
  std::vector<Param> params;
  std::vector<ir::TensorId> inputs;    // runtime operands, kNoTensor passes nullptr
  std::vector<ir::TensorId> outputs;
  // Variadic operators: the inputs reach the kernel as one array of pointers
  // (`const T* const* xs`, T the first input's type) instead of one argument each.
  bool inputs_as_array = false;
};

struct OpDef {
  const char* op;
  void (*infer)(InferContext& ctx);
  // Returns false when this node cannot be folded (e.g. a dtype the folder does not handle).
  bool (*fold)(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outputs) = nullptr;
  Cost (*cost)(const ir::Graph& g, const ir::Node& n) = nullptr;
  KernelCall (*lower)(const ir::Graph& g, const ir::Node& n, const target::Target& t) = nullptr;
  // The output is input 0's bytes under another shape: the planner may alias them.
  bool is_view = false;
};

}  // namespace mote::ops
