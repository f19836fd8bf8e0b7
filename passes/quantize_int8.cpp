#include "passes/quantize_int8.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/registry.h"
#include "compiler/support/error.h"

namespace mote::passes {

namespace {

class Quantizer : ops::Int8Constants {
 public:
  Quantizer(ir::Graph& g, const QuantizeOptions& o) : g_(g), o_(o) {
    for (const ir::Tensor& t : g.tensors) tensor_names_.insert(t.name);
    for (const ir::Node& n : g.nodes) {
      node_names_.insert(n.name);
      const ops::OpDef* d = ops::find_op(n.op);
      if (d && d->is_view && !n.inputs.empty() && n.outputs.size() == 1 && n.inputs[0] != ir::kNoTensor &&
          n.outputs[0] != ir::kNoTensor) {
        viewed_from_[n.outputs[0]] = n.inputs[0];
        viewed_as_[n.inputs[0]].push_back(n.outputs[0]);
      }
    }
  }

  QuantizeReport run();

 private:
  const quant::Range* named_range(ir::TensorId id) const {
    const auto it = o_.ranges.find(g_.tensor(id).name);
    if (it == o_.ranges.end()) return nullptr;
    // A range that saw infinities (or nothing finite) has no int8 scale: stay float.
    return std::isfinite(it->second.lo) && std::isfinite(it->second.hi) ? &it->second : nullptr;
  }
  // Its own calibrated range, or, for a tensor calibration did not observe (a pass
  // made it: matmul-to-gemm's 2-D Gemm output), that of a view of the same values:
  // a view (Reshape, Flatten, ...) changes no value.
  const quant::Range* range_of(ir::TensorId id) const {
    if (const quant::Range* r = named_range(id)) return r;
    for (auto it = viewed_from_.find(id); it != viewed_from_.end(); it = viewed_from_.find(it->second))
      if (const quant::Range* r = named_range(it->second)) return r;
    std::vector<ir::TensorId> down = {id};
    while (!down.empty()) {
      const ir::TensorId t = down.back();
      down.pop_back();
      const auto it = viewed_as_.find(t);
      if (it == viewed_as_.end()) continue;
      for (ir::TensorId v : it->second) {
        if (const quant::Range* r = named_range(v)) return r;
        down.push_back(v);
      }
    }
    return nullptr;
  }
  bool is_f32(ir::TensorId id) const { return id != ir::kNoTensor && g_.tensor(id).dtype == ir::DType::kF32; }

  static const ops::Int8Rule* rule_of(const ir::Node& n) {
    const ops::OpDef* d = ops::find_op(n.op);
    return d ? d->int8 : nullptr;
  }
  FloatLayer blocker(const ir::Node& n, const ops::Int8Rule& r, bool int16) const;
  FloatLayer why_float(const ir::Node& n) const;
  void rewrite(ir::Node n, const ops::Int8Rule& r, bool int16);

  std::string unique_tensor_name(const std::string& base) {
    std::string name = base;
    for (int i = 2; tensor_names_.count(name); ++i) name = fmt::format("{}_{}", base, i);
    tensor_names_.insert(name);
    return name;
  }
  std::string unique_node_name(const std::string& base) {
    std::string name = base;
    for (int i = 2; node_names_.count(name); ++i) name = fmt::format("{}_{}", base, i);
    node_names_.insert(name);
    return name;
  }

  // ops::Int8Constants: the rules' new constants, and weights quantized
  // symmetric per output channel (zero point 0, scale max|w| / 127).
  ir::TensorId add(const std::string& base, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& values,
                   ir::QuantParams qp) override {
    return g_.add_tensor(ops::int8_constant_tensor(unique_tensor_name(base), dt, std::move(shape), values, std::move(qp)));
  }
  std::optional<ops::Int8Weights> weights(const ir::Tensor&, const ops::ChannelMajorWeights& cw) override {
    const std::vector<double>& w = cw.values;
    const int64_t channels = cw.shape[0];
    const int64_t taps = ir::shape_elements(cw.shape) / std::max<int64_t>(1, channels);
    ops::Int8Weights r;
    r.values.resize(w.size());
    for (int64_t c = 0; c < channels; ++c) {
      double amax = 0;
      for (int64_t i = 0; i < taps; ++i) amax = std::max(amax, std::fabs(w[static_cast<size_t>(c * taps + i)]));
      const float s = amax > 0 ? static_cast<float>(amax / 127.0) : 1.0f;
      r.params.scale.push_back(s);
      r.params.zero_point.push_back(0);
      for (int64_t i = 0; i < taps; ++i) {
        const size_t e = static_cast<size_t>(c * taps + i);
        r.values[e] = static_cast<int64_t>(std::clamp(std::round(w[e] / static_cast<double>(s)), -127.0, 127.0));
      }
    }
    return r;
  }

  ir::TensorId add_constant(const std::string& base, ir::DType dt, ir::Shape shape, std::vector<uint8_t> data) {
    ir::Tensor t;
    t.name = unique_tensor_name(base);
    t.dtype = dt;
    t.shape = std::move(shape);
    t.shape_known = true;
    t.data = std::move(data);
    return g_.add_tensor(std::move(t));
  }
  // A new int8 activation tensor shaped like `like`, with the given parameters.
  ir::TensorId add_int8_like(ir::TensorId like, const ir::QuantParams& qp, ir::DType dt = ir::DType::kI8) {
    ir::Tensor t;
    t.name = unique_tensor_name(g_.tensor(like).name + (dt == ir::DType::kI16 ? "_int16" : "_int8"));
    t.dtype = dt;
    t.shape = g_.tensor(like).shape;
    t.shape_known = true;
    t.quant = qp;
    return g_.add_tensor(std::move(t));
  }
  // The scale and zero point inputs of a QuantizeLinear / DequantizeLinear.
  std::pair<ir::TensorId, ir::TensorId> qdq_params(const std::string& base, const ir::QuantParams& qp,
                                                   ir::DType dt = ir::DType::kI8) {
    const ir::TensorId s = add_constant(base + "_scale", ir::DType::kF32, {}, ir::encode_double(ir::DType::kF32, {qp.scale[0]}));
    const ir::TensorId z = add_constant(base + "_zero_point", dt, {}, ir::encode_int(dt, {qp.zero_point[0]}));
    return {s, z};
  }

  // The int8 version of float tensor x, quantizing it (a QuantizeLinear appended to
  // nodes_) with its calibrated range the first time.
  ir::TensorId int8_input(ir::TensorId x, const std::string& reader) {
    if (const auto it = q_of_.find(x); it != q_of_.end()) return it->second;
    if (g_.tensor(x).is_constant()) return q_of_[x] = int8_constant(x);
    return q_of_[x] = quantize(x, affine_int8(*range_of(x)), ir::DType::kI8, reader);
  }

  // A float constant an int8 node reads as an operand (an Add's or Mul's):
  // quantized at compile time on its own range, per tensor, into a new constant.
  ir::TensorId int8_constant(ir::TensorId x) {
    const ops::Int8Weights q = ops::int8_on_own_range(ir::data_as_double(g_.tensor(x)));
    const ir::Tensor& t = g_.tensor(x);
    return add(t.name + "_int8", ir::DType::kI8, t.shape, q.values, q.params);
  }

  // The int16 version of float tensor x (symmetric, zero point 0, from its calibrated
  // range), quantizing it the first time unless an int16 layer produced it.
  ir::TensorId int16_input(ir::TensorId x, const std::string& reader) {
    if (const auto it = q16_of_.find(x); it != q16_of_.end()) return it->second;
    return q16_of_[x] = quantize(x, symmetric_int16(*range_of(x)), ir::DType::kI16, reader);
  }

  // Appends a QuantizeLinear of x to type dt with parameters qp; returns its output.
  ir::TensorId quantize(ir::TensorId x, const ir::QuantParams& qp, ir::DType dt, const std::string& reader) {
    const ir::TensorId xq = add_int8_like(x, qp, dt);
    const auto [s, z] = qdq_params(g_.tensor(xq).name, qp, dt);
    ir::Node q;
    q.name = unique_node_name(fmt::format(dt == ir::DType::kI16 ? "{}_quantize16" : "{}_quantize", reader));
    q.op = "QuantizeLinear";
    q.opset = dt == ir::DType::kI16 ? 21 : 13;  // int16 QuantizeLinear is opset 21
    q.inputs = {x, s, z};
    q.outputs = {xq};
    nodes_.push_back(std::move(q));
    ++report_.quantize_nodes;
    return xq;
  }

  // The per-tensor asymmetric int8 parameters of a calibrated range (quant::affine_int8).
  static ir::QuantParams affine_int8(const quant::Range& r) {
    const quant::AffineInt8 a = quant::affine_int8(r);
    ir::QuantParams qp;
    qp.scale = {a.scale};
    qp.zero_point = {a.zero_point};
    return qp;
  }
  static ir::QuantParams symmetric_int16(const quant::Range& r) {
    const double amax = std::max(std::fabs(static_cast<double>(r.lo)), std::fabs(static_cast<double>(r.hi)));
    ir::QuantParams qp;
    qp.scale = {amax > 0 ? static_cast<float>(amax / 32767.0) : 1.0f};
    qp.zero_point = {0};
    return qp;
  }

  // Replaces node n's float output i by an int8 (int16) tensor with parameters qp;
  // the float tensor gets a DequantizeLinear later if anything still reads it.
  void int8_output(ir::Node& n, const ir::QuantParams& qp, ir::DType dt = ir::DType::kI8, size_t i = 0) {
    const ir::TensorId f = n.outputs[i];
    const ir::TensorId q = add_int8_like(f, qp, dt);
    n.outputs[i] = q;
    (dt == ir::DType::kI16 ? q16_of_ : q_of_)[f] = q;
    produced_.push_back({nodes_.size(), f, q});  // n is appended next
  }

  ir::Graph& g_;
  const QuantizeOptions& o_;
  std::map<ir::TensorId, ir::TensorId> viewed_from_;               // a view's output -> its input
  std::map<ir::TensorId, std::vector<ir::TensorId>> viewed_as_;   // a tensor -> the views of it
  std::set<std::string> tensor_names_, node_names_;
  std::vector<bool> feeds_int8_rules_;  // per tensor: read only by nodes whose ops have int8 rules
  std::map<ir::TensorId, ir::TensorId> q_of_;    // float tensor -> its int8 version
  std::map<ir::TensorId, ir::TensorId> q16_of_;  // float tensor -> its int16 version (--int16 layers)
  struct Produced {
    size_t node;  // index in nodes_ of the int8 producer
    ir::TensorId f, q;
  };
  std::vector<Produced> produced_;
  std::vector<ir::Node> nodes_;
  QuantizeReport report_;
};

// Why node n, whose op has int8 rule r, cannot go int8 here (reason "" when it can):
// the op's own form first, then what the pass knows, the int8 tensors before it
// and the calibrated ranges.
FloatLayer Quantizer::blocker(const ir::Node& n, const ops::Int8Rule& r, bool int16) const {
  FloatLayer f{n.name, n.op, r.form(g_, n), ""};
  if (!f.reason.empty()) return f;
  auto no_range = [&](ir::TensorId t) {
    f.reason = fmt::format("no finite calibrated range for '{}'", g_.tensor(t).name);
    f.flag = "--calibrate with inputs that reach this tensor (mote calibrate --json shows each range)";
    return f;
  };
  const int activations = ops::int8_activation_count(r, g_, n);
  if (static_cast<int>(n.inputs.size()) < activations || n.outputs.empty() || !is_f32(n.outputs[0])) {
    f.reason = "its output is not float32";
    return f;
  }
  for (int i = 0; i < activations; ++i) {
    const ir::TensorId x = n.inputs[static_cast<size_t>(i)];
    if (!is_f32(x)) {
      f.reason = fmt::format("its input '{}' is not float32", x == ir::kNoTensor ? "" : g_.tensor(x).name);
      return f;
    }
    if (int16 ? q16_of_.count(x) : q_of_.count(x)) continue;
    if (r.quantizes_inputs && !int16 && g_.tensor(x).is_constant()) {  // quantized on its own range
      for (double e : ir::data_as_double(g_.tensor(x)))
        if (!std::isfinite(e)) {
          f.reason = fmt::format("its constant operand '{}' holds a value that is not finite", g_.tensor(x).name);
          return f;
        }
      continue;
    }
    if (!r.quantizes_inputs) {
      // A view or copy of a graph input (a Transpose at the input, matmul-to-gemm's
      // Reshape of a 3-D input) is where the input gets quantized, when what reads it
      // has int8 rules too: that keeps --io int8 possible.
      if (g_.is_graph_input(x) && range_of(x) && n.outputs.size() == 1 &&
          feeds_int8_rules_[static_cast<size_t>(n.outputs[0])])
        continue;
      f.reason = fmt::format("its input '{}' is float (its producer stays float)", g_.tensor(x).name);
      return f;
    }
    if (!range_of(x)) return no_range(x);
  }
  if (!r.imposed && !range_of(n.outputs[0])) return no_range(n.outputs[0]);
  return f;
}

// Why node n, which has no int8 rule or whose rule did not take it, computes in float.
FloatLayer Quantizer::why_float(const ir::Node& n) const {
  if (const ops::Int8Rule* r = rule_of(n)) return blocker(n, *r, false);
  FloatLayer f{n.name, n.op, "", ""};
  const ops::OpDef* d = ops::find_op(n.op);
  if (d && d->as_clamp)
    f.reason = fmt::format("a {} that pass fuse-activation could not fold into the layer before it has no int8 "
                           "kernel yet", n.op);
  else
    f.reason = fmt::format("Mote has no int8 {} yet", n.op);
  return f;
}

// Node n in its op's int8 form: activation inputs int8 (int16), constants as the
// rule rewrites them, output with the rule's parameters or its calibrated range's.
void Quantizer::rewrite(ir::Node n, const ops::Int8Rule& r, bool int16) {
  for (int i = 0; i < ops::int8_activation_count(r, g_, n); ++i) {
    ir::TensorId& x = n.inputs[static_cast<size_t>(i)];
    x = int16 ? int16_input(x, n.name) : int8_input(x, n.name);
  }
  const float in_scale = g_.tensor(n.inputs[0]).quant.scale[0];
  if (r.constants && !r.constants(g_, n, in_scale, int16, *this))
    throw support::InternalError(fmt::format("quantize-int8: {} '{}' refused its own weights", n.op, n.name));
  const ir::TensorId yf = n.outputs[0];
  if (int16) {
    int8_output(n, symmetric_int16(*range_of(yf)), ir::DType::kI16);
    ++report_.int16_nodes;
  } else if (!r.imposed || (r.requantizes && r.requantizes(n) && range_of(yf))) {
    int8_output(n, affine_int8(*range_of(yf)));
  } else {
    const ir::QuantParams qp = r.imposed(n, g_.tensor(n.inputs[0]).quant);
    int8_output(n, qp);
    if (r.every_output)
      for (size_t i = 1; i < n.outputs.size(); ++i)
        if (n.outputs[i] != ir::kNoTensor) int8_output(n, qp, ir::DType::kI8, i);
  }
  nodes_.push_back(std::move(n));
  ++report_.quantized_nodes;
}

QuantizeReport Quantizer::run() {
  for (const std::string& k : o_.keep_float)
    if (!node_names_.count(k))
      throw support::Refusal(fmt::format(
          "--keep-float '{}': no node of that name (after fusion; --print-after fuse-activation lists them)", k));
  for (const std::string& k : o_.int16) {
    if (!node_names_.count(k))
      throw support::Refusal(fmt::format(
          "--int16 '{}': no node of that name (after fusion; --print-after fuse-activation lists them)", k));
    if (o_.keep_float.count(k)) throw support::Refusal(fmt::format("--int16 '{}': the node is also --keep-float", k));
  }
  const std::vector<std::vector<int>> readers = g_.consumers();
  feeds_int8_rules_.assign(readers.size(), false);
  for (size_t t = 0; t < readers.size(); ++t) {
    bool all = !readers[t].empty() && !g_.is_graph_output(static_cast<ir::TensorId>(t));
    for (int i : readers[t]) {
      const ir::Node& c = g_.nodes[static_cast<size_t>(i)];
      all = all && rule_of(c) && !o_.keep_float.count(c.name);
    }
    feeds_int8_rules_[t] = all;
  }
  std::vector<ir::Node> old = std::move(g_.nodes);
  g_.nodes.clear();
  for (ir::Node& n : old) {
    if (o_.keep_float.count(n.name)) {
      report_.float_layers.push_back({n.name, n.op, "named by --keep-float", "leave out --keep-float " + n.name});
      nodes_.push_back(std::move(n));
      ++report_.kept_float_nodes;
      continue;
    }
    const ops::Int8Rule* r = rule_of(n);
    if (o_.int16.count(n.name)) {
      std::string why = !r || !r->int16 ? fmt::format("{} has no int16 form", n.op) : blocker(n, *r, true).reason;
      if (why.empty() && ops::int8_activation_count(*r, g_, n) != 1)
        why = "the 16x8 form takes one activation and constant weights";
      if (!why.empty())
        throw support::Refusal(fmt::format("--int16 '{}': {} (a Conv, Gemm or MatMul by a constant, with calibrated "
                                           "input and output ranges, has an int16 form)", n.name, why));
      rewrite(std::move(n), *r, true);
      continue;
    }
    if (r && blocker(n, *r, false).reason.empty()) {
      rewrite(std::move(n), *r, false);
      continue;
    }
    // Nodes with no float output (shape arithmetic, a pre-quantized model's own
    // int8 nodes) compute nothing in float.
    bool float_out = false;
    for (ir::TensorId t : n.outputs) float_out = float_out || (t != ir::kNoTensor && is_f32(t));
    if (float_out) report_.float_layers.push_back(why_float(n));
    nodes_.push_back(std::move(n));
  }

  // Float tensors still read (by float nodes or as graph outputs) get a
  // DequantizeLinear right after their int8 producer.
  std::vector<bool> read(g_.tensors.size(), false);
  for (const ir::Node& n : nodes_)
    for (ir::TensorId t : n.inputs)
      if (t != ir::kNoTensor) read[static_cast<size_t>(t)] = true;
  for (ir::TensorId t : g_.outputs) read[static_cast<size_t>(t)] = true;
  std::vector<std::vector<ir::Node>> after(nodes_.size());
  for (const Produced& p : produced_) {
    if (!read[static_cast<size_t>(p.f)]) continue;
    const ir::QuantParams qp = g_.tensor(p.q).quant;
    const auto [s, z] = qdq_params(g_.tensor(p.q).name, qp, g_.tensor(p.q).dtype);
    ir::Node d;
    d.name = unique_node_name(fmt::format("{}_dequantize", nodes_[p.node].name));
    d.op = "DequantizeLinear";
    d.opset = 13;
    d.inputs = {p.q, s, z};
    d.outputs = {p.f};
    after[p.node].push_back(std::move(d));
    ++report_.dequantize_nodes;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    g_.nodes.push_back(std::move(nodes_[i]));
    for (ir::Node& d : after[i]) g_.nodes.push_back(std::move(d));
  }
  g_.compact();
  return report_;
}

}  // namespace

QuantizeReport quantize_int8(ir::Graph& g, const QuantizeOptions& opts) { return Quantizer(g, opts).run(); }

}  // namespace mote::passes
