// BatchNormalization, inference mode. Kernel: normalization.h; the int8 form
// (a BatchNormalization no Conv before it absorbed, pass fold-batch-norm) runs
// batch_norm_s8.h, or a table per channel (lut_s8.h).
#include <math.h>
#include <stdint.h>

#include <algorithm>
#include <cmath>

#include "compiler/ops/batch_norm.h"

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"
#include "compiler/ops/lut_s8.h"
#include "compiler/ops/quant_common.h"
#include "compiler/ops/s8_kernels.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

// The reference's element function, compiled in: the tables hold exactly what
// batch_norm_s8 computes.
namespace bn_eval {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/batch_norm_s8.h"
}  // namespace bn_eval

// The int8 form quantize-int8 writes: x and y int8 per tensor, then the per-channel
// affine as an int8 weight and an int32 bias of C entries each (no other input).
bool s8_form(const ir::Graph& g, const ir::Node& n) { return !n.inputs.empty() && is_s8_quantized(in(g, n, 0)); }

void infer(InferContext& ctx) {
  if (s8_form(ctx.graph(), ctx.node())) {
    ctx.allow_attrs({});
    ctx.require(ctx.num_inputs() == 3, "int8 form: expects x, weight and bias, has {} inputs", ctx.num_inputs());
    ctx.require(ctx.rank(0) >= 2, "input must have a channel axis");
    const int64_t c = ctx.shape(0)[1];
    require_s8_layer(ctx, c);
    ctx.require(ctx.shape(1) == ir::Shape{c}, "int8 form: the weight must have shape [{}]", c);
    return set_s8_output(ctx, ctx.shape(0));
  }
  ctx.allow_attrs({"epsilon", "momentum", "training_mode", "spatial"});
  require_float(ctx, 0);
  ctx.require(ctx.attr_int("training_mode", 0) == 0, "training_mode is not supported");
  ctx.require(ctx.attr_int("spatial", 1) == 1, "spatial=0 is not supported");
  ctx.require(ctx.rank(0) >= 2, "input must have a channel axis");
  const int64_t c = ctx.shape(0)[1];
  for (size_t i = 1; i <= 4; ++i) {
    ctx.require(ctx.shape(i) == ir::Shape{c}, "input {} must have shape [{}]", i, c);
    ctx.require(ctx.dtype(i) == ctx.dtype(0), "input {} element type differs from X", i);
  }
  for (size_t i = 1; i < ctx.num_outputs(); ++i)
    ctx.require(ctx.node().outputs[i] == ir::kNoTensor, "training outputs (running mean/var) are not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

int64_t inner_of(const ir::Shape& x) { return ir::shape_elements(ir::Shape(x.begin() + 2, x.end())); }

KernelCall s8_ref(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"batch_norm_s8.h", "batch_norm_s8", {}, {}, {n.inputs[0], n.inputs[1], n.inputs[2]}, {n.outputs[0]}};
  k.params = {{"N", x[0]}, {"C", x[1]}, {"inner", inner_of(x)}};
  add_s8_layer_params(k.params, g, n);
  return k;
}

// Each channel is a function of x's 256 values: one table per channel, computed
// with the reference's element function.
std::string applies_s8_lut(const ir::Graph& g, const ir::Node& n) {
  if (!s8_form(g, n)) return "not the int8 form";
  const ir::Shape& x = in(g, n, 0).shape;
  if (x[0] * inner_of(x) < kMinElementsPerChannelTable)
    return fmt::format("a channel holds fewer than {} elements (its table would outweigh them)",
                       kMinElementsPerChannelTable);
  return "";
}
KernelCall make_s8_lut(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const KernelCall r = s8_ref(g, n);
  auto p = [&](const char* name) { return std::get<int64_t>(param(r.params, name)); };
  const auto& mult = std::get<std::vector<int64_t>>(param(r.params, "mult"));
  const auto& shift = std::get<std::vector<int64_t>>(param(r.params, "shift"));
  const std::vector<int64_t> w = ir::data_as_int(in(g, n, 1)), bias = ir::data_as_int(in(g, n, 2));
  const ir::Shape x = in(g, n, 0).shape;
  std::vector<int64_t> tables;
  for (size_t c = 0; c < w.size(); ++c) {
    const size_t m = mult.size() == 1 ? 0 : c;
    for (int v = -128; v <= 127; ++v)
      tables.push_back(bn_eval::k_batch_norm_s8_elem(
          static_cast<int8_t>(v), static_cast<int32_t>(w[c]), static_cast<int32_t>(bias[c]),
          static_cast<int32_t>(p("in_zp")), static_cast<int32_t>(mult[m]), static_cast<int32_t>(shift[m]),
          static_cast<int32_t>(p("out_zp")), static_cast<int32_t>(p("act_min")), static_cast<int32_t>(p("act_max"))));
  }
  return lut_s8_channels_call(g, n, n.inputs[0], x[0], x[1], inner_of(x), tables);
}
// The reference with requant.h's fast requantization, where it is exact for the
// accumulator, the reference's sum rearranged as x * w + (bias - in_zp * w):
// at most 128 |w| + |bias - in_zp * w| in magnitude.
KernelCall s8_fast_call(const ir::Graph& g, const ir::Node& n) {
  KernelCall k = s8_ref(g, n);
  const std::vector<int64_t> w = ir::data_as_int(in(g, n, 1)), bias = ir::data_as_int(in(g, n, 2));
  const int64_t zp = std::get<int64_t>(param(k.params, "in_zp"));
  int64_t bound = 0;
  for (size_t c = 0; c < w.size(); ++c) {
    const int64_t folded = bias[c] - zp * w[c];
    bound = std::max(bound, 128 * (w[c] < 0 ? -w[c] : w[c]) + (folded < 0 ? -folded : folded));
  }
  add_fast_requant(k.params, std::get<std::vector<int64_t>>(param(k.params, "mult")),
                   std::get<std::vector<int64_t>>(param(k.params, "shift")), static_cast<int64_t>(w.size()), bound);
  k.kernel = "batch_norm_s8_fast";
  return k;
}
std::string applies_s8_fast(const ir::Graph& g, const ir::Node& n) {
  if (!s8_form(g, n)) return "not the int8 form";
  const KernelCall k = s8_fast_call(g, n);
  return std::get<int64_t>(param(k.params, "rq_fast")) ? "" : "its requantization needs the general form";
}
KernelCall make_s8_fast(ir::Graph& g, const ir::Node& n, const target::Target&) { return s8_fast_call(g, n); }
std::string applies_s8_ref(const ir::Graph& g, const ir::Node& n) { return s8_form(g, n) ? "" : "not the int8 form"; }
KernelCall make_s8_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return s8_ref(g, n); }

std::string applies_float(const ir::Graph& g, const ir::Node& n) { return s8_form(g, n) ? "the int8 form" : ""; }
KernelCall make_float(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Shape& x = in(g, n, 0).shape;
  InferContext ctx(g, n);
  KernelCall k{"normalization.h", "batch_norm", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {n.outputs[0]}};
  k.params = {{"N", x[0]}, {"C", x[1]}, {"inner", inner_of(x)}, {"epsilon", ctx.attr_float("epsilon", 1e-5)}};
  k.inputs = {n.inputs[0], n.inputs[1], n.inputs[2], n.inputs[3], n.inputs[4]};
  return k;
}

const std::vector<Variant>& variants() {
  static const std::vector<Variant> v = {
      {"batch_norm_s8_lut_1x1_scalar", 0, applies_s8_lut, make_s8_lut},
      {"batch_norm_s8_1x1_scalar", 0, applies_s8_fast, make_s8_fast},
      {"batch_norm_s8_ref", 0, applies_s8_ref, make_s8_ref, /*reference=*/true},
      {"batch_norm_ref", 0, applies_float, make_float, /*reference=*/true},
  };
  return v;
}

// The affine with a finite shift on every channel too (the int8 bias), or empty.
BatchNormAffine finite_affine(const ir::Graph& g, const ir::Node& n) {
  BatchNormAffine a;
  if (!batch_norm_affine(g, n, a)) return {};
  for (double d : a.shift)
    if (!std::isfinite(d)) return {};
  return a;
}

// BatchNormalization's int8 rule: constant float32 statistics with a finite
// affine; the output gets its own calibrated parameters.
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  const std::string why = single_output_form(g, n);
  if (!why.empty()) return why;
  if (n.inputs.size() != 5) return "it has not five inputs";
  for (size_t i = 1; i < 5; ++i) {
    const ir::Tensor& t = in(g, n, i);
    if (!t.is_constant() || t.dtype != ir::DType::kF32)
      return "its scale, bias, mean and variance are not all float32 constants";
  }
  if (in(g, n, 0).shape.size() < 2) return "its input has no channel axis";
  if (finite_affine(g, n).scale.empty())
    return "its scale / sqrt(variance + epsilon) is not finite on every channel";
  return "";
}

// The affine as a depthwise 1x1 layer: scale[c] as an int8 weight per channel (its own
// scale), shift[c] as the int32 bias at in_scale * weight_scale[c].
bool int8_constants(ir::Graph& g, ir::Node& n, float in_scale, bool, Int8Constants& c) {
  const BatchNormAffine a = finite_affine(g, n);
  const ir::Tensor& scale = in(g, n, 1);
  const int64_t channels = static_cast<int64_t>(a.scale.size());
  ChannelMajorWeights cw;
  cw.values = a.scale;
  cw.shape = {channels, 1};
  const std::optional<Int8Weights> w = c.weights(scale, cw);
  if (!w) return false;
  ir::QuantParams wp = w->params, bp;
  wp.axis = 0;
  bp.axis = 0;
  std::vector<int64_t> bias;
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float ws = wp.scale[wp.per_channel() ? static_cast<size_t>(ch) : 0];
    bias.push_back(quant::quantize_bias(static_cast<float>(a.shift[static_cast<size_t>(ch)]), in_scale, ws));
    bp.scale.push_back(in_scale * ws);
    bp.zero_point.push_back(0);
  }
  const std::string base = n.name.empty() ? scale.name : n.name;
  const ir::TensorId wt = c.add(base + "_weight_int8", ir::DType::kI8, {channels}, w->values, wp);
  const ir::TensorId bt = c.add(base + "_bias_int32", ir::DType::kI32, {channels}, bias, bp);
  n.inputs = {n.inputs[0], wt, bt};
  n.outputs.resize(1);
  n.attrs.clear();
  return true;
}

const Int8Rule batch_norm_int8 = {int8_form, 1, /*quantizes_inputs=*/true, nullptr, nullptr, int8_constants};

}  // namespace

bool batch_norm_affine(const ir::Graph& g, const ir::Node& n, BatchNormAffine& a) {
  const double eps = ir::attr_float(n.attrs, "epsilon", 1e-5);
  if (!std::isfinite(eps)) return false;
  const double epsf = static_cast<double>(static_cast<float>(eps));
  const std::vector<double> scale = ir::data_as_double(in(g, n, 1)), bias = ir::data_as_double(in(g, n, 2)),
                            mean = ir::data_as_double(in(g, n, 3)), var = ir::data_as_double(in(g, n, 4));
  a = {};
  for (size_t c = 0; c < scale.size(); ++c) {
    const double s = scale[c] / std::sqrt(var[c] + epsf);
    if (!std::isfinite(s)) return false;
    a.scale.push_back(s);
    a.shift.push_back(bias[c] - s * mean[c]);
  }
  return true;
}

extern const OpDef op_BatchNormalization = {"BatchNormalization", infer, nullptr, nullptr, nullptr, false, variants,
                                            &batch_norm_int8};

}  // namespace mote::ops
