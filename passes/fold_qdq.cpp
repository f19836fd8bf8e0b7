#include "passes/fold_qdq.h"

#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/registry.h"
#include "passes/dead_code.h"

namespace mote::passes {

namespace {

bool same_params(const ir::QuantParams& a, const ir::QuantParams& b) {
  return a.scale == b.scale && a.zero_point == b.zero_point;
}

class Folder : ops::Int8Constants {
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
  // ops::Int8Constants: the rules' new constants, and the int8 weights recovered
  // from the float ones resolve folded out of a DequantizeLinear.
  ir::TensorId add(const std::string& base, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& v,
                   ir::QuantParams qp) override {
    return g_.add_tensor(ops::int8_constant_tensor(unique_name(base), dt, std::move(shape), v, std::move(qp)));
  }
  std::optional<ops::Int8Weights> weights(const ir::Tensor& w, const ops::ChannelMajorWeights& cw) override;

  bool fold(ir::Node& n);

  ir::Graph& g_;
  const std::vector<std::vector<int>> readers_;  // of the graph as it came in
  const std::vector<int> producers_;
  std::vector<bool> removed_;
  FoldQdqReport report_;
};

// The int8 values q of a folded weight DequantizeLinear (float = scale * q), as
// (channels, taps) with per-channel scales on axis 0, or nullopt when they cannot
// be recovered exactly or are not symmetric per tensor / per output channel.
std::optional<ops::Int8Weights> Folder::weights(const ir::Tensor& w, const ops::ChannelMajorWeights& cw) {
  const ir::QuantParams& qp = w.quant;
  const int32_t channel_axis = cw.transposed ? 1 : 0;
  if (qp.empty()) return std::nullopt;
  for (int32_t z : qp.zero_point)
    if (z != 0) return std::nullopt;
  const int64_t channels = cw.shape[0];
  const int64_t taps = ir::shape_elements(cw.shape) / std::max<int64_t>(1, channels);
  if (qp.per_channel() && (qp.axis != channel_axis || static_cast<int64_t>(qp.scale.size()) != channels))
    return std::nullopt;
  ops::Int8Weights r;
  r.values.resize(cw.values.size());
  for (size_t e = 0; e < r.values.size(); ++e) {
    const float s = qp.scale[qp.per_channel() ? e / static_cast<size_t>(taps) : 0];
    const double v = std::round(cw.values[e] / static_cast<double>(s));
    if (!(v >= -128 && v <= 127) || static_cast<float>(v) * s != static_cast<float>(cw.values[e])) return std::nullopt;
    r.values[e] = static_cast<int64_t>(v);
  }
  r.params.scale = qp.scale;
  r.params.zero_point.assign(qp.scale.size(), 0);
  return r;
}

// DQ(int8) inputs -> n -> Q(int8), where n's op has an int8 rule whose form takes
// it and whose parameters agree with the Q's: one int8 node.
bool Folder::fold(ir::Node& n) {
  const ops::OpDef* d = ops::find_op(n.op);
  if (!d || !d->int8 || n.outputs.empty() || !d->int8->form(g_, n).empty()) return false;
  const ops::Int8Rule& r = *d->int8;
  const int activations = ops::int8_activation_count(r, g_, n);
  if (static_cast<int>(n.inputs.size()) < activations) return false;
  std::vector<Source> xs;
  for (int i = 0; i < activations; ++i) {
    const auto x = dequantized(n.inputs[static_cast<size_t>(i)]);
    if (!x) return false;
    for (const Source& s : xs)  // one int8 tensor cannot carry two sets of parameters
      if (s.q == x->q && !same_params(s.qp, x->qp)) return false;
    xs.push_back(*x);
  }
  const auto y = quantized(n.outputs[0]);
  if (!y) return false;
  if (r.imposed && !same_params(r.imposed(n, xs[0].qp), y->qp) && !(r.requantizes && r.requantizes(n)))
    return false;
  // A rule whose every output is int8 (Split): each output quantized, with the
  // parameters the rule imposes, or none folds.
  std::vector<std::optional<Sink>> more;
  if (r.every_output)
    for (size_t i = 1; i < n.outputs.size(); ++i) {
      if (n.outputs[i] == ir::kNoTensor) continue;
      more.push_back(quantized(n.outputs[i]));
      if (!more.back() || !same_params(more.back()->qp, y->qp)) return false;
    }
  ir::Node m = n;  // rewritten on a copy: constants that cannot be recovered leave n as it was
  if (r.constants && !r.constants(g_, m, xs[0].qp.scale[0], false, *this)) return false;
  for (size_t i = 0; i < xs.size(); ++i) {
    g_.tensor(xs[i].q).quant = xs[i].qp;
    m.inputs[i] = xs[i].q;
  }
  g_.tensor(y->q).quant = y->qp;
  m.outputs[0] = y->q;
  removed_[static_cast<size_t>(y->node)] = true;
  for (size_t i = 1, k = 0; i < m.outputs.size() && k < more.size(); ++i) {
    if (m.outputs[i] == ir::kNoTensor) continue;
    g_.tensor(more[k]->q).quant = more[k]->qp;
    m.outputs[i] = more[k]->q;
    removed_[static_cast<size_t>(more[k]->node)] = true;
    ++k;
  }
  ++report_.folded[d->op];
  n = std::move(m);
  return true;
}

FoldQdqReport Folder::run() {
  removed_.assign(g_.nodes.size(), false);
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    if (removed_[i]) continue;
    ir::Node& n = g_.nodes[i];
    fold(n);
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
