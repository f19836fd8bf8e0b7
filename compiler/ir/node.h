#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/attribute.h"
#include "compiler/ir/kernel_call.h"
#include "compiler/ir/tensor.h"

namespace mote::ir {

struct Node {
  std::string name;  // unique in the graph; generated code is named after it
  std::string op;    // operator type, e.g. "Conv"; its definition lives in compiler/ops
  int opset = 0;     // version of the operator set the node was written against
  Attributes attrs;
  std::vector<TensorId> inputs;   // kNoTensor marks an absent optional input
  std::vector<TensorId> outputs;  // kNoTensor marks an unused optional output
  // The kernel that runs it, once pass select-kernels has chosen (empty before).
  std::optional<KernelCall> kernel;
};

}  // namespace mote::ir
