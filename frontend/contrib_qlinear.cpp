#include "frontend/contrib_qlinear.h"

#include <map>

#include <fmt/format.h>

#include "compiler/ir/attribute.h"
#include "compiler/quant/const_qparams.h"

namespace mote::frontend {

namespace {

// Where a contrib op keeps each activation and its scale and zero point (input
// positions), and the output's; the ONNX op it quantizes.
struct Layout {
  const char* onnx_op;
  std::vector<size_t> data;  // each activation's position; its scale and zero point follow it
  size_t y_scale;            // the output's scale; its zero point follows it
};

const std::map<std::string, Layout>& layouts() {
  static const std::map<std::string, Layout> m = {
      {"QLinearAdd", {"Add", {0, 3}, 6}},
      {"QLinearMul", {"Mul", {0, 3}, 6}},
      {"QLinearSigmoid", {"Sigmoid", {0}, 3}},
      {"QLinearLeakyRelu", {"LeakyRelu", {0}, 3}},
      {"QLinearGlobalAveragePool", {"GlobalAveragePool", {0}, 3}},
      {"QLinearAveragePool", {"AveragePool", {0}, 3}},
      {"QLinearSoftmax", {"Softmax", {0}, 3}},
      // Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input.
      {"QLinearConcat", {"Concat", {}, 0}},
  };
  return m;
}

ir::TensorId at(const ir::Node& n, size_t i) { return i < n.inputs.size() ? n.inputs[i] : ir::kNoTensor; }

}  // namespace

bool is_contrib_qlinear(const std::string& op_type) { return layouts().count(op_type) > 0; }

std::string lower_contrib_qlinear(ir::Graph& g, ir::Node& n) {
  const Layout& l = layouts().at(n.op);
  std::vector<size_t> data = l.data;
  if (n.op == "QLinearConcat") {
    if (n.inputs.size() < 5 || (n.inputs.size() - 2) % 3 != 0)
      return "QLinearConcat takes Y_scale, Y_zero_point and a (X, X_scale, X_zero_point) triple per input";
    for (size_t i = 2; i < n.inputs.size(); i += 3) data.push_back(i);
  } else if (n.inputs.size() > l.y_scale + 2 || at(n, l.y_scale) == ir::kNoTensor) {
    return fmt::format("{} takes {} inputs, the output's scale at position {}", n.op, l.y_scale + 2, l.y_scale + 1);
  }
  if (n.outputs.size() != 1 || n.outputs[0] == ir::kNoTensor) return "one output expected";
  if (ir::attr_int(n.attrs, "channels_last", 0) != 0) return "channels_last = 1 (NHWC) is not supported";

  // Every scale and zero point first; the tensors change only when all are read.
  std::vector<std::pair<ir::TensorId, ir::QuantParams>> params;
  auto read = [&](ir::TensorId t, size_t scale_at, const char* what) -> std::string {
    const ir::TensorId zp = at(n, scale_at + 1);
    if (zp == ir::kNoTensor)
      return fmt::format("{}'s zero point is missing (uint8 by default); Mote takes int8 activations", what);
    if (g.tensor(zp).is_constant() && g.tensor(zp).dtype == ir::DType::kU8)
      return fmt::format("{} is uint8; Mote takes int8 activations (quantize with activation_type QInt8)", what);
    const auto q = quant::const_qparams_per_tensor(g, at(n, scale_at), zp, ir::DType::kI8);
    if (!q)
      return fmt::format("{}'s scale and zero point must be constants, one positive scale and one int8 zero point",
                         what);
    params.emplace_back(t, *q);
    return "";
  };
  std::vector<ir::TensorId> xs;
  for (size_t d : data) {
    const ir::TensorId x = at(n, d);
    if (x == ir::kNoTensor) return fmt::format("input {} is missing", d + 1);
    if (const std::string why = read(x, d + 1, fmt::format("input '{}'", g.tensor(x).name).c_str()); !why.empty())
      return why;
    xs.push_back(x);
  }
  if (const std::string why = read(n.outputs[0], l.y_scale, "the output"); !why.empty()) return why;
  for (const auto& [t, q] : params) {
    const ir::QuantParams& had = g.tensor(t).quant;
    if (!had.empty() && (had.scale != q.scale || had.zero_point != q.zero_point))
      return fmt::format("tensor '{}' is given scale {:g} and zero point {} here, scale {:g} and zero point {} before",
                         g.tensor(t).name, q.scale[0], q.zero_point[0], had.scale[0], had.zero_point[0]);
  }
  for (const auto& [t, q] : params) g.tensor(t).quant = q;
  g.tensor(n.outputs[0]).dtype = ir::DType::kI8;  // the int8 form's rules read it before inferring it

  n.op = l.onnx_op;
  n.inputs = xs;
  if (n.op == "Softmax") {
    // The Softmax semantics it quantizes: before opset 13, over the input flattened
    // to 2-D at `axis` (default 1); from 13, along `axis` (default -1).
    n.opset = static_cast<int>(ir::attr_int(n.attrs, "opset", 13));
    n.attrs.erase("opset");
  } else {
    n.opset = 13;
  }
  n.attrs.erase("channels_last");
  return "";
}

}  // namespace mote::frontend
