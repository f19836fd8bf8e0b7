#include "compiler/ops/int8_rule.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/calibration.h"

namespace mote::ops {

ir::QuantParams keep_input_params(const ir::Node&, const ir::QuantParams& in) { return in; }

std::string single_output_form(const ir::Graph&, const ir::Node& n) {
  if (n.inputs.empty() || n.inputs[0] == ir::kNoTensor || n.outputs.empty()) return "it has no input or output";
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (n.outputs[i] != ir::kNoTensor)
      return fmt::format("its output {} has no int8 form (only output 0 has)", i);
  return "";
}

ir::Tensor int8_constant_tensor(std::string name, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& values,
                                ir::QuantParams qp) {
  ir::Tensor t;
  t.name = std::move(name);
  t.dtype = dt;
  t.shape = std::move(shape);
  t.shape_known = true;
  t.data = ir::encode_int(dt, values);
  t.quant = std::move(qp);
  return t;
}

Int8Weights int8_on_own_range(const std::vector<double>& values) {
  quant::Range r{0.0f, 0.0f};
  for (double e : values) {
    r.lo = std::min(r.lo, static_cast<float>(e));
    r.hi = std::max(r.hi, static_cast<float>(e));
  }
  const quant::AffineInt8 a = quant::affine_int8(r);
  Int8Weights w;
  w.params.scale = {a.scale};
  w.params.zero_point = {a.zero_point};
  for (double e : values)
    w.values.push_back(static_cast<int64_t>(
        std::clamp(std::round(e / static_cast<double>(a.scale)) + a.zero_point, -128.0, 127.0)));
  return w;
}

const Int8Rule kMovesBytesInt8Rule = {single_output_form, 1, /*quantizes_inputs=*/false, keep_input_params};

}  // namespace mote::ops
