#include "compiler/quant/const_qparams.h"

#include <cmath>

#include "compiler/ir/tensor_data.h"

namespace mote::quant {

std::optional<ir::QuantParams> const_qparams(const ir::Graph& g, ir::TensorId scale, ir::TensorId zp, ir::DType q) {
  if (scale == ir::kNoTensor || !g.tensor(scale).is_constant() || g.tensor(scale).dtype != ir::DType::kF32)
    return std::nullopt;
  ir::QuantParams p;
  for (double s : ir::data_as_double(g.tensor(scale))) {
    if (!(s > 0) || !std::isfinite(s)) return std::nullopt;
    p.scale.push_back(static_cast<float>(s));
  }
  if (p.scale.empty()) return std::nullopt;
  if (zp == ir::kNoTensor) {
    p.zero_point.assign(p.scale.size(), 0);
  } else {
    const ir::Tensor& z = g.tensor(zp);
    if (!z.is_constant() || z.dtype != q) return std::nullopt;
    for (double v : ir::data_as_double(z)) p.zero_point.push_back(static_cast<int32_t>(v));
    if (p.zero_point.size() == 1 && p.scale.size() > 1) p.zero_point.assign(p.scale.size(), p.zero_point[0]);
    if (p.zero_point.size() != p.scale.size()) return std::nullopt;
  }
  if (p.scale.size() > 1) p.axis = 0;
  return p;
}

std::optional<ir::QuantParams> const_qparams_per_tensor(const ir::Graph& g, ir::TensorId scale, ir::TensorId zp,
                                                        ir::DType q) {
  std::optional<ir::QuantParams> p = const_qparams(g, scale, zp, q);
  if (!p || p->scale.size() != 1) return std::nullopt;
  return p;
}

}  // namespace mote::quant
