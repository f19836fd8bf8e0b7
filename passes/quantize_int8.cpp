#include "passes/quantize_int8.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/support/error.h"
#include "passes/int8_layer.h"

namespace mote::passes {

namespace {

// The int64 bias of an int16 layer, round(b / (in_scale * w_scale)) in double,
// bounded where the int16 kernels bound their accumulator (2^47).
int64_t bias_int64(double b, float in_scale, float w_scale) {
  const double q = std::round(b / (static_cast<double>(in_scale) * static_cast<double>(w_scale)));
  const double bound = 140737488355328.0;  // 2^47
  if (std::isnan(q)) return 0;
  return static_cast<int64_t>(std::clamp(q, -bound, bound));
}

class Quantizer {
 public:
  Quantizer(ir::Graph& g, const QuantizeOptions& o) : g_(g), o_(o) {
    for (const ir::Tensor& t : g.tensors) tensor_names_.insert(t.name);
    for (const ir::Node& n : g.nodes) node_names_.insert(n.name);
  }

  QuantizeReport run();

 private:
  const quant::Range* range_of(ir::TensorId id) const {
    const auto it = o_.ranges.find(g_.tensor(id).name);
    if (it == o_.ranges.end()) return nullptr;
    // A range that saw infinities (or nothing finite) has no int8 scale: stay float.
    return std::isfinite(it->second.lo) && std::isfinite(it->second.hi) ? &it->second : nullptr;
  }
  bool is_f32(ir::TensorId id) const { return id != ir::kNoTensor && g_.tensor(id).dtype == ir::DType::kF32; }

  bool eligible(const ir::Node& n) const;
  bool add_eligible(const ir::Node& n, const ir::Node* relu) const;
  const ir::Node* sole_relu_reader(const std::vector<ir::Node>& nodes, size_t at) const;
  bool activations_ok(const ir::Node& n) const;
  FloatLayer why_float(const ir::Node& n) const;
  bool softmax_eligible(const ir::Node& n) const;

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
    return q_of_[x] = quantize(x, affine_int8(*range_of(x)), ir::DType::kI8, reader);
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

  // Replaces node n's float output 0 by an int8 (int16) tensor with parameters qp;
  // the float tensor gets a DequantizeLinear later if anything still reads it.
  void int8_output(ir::Node& n, const ir::QuantParams& qp, ir::DType dt = ir::DType::kI8) {
    const ir::TensorId f = n.outputs[0];
    const ir::TensorId q = add_int8_like(f, qp, dt);
    n.outputs[0] = q;
    (dt == ir::DType::kI16 ? q16_of_ : q_of_)[f] = q;
    produced_.push_back({nodes_.size(), f, q});  // n is appended next
  }

  void quantize_layer(ir::Node n, bool s16);

  ir::Graph& g_;
  const QuantizeOptions& o_;
  std::set<std::string> tensor_names_, node_names_;
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

// Why node n, which the loop in run() left as it was, computes in float.
FloatLayer Quantizer::why_float(const ir::Node& n) const {
  FloatLayer f{n.name, n.op, "", ""};
  auto unranged = [&](ir::TensorId t) {
    return t != ir::kNoTensor && is_f32(t) && !g_.tensor(t).is_constant() && !q_of_.count(t) && !range_of(t);
  };
  auto no_range = [&](ir::TensorId t) {
    f.reason = fmt::format("no finite calibrated range for '{}'", g_.tensor(t).name);
    f.flag = "--calibrate with inputs that reach this tensor (mote calibrate --json shows each range)";
    return f;
  };
  const bool has_float_input = !n.inputs.empty() && n.inputs[0] != ir::kNoTensor && is_f32(n.inputs[0]);
  if (n.op == "Gemm" || n.op == "Conv" || n.op == "MatMul") {
    if (n.inputs.size() >= 2 && n.inputs[1] != ir::kNoTensor && !g_.tensor(n.inputs[1]).is_constant()) {
      f.reason = n.op == "MatMul" ? "a MatMul of two activations has no int8 kernel yet"
                                  : "its weights are computed at run time (the int8 form needs constant weights)";
      return f;
    }
    if (!int8_layer_shape_ok(g_, n)) {
      f.reason = fmt::format("this {} has no int8 form (int8 takes a 2-D MatMul by a constant, a Gemm without transA "
                             "or alpha, a 1-D or 2-D Conv, each output reducing at most {} products)",
                             n.op, kMaxInt8Taps);
      return f;
    }
    if (unranged(n.inputs[0])) return no_range(n.inputs[0]);
    if (!n.outputs.empty() && unranged(n.outputs[0])) return no_range(n.outputs[0]);
    f.reason = "its input or weights are not float32";
    return f;
  }
  if (n.op == "Add" && n.inputs.size() == 2) {
    for (ir::TensorId t : n.inputs)
      if (t != ir::kNoTensor && g_.tensor(t).is_constant()) {
        f.reason = "an Add of a constant has no int8 kernel yet";
        return f;
      }
    if (g_.tensor(n.inputs[0]).shape != g_.tensor(n.inputs[1]).shape) {
      f.reason = "an Add with broadcasting has no int8 kernel yet";
      return f;
    }
    for (ir::TensorId t : {n.inputs[0], n.inputs[1], n.outputs[0]})
      if (unranged(t)) return no_range(t);
  }
  const bool passes_int8 = n.op == "MaxPool" || n.op == "GlobalMaxPool" || n.op == "AveragePool" ||
                           n.op == "GlobalAveragePool" || n.op == "Flatten" || n.op == "Reshape" || n.op == "Softmax";
  if (passes_int8 && has_float_input && !q_of_.count(n.inputs[0])) {
    f.reason = fmt::format("its input '{}' is float (its producer stays float)", g_.tensor(n.inputs[0]).name);
    return f;
  }
  if (n.op == "Softmax") {
    f.reason = "its axis is longer than 32768 (the int8 Softmax's table)";
    return f;
  }
  if (n.op == "Relu" || n.op == "Clip") {
    f.reason = fmt::format("a {} that does not follow a Conv or Gemm (fused there) or an Add (Relu) has no int8 "
                           "kernel yet", n.op);
    return f;
  }
  f.reason = fmt::format("Mote has no int8 {} yet", n.op);
  return f;
}

bool Quantizer::activations_ok(const ir::Node& n) const {
  if (!is_f32(n.inputs[0]) || n.outputs.empty() || !is_f32(n.outputs[0])) return false;
  if (!q_of_.count(n.inputs[0]) && !range_of(n.inputs[0])) return false;
  return range_of(n.outputs[0]) != nullptr;
}

bool Quantizer::eligible(const ir::Node& n) const {
  if (!int8_layer_shape_ok(g_, n) || !activations_ok(n) || !is_f32(n.inputs[1])) return false;
  return n.inputs.size() < 3 || n.inputs[2] == ir::kNoTensor || is_f32(n.inputs[2]);
}

// Int8 (TFLite's int8 layers) or, with s16, int16 activations with int8 weights and
// an int64 bias (TFLite's 16x8 layers).
void Quantizer::quantize_layer(ir::Node n, bool s16) {
  const ir::TensorId xq = s16 ? int16_input(n.inputs[0], n.name) : int8_input(n.inputs[0], n.name);
  const float in_scale = g_.tensor(xq).quant.scale[0];

  // Weights: (channels, taps) after transposing a Gemm's B when transB = 0.
  const std::string wname = g_.tensor(n.inputs[1]).name;
  ChannelMajorWeights cw = channel_major_weights(n, g_.tensor(n.inputs[1]));
  const std::vector<double>& w = cw.values;
  const ir::Shape& wshape = cw.shape;
  const int64_t channels = wshape[0];
  const int64_t taps = ir::shape_elements(wshape) / std::max<int64_t>(1, channels);
  ir::QuantParams wq;
  wq.axis = 0;
  std::vector<int64_t> wi(w.size());
  for (int64_t c = 0; c < channels; ++c) {
    double amax = 0;
    for (int64_t i = 0; i < taps; ++i) amax = std::max(amax, std::fabs(w[static_cast<size_t>(c * taps + i)]));
    const float s = amax > 0 ? static_cast<float>(amax / 127.0) : 1.0f;
    wq.scale.push_back(s);
    wq.zero_point.push_back(0);
    for (int64_t i = 0; i < taps; ++i) {
      const size_t e = static_cast<size_t>(c * taps + i);
      wi[e] = static_cast<int64_t>(std::clamp(std::round(w[e] / static_cast<double>(s)), -127.0, 127.0));
    }
  }
  const ir::TensorId wid = add_constant(wname + "_int8", ir::DType::kI8, wshape, ir::encode_int(ir::DType::kI8, wi));
  g_.tensor(wid).quant = wq;
  n.inputs[1] = wid;

  if (n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor) {
    const ir::Tensor& bt = g_.tensor(n.inputs[2]);
    const std::vector<double> b = ir::data_as_double(bt);
    const std::string bname = bt.name;
    std::vector<int64_t> bi(b.size());
    ir::QuantParams bq;
    bq.axis = 0;
    for (size_t c = 0; c < b.size(); ++c) {
      bi[c] = s16 ? bias_int64(b[c], in_scale, wq.scale[c]) : quant::quantize_bias(static_cast<float>(b[c]), in_scale, wq.scale[c]);
      bq.scale.push_back(in_scale * wq.scale[c]);
      bq.zero_point.push_back(0);
    }
    const ir::DType bt32 = s16 ? ir::DType::kI64 : ir::DType::kI32;
    const ir::TensorId bid =
        add_constant(bname + (s16 ? "_int64" : "_int32"), bt32, {channels}, ir::encode_int(bt32, bi));
    g_.tensor(bid).quant = bq;
    n.inputs[2] = bid;
  }
  n.inputs[0] = xq;

  if (s16) {
    int8_output(n, symmetric_int16(*range_of(n.outputs[0])), ir::DType::kI16);
    ++report_.int16_nodes;
  } else {
    int8_output(n, affine_int8(*range_of(n.outputs[0])));
  }
  nodes_.push_back(std::move(n));
  ++report_.quantized_nodes;
}

// A Softmax of an int8 tensor, at most 32768 values along its axis (the int8
// kernel's 32-bit sums): the whole classifier head stays integer.
bool Quantizer::softmax_eligible(const ir::Node& n) const {
  if (n.op != "Softmax" || n.inputs.size() != 1 || n.outputs.size() != 1 || !q_of_.count(n.inputs[0]) ||
      !is_f32(n.outputs[0]))
    return false;
  const ir::Shape& x = g_.tensor(n.inputs[0]).shape;
  const auto rank = static_cast<int64_t>(x.size());
  const bool coerce_2d = n.opset < 13;
  int64_t axis = ir::attr_int(n.attrs, "axis", coerce_2d ? 1 : -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return false;
  const int64_t len = coerce_2d ? ir::shape_elements(ir::Shape(x.begin() + axis, x.end())) : x[static_cast<size_t>(axis)];
  return len <= 32768;
}

// Add of two float tensors of the same shape that are int8 already or have a
// calibrated range, with a calibrated output (the fused Relu's when `relu`).
bool Quantizer::add_eligible(const ir::Node& n, const ir::Node* relu) const {
  if (n.op != "Add" || n.inputs.size() != 2 || n.outputs.size() != 1 || !n.attrs.empty()) return false;
  for (ir::TensorId t : n.inputs) {
    if (!is_f32(t) || g_.tensor(t).is_constant()) return false;
    if (!q_of_.count(t) && !range_of(t)) return false;
  }
  if (!is_f32(n.outputs[0]) || g_.tensor(n.inputs[0]).shape != g_.tensor(n.inputs[1]).shape) return false;
  return range_of(relu ? relu->outputs[0] : n.outputs[0]) != nullptr;
}

// The Relu that is the only reader of node `at`'s output (not a graph output), if any.
const ir::Node* Quantizer::sole_relu_reader(const std::vector<ir::Node>& nodes, size_t at) const {
  const ir::TensorId y = nodes[at].outputs[0];
  for (ir::TensorId o : g_.outputs)
    if (o == y) return nullptr;
  const ir::Node* relu = nullptr;
  int readers = 0;
  for (const ir::Node& m : nodes)
    for (ir::TensorId t : m.inputs)
      if (t == y) {
        ++readers;
        relu = &m;
      }
  if (readers != 1 || relu->op != "Relu" || relu->outputs.size() != 1 || !is_f32(relu->outputs[0]) ||
      o_.keep_float.count(relu->name))
    return nullptr;
  return relu;
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
  std::vector<ir::Node> old = std::move(g_.nodes);
  g_.nodes.clear();
  std::set<std::string> fused;  // Relus folded into the int8 Add before them
  for (size_t i = 0; i < old.size(); ++i) {
    ir::Node& n = old[i];
    if (fused.count(n.name)) continue;
    if (o_.keep_float.count(n.name)) {
      report_.float_layers.push_back({n.name, n.op, "named by --keep-float", "leave out --keep-float " + n.name});
      nodes_.push_back(std::move(n));
      ++report_.kept_float_nodes;
      continue;
    }
    if (o_.int16.count(n.name)) {
      if (!eligible(n))
        throw support::Refusal(fmt::format("--int16 '{}': only a Conv, Gemm or MatMul by a constant, with calibrated "
                                           "input and output ranges, has an int16 form ({} is not)", n.name, n.op));
      quantize_layer(std::move(n), true);
      continue;
    }
    if (eligible(n)) {
      quantize_layer(std::move(n), false);
      continue;
    }
    if (n.op == "Add") {
      const ir::Node* relu = sole_relu_reader(old, i);
      if (!add_eligible(n, relu)) relu = nullptr;
      if (relu || add_eligible(n, nullptr)) {
        ir::TensorId yf = n.outputs[0];
        if (relu) {  // the Add writes the Relu's output, clamped at real 0 in int8
          yf = relu->outputs[0];
          n.outputs[0] = yf;
          n.attrs["mote_act_min"] = 0.0;
          fused.insert(relu->name);
          ++report_.fused_relus;
        }
        n.inputs[0] = int8_input(n.inputs[0], n.name);
        n.inputs[1] = int8_input(n.inputs[1], n.name);
        int8_output(n, affine_int8(*range_of(yf)));
        nodes_.push_back(std::move(n));
        ++report_.quantized_nodes;
        continue;
      }
    }
    // Pooling of an int8 tensor: int8 out with the input's scale and zero point
    // (max: exact; average: rounded integer mean, as TFLite).
    const bool pool = n.op == "MaxPool" || n.op == "GlobalMaxPool" || n.op == "AveragePool" ||
                      n.op == "GlobalAveragePool";
    const bool pool_ok = pool && (n.outputs.size() == 1 || (n.outputs.size() == 2 && n.outputs[1] == ir::kNoTensor));
    const bool view = n.op == "Flatten" || n.op == "Reshape";
    if ((view || pool_ok) && !n.inputs.empty() && q_of_.count(n.inputs[0]) && !n.outputs.empty() &&
        is_f32(n.outputs[0]) && (pool_ok || n.outputs.size() == 1)) {
      const ir::TensorId xq = q_of_.at(n.inputs[0]);
      n.inputs[0] = xq;
      ir::QuantParams yq = g_.tensor(xq).quant;
      if (uniform_average(n) && range_of(n.outputs[0]))  // requantized to the output's own range
        yq = affine_int8(*range_of(n.outputs[0]));
      int8_output(n, yq);
      nodes_.push_back(std::move(n));
      ++report_.passthrough_nodes;
      continue;
    }
    if (softmax_eligible(n)) {
      // TFLite's int8 Softmax output: probabilities in steps of 1/256 over the whole int8 range.
      n.inputs[0] = q_of_.at(n.inputs[0]);
      ir::QuantParams yq;
      yq.scale = {1.0f / 256};
      yq.zero_point = {-128};
      int8_output(n, yq);
      nodes_.push_back(std::move(n));
      ++report_.quantized_nodes;
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
