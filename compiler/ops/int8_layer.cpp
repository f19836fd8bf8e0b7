#include "compiler/ops/int8_layer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

// The int64 bias of an int16 layer, round(b / (in_scale * w_scale)) in double,
// bounded where the int16 kernels bound their accumulator (2^47).
int64_t bias_int64(double b, float in_scale, float w_scale) {
  const double q = std::round(b / (static_cast<double>(in_scale) * static_cast<double>(w_scale)));
  const double bound = 140737488355328.0;  // 2^47
  if (std::isnan(q)) return 0;
  return static_cast<int64_t>(std::clamp(q, -bound, bound));
}

}  // namespace

std::string too_deep_for_int8(int64_t taps) {
  return fmt::format("each output sums {} products, more than the int8 kernels' int32 accumulator takes ({})", taps,
                     kMaxInt8Taps);
}

bool takes_any_clamp(const ir::Graph&, const ir::Node&, double, double) { return true; }

std::string layer_constants_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1 || n.inputs[1] == ir::kNoTensor) return "it has no weights";
  if (!g.tensor(n.inputs[1]).is_constant())
    return "its weights are computed at run time (the int8 form needs constant weights)";
  const bool has_bias = n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor;
  if (has_bias && !g.tensor(n.inputs[2]).is_constant())
    return "its bias is computed at run time (the int8 form needs a constant bias)";
  if (g.tensor(n.inputs[1]).dtype != ir::DType::kF32 || (has_bias && g.tensor(n.inputs[2]).dtype != ir::DType::kF32))
    return "its weights are not float32";
  return "";
}

ChannelMajorWeights channel_major_weights(ir::Node& n, const ir::Tensor& w) {
  if (n.op == "MatMul") {  // A (M, K) times constant B (K, N): Gemm with transB = 0, transposed below
    n.op = "Gemm";
    n.attrs.clear();
  }
  ChannelMajorWeights r;
  r.values = ir::data_as_double(w);
  r.shape = w.shape;
  if (n.op == "ConvTranspose" && r.shape.size() >= 2) {
    // (C, M, k...) -> (M, C, k...): output channel first, as the int8 kernel reads it.
    const int64_t c = r.shape[0], m = r.shape[1];
    const int64_t taps = m > 0 && c > 0 ? static_cast<int64_t>(r.values.size()) / (c * m) : 0;
    std::vector<double> t(r.values.size());
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = 0; j < m; ++j)
        for (int64_t k = 0; k < taps; ++k)
          t[static_cast<size_t>((j * c + i) * taps + k)] = r.values[static_cast<size_t>((i * m + j) * taps + k)];
    r.values = std::move(t);
    std::swap(r.shape[0], r.shape[1]);
    r.transposed = true;
    return r;
  }
  if (n.op == "Gemm" && ir::attr_int(n.attrs, "transB", 0) == 0) {
    const int64_t k = r.shape[0], nn = r.shape[1];
    std::vector<double> t(r.values.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < nn; ++j) t[static_cast<size_t>(j * k + i)] = r.values[static_cast<size_t>(i * nn + j)];
    r.values = std::move(t);
    r.shape = {nn, k};
    r.transposed = true;
    n.attrs["transB"] = int64_t{1};
  }
  return r;
}

bool layer_int8_constants(ir::Graph& g, ir::Node& n, float in_scale, bool int16, Int8Constants& c) {
  ir::Node m = n;  // rewritten on a copy: weights that cannot be had leave n as it was
  const ir::Tensor& wt = g.tensor(m.inputs[1]);
  const ChannelMajorWeights cw = channel_major_weights(m, wt);
  const std::optional<Int8Weights> w = c.weights(wt, cw);
  if (!w) return false;
  const std::string wname = wt.name;
  const int64_t channels = cw.shape[0];
  ir::QuantParams wp = w->params;
  wp.axis = 0;
  m.inputs[1] = c.add(wname + "_int8", ir::DType::kI8, cw.shape, w->values, wp);
  if (m.inputs.size() > 2 && m.inputs[2] != ir::kNoTensor) {
    const ir::Tensor& bt = g.tensor(m.inputs[2]);
    const std::vector<double> b = ir::data_as_double(bt);
    const std::string bname = bt.name;
    std::vector<int64_t> bi;
    ir::QuantParams bp;
    bp.axis = 0;
    for (int64_t ch = 0; ch < channels; ++ch) {
      const float ws = wp.scale[wp.per_channel() ? static_cast<size_t>(ch) : 0];
      const double bc = b[static_cast<size_t>(ch)];
      bi.push_back(int16 ? bias_int64(bc, in_scale, ws) : quant::quantize_bias(static_cast<float>(bc), in_scale, ws));
      bp.scale.push_back(in_scale * ws);
      bp.zero_point.push_back(0);
    }
    const ir::DType bdt = int16 ? ir::DType::kI64 : ir::DType::kI32;
    m.inputs[2] = c.add(bname + (int16 ? "_int64" : "_int32"), bdt, {channels}, bi, bp);
  }
  n = std::move(m);
  return true;
}

}  // namespace mote::ops
