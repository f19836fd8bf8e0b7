#include "compiler/ops/int8_rule.h"

#include <fmt/format.h>

namespace mote::ops {

ir::QuantParams keep_input_params(const ir::Node&, const ir::QuantParams& in) { return in; }

std::string single_output_form(const ir::Graph&, const ir::Node& n) {
  if (n.inputs.empty() || n.inputs[0] == ir::kNoTensor || n.outputs.empty()) return "it has no input or output";
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (n.outputs[i] != ir::kNoTensor)
      return fmt::format("its output {} has no int8 form (only output 0 has)", i);
  return "";
}

const Int8Rule kMovesBytesInt8Rule = {single_output_form, 1, /*quantizes_inputs=*/false, keep_input_params};

}  // namespace mote::ops
