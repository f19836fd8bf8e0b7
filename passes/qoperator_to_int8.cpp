#include "passes/qoperator_to_int8.h"

#include <optional>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/const_qparams.h"

namespace mote::passes {

namespace {

// The int8 kernels accumulate in int32: deeper reductions stay on quant.h.
constexpr int64_t kMaxTaps = 65793;

bool is_const_i8(const ir::Tensor& t) { return t.is_constant() && t.dtype == ir::DType::kI8; }

// Activation parameters p may be given to tensor t: it has none yet, or the same.
bool accepts(const ir::Tensor& t, const ir::QuantParams& p) {
  return t.dtype == ir::DType::kI8 &&
         (t.quant.empty() || (t.quant.scale == p.scale && t.quant.zero_point == p.zero_point));
}

std::optional<ir::QuantParams> symmetric_weights(const ir::Graph& g, ir::TensorId scale, ir::TensorId zp,
                                                 int64_t channels) {
  std::optional<ir::QuantParams> w = quant::const_qparams(g, scale, zp, ir::DType::kI8);
  if (!w) return std::nullopt;
  for (int32_t z : w->zero_point)
    if (z != 0) return std::nullopt;
  if (w->scale.size() != 1 && static_cast<int64_t>(w->scale.size()) != channels) return std::nullopt;
  w->axis = 0;
  return w;
}

ir::TensorId input_or_none(const ir::Node& n, size_t i) { return i < n.inputs.size() ? n.inputs[i] : ir::kNoTensor; }

// QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
bool rewrite_conv(ir::Graph& g, ir::Node& n) {
  if (n.inputs.size() < 8 || n.outputs.size() != 1) return false;
  const ir::TensorId x = n.inputs[0], w = n.inputs[3], y = n.outputs[0], b = input_or_none(n, 8);
  const ir::Tensor& wt = g.tensor(w);
  if (!is_const_i8(wt) || wt.shape.size() < 3 || wt.shape.size() > 4) return false;
  if (ir::shape_elements(ir::Shape(wt.shape.begin() + 1, wt.shape.end())) > kMaxTaps) return false;
  const int64_t m = wt.shape[0];
  const auto xq = quant::const_qparams_per_tensor(g, n.inputs[1], n.inputs[2], ir::DType::kI8);
  const auto yq = quant::const_qparams_per_tensor(g, n.inputs[6], n.inputs[7], ir::DType::kI8);
  const auto wq = symmetric_weights(g, n.inputs[4], n.inputs[5], m);
  if (!xq || !yq || !wq || !accepts(g.tensor(x), *xq) || !accepts(g.tensor(y), *yq)) return false;
  if (b != ir::kNoTensor && !(g.tensor(b).is_constant() && g.tensor(b).dtype == ir::DType::kI32)) return false;
  g.tensor(x).quant = *xq;
  g.tensor(y).quant = *yq;
  g.tensor(w).quant = *wq;
  n.op = "Conv";
  n.opset = 11;
  n.inputs = {x, w};
  if (b != ir::kNoTensor) n.inputs.push_back(b);
  return true;
}

// QLinearMatMul inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
bool rewrite_matmul(ir::Graph& g, ir::Node& n) {
  if (n.inputs.size() != 8 || n.outputs.size() != 1) return false;
  const ir::TensorId a = n.inputs[0], b = n.inputs[3], y = n.outputs[0];
  const ir::Tensor& bt = g.tensor(b);
  if (g.tensor(a).shape.size() != 2 || !is_const_i8(bt) || bt.shape.size() != 2 || bt.shape[0] > kMaxTaps) return false;
  const int64_t k = bt.shape[0], nn = bt.shape[1];
  const auto aq = quant::const_qparams_per_tensor(g, n.inputs[1], n.inputs[2], ir::DType::kI8);
  const auto yq = quant::const_qparams_per_tensor(g, n.inputs[6], n.inputs[7], ir::DType::kI8);
  const auto bq = symmetric_weights(g, n.inputs[4], n.inputs[5], nn);
  if (!aq || !yq || !bq || !accepts(g.tensor(a), *aq) || !accepts(g.tensor(y), *yq)) return false;
  // The int8 Gemm reads one row of weights per output unit: B transposed, (N, K).
  const std::vector<double> v = ir::data_as_double(bt);
  std::vector<int64_t> t(v.size());
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < nn; ++j) t[static_cast<size_t>(j * k + i)] = static_cast<int64_t>(v[static_cast<size_t>(i * nn + j)]);
  ir::Tensor wt;
  wt.name = bt.name + "_transposed";
  for (int i = 2; g.find_tensor(wt.name) != ir::kNoTensor; ++i) wt.name = bt.name + "_transposed_" + std::to_string(i);
  wt.dtype = ir::DType::kI8;
  wt.shape = {nn, k};
  wt.shape_known = true;
  wt.data = ir::encode_int(ir::DType::kI8, t);
  wt.quant = *bq;
  const ir::TensorId w = g.add_tensor(std::move(wt));
  g.tensor(a).quant = *aq;
  g.tensor(y).quant = *yq;
  n.op = "Gemm";
  n.opset = 13;
  n.inputs = {a, w};
  n.attrs = {{"transB", int64_t{1}}};
  return true;
}

}  // namespace

int qoperator_to_int8(ir::Graph& g) {
  int rewritten = 0;
  for (ir::Node& n : g.nodes) {
    if (n.op == "QLinearConv") rewritten += rewrite_conv(g, n);
    else if (n.op == "QLinearMatMul") rewritten += rewrite_matmul(g, n);
  }
  if (rewritten) g.compact();
  return rewritten;
}

}  // namespace mote::passes
