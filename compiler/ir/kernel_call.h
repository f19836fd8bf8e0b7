#pragma once
// The kernel chosen for a node (pass select-kernels), as plain data: which variant
// of the operator's table runs, the kernel library files it needs, its compile-time
// parameters, the operands it actually reads, and the scratch it needs in the
// arena (placed by the memory planner). Codegen only prints what is recorded here.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ir/tensor.h"

namespace mote::ir {

// A compile-time constant handed to a kernel: codegen emits it as a named member
// of the node's parameter struct, so kernels see every shape as a constant.
struct KernelParam {
  using Value = std::variant<int64_t, double, std::vector<int64_t>, std::vector<double>>;
  std::string name;
  Value value;
};

// The kernel is a function template in the kernel library (codegen/kernels/<file>),
// called as kernel<Params, type_args...>(inputs..., outputs...[, scratch]).
struct KernelCall {
  std::string file;                    // kernel library file, e.g. "conv.h" (its own needs follow)
  std::string kernel;                  // function template, e.g. "conv2d"
  std::vector<std::string> type_args;  // after the parameter struct, e.g. {"float", "op_add"}
  std::vector<KernelParam> params;
  std::vector<TensorId> inputs;        // operands it reads; kNoTensor passes nullptr
  std::vector<TensorId> outputs;
  // Variadic operators: the inputs reach the kernel as one array of pointers
  // (`const T* const* xs`, T the first input's type) instead of one argument each.
  bool inputs_as_array = false;
  // Set by select-kernels:
  std::string variant;                 // op, type, tile and ISA, e.g. "conv1x1_s8_2x2_dsp"
  std::string why;                     // the variants before it that did not apply, and why
  int64_t scratch_bytes = 0;           // working memory for one call, in the arena
  // Set by plan-memory when scratch_bytes > 0: the scratch's offset in the arena.
  int64_t scratch_offset = -1;
  // Inputs (indices into `inputs`) the kernel may write output 0 over: it reads
  // element i of them before it writes element i. Set by the operator's kernel.
  std::vector<int> in_place_inputs;
  // Set by pass in-place: the input whose bytes output 0 takes over (its last read).
  TensorId in_place_of = kNoTensor;
};

}  // namespace mote::ir
