#include "passes/fold_qdq.h"

#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/fixed_point.h"
#include "passes/dead_code.h"
#include "passes/int8_layer.h"

namespace mote::passes {

namespace {

bool same_params(const ir::QuantParams& a, const ir::QuantParams& b) {
  return a.scale == b.scale && a.zero_point == b.zero_point;
}

class Folder {
 public:
  explicit Folder(ir::Graph& g) : g_(g), readers_(g.consumers()), producers_(g.producers()) {}

  FoldQdqReport run();

 private:
  // The per-tensor parameters of a QuantizeLinear / DequantizeLinear whose 8-bit
  // side (`q8`) is int8: constant scale and zero point of one element each.
  std::optional<ir::QuantParams> per_tensor_int8(const ir::Node& n, ir::TensorId q8) const {
    if (g_.tensor(q8).dtype != ir::DType::kI8 || n.inputs.size() < 2) return std::nullopt;
    const ir::Tensor& s = g_.tensor(n.inputs[1]);
    if (!s.is_constant() || s.elements() != 1) return std::nullopt;
    ir::QuantParams qp;
    qp.scale = {static_cast<float>(ir::data_as_double(s)[0])};
    qp.zero_point = {0};
    if (n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor) {
      const ir::Tensor& z = g_.tensor(n.inputs[2]);
      if (!z.is_constant() || z.elements() != 1) return std::nullopt;
      qp.zero_point = {static_cast<int32_t>(ir::data_as_int(z)[0])};
    }
    if (!(qp.scale[0] > 0) || !std::isfinite(qp.scale[0])) return std::nullopt;
    return qp;
  }

  // An int8 tensor may carry parameters (which make its readers' int8 forms apply)
  // only when every reader dequantizes it: no other reader changes meaning.
  bool taggable(ir::TensorId t, const ir::QuantParams& qp) const {
    const ir::Tensor& x = g_.tensor(t);
    if (x.dtype != ir::DType::kI8 || x.is_constant()) return false;
    if (!x.quant.empty() && !same_params(x.quant, qp)) return false;
    for (int r : readers_[static_cast<size_t>(t)])
      if (g_.nodes[static_cast<size_t>(r)].op != "DequantizeLinear") return false;
    return true;
  }

  // Float tensor xf as the DequantizeLinear of an int8 tensor, per tensor.
  struct Source {
    ir::TensorId q;
    ir::QuantParams qp;
  };
  std::optional<Source> dequantized(ir::TensorId xf) const {
    if (xf == ir::kNoTensor) return std::nullopt;
    const int p = producers_[static_cast<size_t>(xf)];
    if (p < 0 || removed_[static_cast<size_t>(p)]) return std::nullopt;
    const ir::Node& d = g_.nodes[static_cast<size_t>(p)];
    if (d.op != "DequantizeLinear") return std::nullopt;
    const auto qp = per_tensor_int8(d, d.inputs[0]);
    if (!qp || !taggable(d.inputs[0], *qp)) return std::nullopt;
    return Source{d.inputs[0], *qp};
  }

  // The one node reading float tensor y, when y is no graph output; -1 otherwise.
  int sole_reader(ir::TensorId y) const {
    if (g_.is_graph_output(y)) return -1;
    const std::vector<int>& r = readers_[static_cast<size_t>(y)];
    return r.size() == 1 && !removed_[static_cast<size_t>(r[0])] ? r[0] : -1;
  }

  // y's only reader as a QuantizeLinear to int8 per tensor: its index and output.
  struct Sink {
    int node;
    ir::TensorId q;
    ir::QuantParams qp;
  };
  std::optional<Sink> quantized(ir::TensorId y) const {
    const int r = sole_reader(y);
    if (r < 0) return std::nullopt;
    const ir::Node& q = g_.nodes[static_cast<size_t>(r)];
    if (q.op != "QuantizeLinear" || q.inputs[0] != y || q.outputs.size() != 1) return std::nullopt;
    const auto qp = per_tensor_int8(q, q.outputs[0]);
    if (!qp || !taggable(q.outputs[0], *qp)) return std::nullopt;
    return Sink{r, q.outputs[0], *qp};
  }

  std::string unique_name(const std::string& base) const {
    std::string name = base;
    for (int i = 2; g_.find_tensor(name) != ir::kNoTensor; ++i) name = fmt::format("{}_{}", base, i);
    return name;
  }
  ir::TensorId add_constant(const std::string& base, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& v,
                            ir::QuantParams qp) {
    ir::Tensor t;
    t.name = unique_name(base);
    t.dtype = dt;
    t.shape = std::move(shape);
    t.shape_known = true;
    t.data = ir::encode_int(dt, v);
    t.quant = std::move(qp);
    return g_.add_tensor(std::move(t));
  }

  // The node now reads x's int8 tensor and writes the Q's in place of its float output.
  void commit(ir::Node& n, size_t in_slot, const Source& x, const Sink& y) {
    g_.tensor(x.q).quant = x.qp;
    g_.tensor(y.q).quant = y.qp;
    n.inputs[in_slot] = x.q;
    n.outputs[0] = y.q;
    removed_[static_cast<size_t>(y.node)] = true;
  }

  bool fold_layer(ir::Node& n);
  bool fold_add(ir::Node& n);
  bool fold_pool_or_view(ir::Node& n);

  ir::Graph& g_;
  const std::vector<std::vector<int>> readers_;  // of the graph as it came in
  const std::vector<int> producers_;
  std::vector<bool> removed_;
  FoldQdqReport report_;
};

// The int8 values q of a folded weight DequantizeLinear (float = scale * q), as
// (channels, taps) with per-channel scales on axis 0, or nullopt when they cannot
// be recovered exactly or are not symmetric per tensor / per output channel.
std::optional<std::vector<int64_t>> recover_int8(const ChannelMajorWeights& cw, const ir::QuantParams& qp,
                                                 int32_t channel_axis) {
  if (qp.empty()) return std::nullopt;
  for (int32_t z : qp.zero_point)
    if (z != 0) return std::nullopt;
  const int64_t channels = cw.shape[0];
  const int64_t taps = ir::shape_elements(cw.shape) / std::max<int64_t>(1, channels);
  if (qp.per_channel() && (qp.axis != channel_axis || static_cast<int64_t>(qp.scale.size()) != channels))
    return std::nullopt;
  std::vector<int64_t> q(cw.values.size());
  for (size_t e = 0; e < q.size(); ++e) {
    const float s = qp.scale[qp.per_channel() ? e / static_cast<size_t>(taps) : 0];
    const double v = std::round(cw.values[e] / static_cast<double>(s));
    if (!(v >= -128 && v <= 127) || static_cast<float>(v) * s != static_cast<float>(cw.values[e])) return std::nullopt;
    q[e] = static_cast<int64_t>(v);
  }
  return q;
}

bool Folder::fold_layer(ir::Node& n) {
  if (!int8_layer_shape_ok(g_, n)) return false;
  const ir::Tensor& wt = g_.tensor(n.inputs[1]);
  const bool has_bias = n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor;
  if (wt.dtype != ir::DType::kF32 || (has_bias && g_.tensor(n.inputs[2]).dtype != ir::DType::kF32)) return false;
  const auto x = dequantized(n.inputs[0]);
  if (!x) return false;
  const auto y = quantized(n.outputs[0]);
  if (!y) return false;

  ir::Node m = n;  // rewritten on a copy: a pattern that fails below leaves n as it was
  const ChannelMajorWeights cw = channel_major_weights(m, wt);
  const auto wq = recover_int8(cw, wt.quant, cw.transposed ? 1 : 0);
  if (!wq) return false;
  const int64_t channels = cw.shape[0];
  ir::QuantParams wp;
  wp.axis = 0;
  wp.scale = wt.quant.scale;
  wp.zero_point.assign(wp.scale.size(), 0);
  const ir::TensorId wid = add_constant(wt.name + "_int8", ir::DType::kI8, cw.shape, *wq, wp);

  if (has_bias) {
    // Requantized to x_scale * w_scale[c]: the bias's own scale may differ.
    const ir::Tensor& bt = g_.tensor(n.inputs[2]);
    const std::vector<double> b = ir::data_as_double(bt);
    std::vector<int64_t> bi;
    ir::QuantParams bp;
    bp.axis = 0;
    for (int64_t c = 0; c < channels; ++c) {
      const float ws = wp.scale[wp.per_channel() ? static_cast<size_t>(c) : 0];
      bi.push_back(quant::quantize_bias(static_cast<float>(b[static_cast<size_t>(c)]), x->qp.scale[0], ws));
      bp.scale.push_back(x->qp.scale[0] * ws);
      bp.zero_point.push_back(0);
    }
    m.inputs[2] = add_constant(bt.name + "_int32", ir::DType::kI32, {channels}, bi, bp);
  }
  m.inputs[1] = wid;
  commit(m, 0, *x, *y);
  n = std::move(m);
  ++report_.layers;
  return true;
}

bool Folder::fold_add(ir::Node& n) {
  if (n.op != "Add" || n.inputs.size() != 2 || n.outputs.size() != 1 || !n.attrs.empty()) return false;
  if (g_.tensor(n.inputs[0]).shape != g_.tensor(n.inputs[1]).shape) return false;
  const auto a = dequantized(n.inputs[0]), b = dequantized(n.inputs[1]);
  if (!a || !b) return false;
  if (a->q == b->q && !same_params(a->qp, b->qp)) return false;
  // A Relu that is the sum's only reader is folded in as a clamp at real 0.
  ir::TensorId y = n.outputs[0];
  int relu = sole_reader(y);
  if (relu >= 0 && g_.nodes[static_cast<size_t>(relu)].op == "Relu") {
    y = g_.nodes[static_cast<size_t>(relu)].outputs[0];
  } else {
    relu = -1;
  }
  const auto out = quantized(y);
  if (!out) return false;
  if (relu >= 0) {
    n.attrs["mote_act_min"] = 0.0;
    removed_[static_cast<size_t>(relu)] = true;
  }
  g_.tensor(b->q).quant = b->qp;
  n.inputs[1] = b->q;
  commit(n, 0, *a, *out);
  ++report_.adds;
  return true;
}

bool Folder::fold_pool_or_view(ir::Node& n) {
  const bool max = n.op == "MaxPool" || n.op == "GlobalMaxPool";
  const bool avg = n.op == "AveragePool" || n.op == "GlobalAveragePool";
  const bool view = n.op == "Flatten" || n.op == "Reshape";
  if (!max && !avg && !view) return false;
  const bool one_output = n.outputs.size() == 1 || (!view && n.outputs.size() == 2 && n.outputs[1] == ir::kNoTensor);
  if (n.inputs.empty() || n.outputs.empty() || !one_output) return false;
  const auto x = dequantized(n.inputs[0]);
  if (!x) return false;
  const auto y = quantized(n.outputs[0]);
  if (!y) return false;
  // Only an average over windows of one count can requantize; the rest keep x's parameters.
  if (!same_params(x->qp, y->qp) && !(avg && uniform_average(n))) return false;
  commit(n, 0, *x, *y);
  ++(view ? report_.views : report_.pools);
  return true;
}

FoldQdqReport Folder::run() {
  removed_.assign(g_.nodes.size(), false);
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    if (removed_[i]) continue;
    ir::Node& n = g_.nodes[i];
    if (fold_layer(n) || fold_add(n)) continue;
    fold_pool_or_view(n);
  }
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < g_.nodes.size(); ++i)
    if (!removed_[i]) kept.push_back(std::move(g_.nodes[i]));
  g_.nodes = std::move(kept);
  // Dequantizes whose float value no one reads any more, and their Quantizes.
  eliminate_dead_code(g_);
  return report_;
}

}  // namespace

FoldQdqReport fold_qdq(ir::Graph& g) { return Folder(g).run(); }

}  // namespace mote::passes
