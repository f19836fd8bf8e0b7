#include "compiler/ops/quant_common.h"

#include <algorithm>
#include <cmath>

#include "compiler/ir/tensor_data.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/quant/zero_point_fold.h"

namespace mote::ops {

bool is_q8(ir::DType t) { return t == ir::DType::kU8 || t == ir::DType::kI8; }

void require_q8(const InferContext& ctx, size_t i, const char* what) {
  ctx.require(is_q8(ctx.dtype(i)), "{} must be uint8 or int8, not {}", what, ir::dtype_name(ctx.dtype(i)));
}

void require_qparam(const InferContext& ctx, size_t i, bool scale, int64_t channels, size_t data, const char* what) {
  if (!ctx.has_input(i)) {
    ctx.require(!scale, "{} is required", what);
    return;
  }
  if (scale)
    ctx.require(ctx.dtype(i) == ir::DType::kF32, "{} must be float32, not {}", what, ir::dtype_name(ctx.dtype(i)));
  else
    ctx.require(ctx.dtype(i) == ctx.dtype(data), "{} must have the type of the data it quantizes ({}), not {}", what,
                ir::dtype_name(ctx.dtype(data)), ir::dtype_name(ctx.dtype(i)));
  const int64_t e = ir::shape_elements(ctx.shape(i));
  ctx.require(ctx.rank(i) <= 1 && (e == 1 || e == channels),
              "{} of shape {} must be a scalar{}", what, ir::shape_str(ctx.shape(i)),
              channels > 1 ? fmt::format(" or hold {} elements, one per channel", channels) : std::string());
}

void require_same_count(const InferContext& ctx, size_t scale, size_t zp) {
  if (!ctx.has_input(zp)) return;
  ctx.require(ir::shape_elements(ctx.shape(zp)) == ir::shape_elements(ctx.shape(scale)),
              "zero point of shape {} does not match scale of shape {}", ir::shape_str(ctx.shape(zp)),
              ir::shape_str(ctx.shape(scale)));
}

int64_t qparam_count(const ir::Graph& g, const ir::Node& n, size_t i) {
  return has_in(n, i) ? in(g, n, i).elements() : 1;
}

void add_qparam(KernelCall& k, const ir::Graph& g, const ir::Node& n, size_t i, const char* name) {
  const std::string nm = name;
  const int64_t count = qparam_count(g, n, i);
  const bool baked = !has_in(n, i) || in(g, n, i).is_constant();
  // A zero point is absent or an integer; a scale is always present and float.
  const bool is_scale = has_in(n, i) && ir::dtype_is_float(in(g, n, i).dtype);
  k.params.push_back({nm + "_const", int64_t{baked}});
  k.params.push_back({nm + "_pc", int64_t{count > 1}});
  if (is_scale)
    k.params.push_back({nm, baked ? ir::data_as_double(in(g, n, i)) : std::vector<double>(count, 0.0)});
  else
    k.params.push_back({nm, baked && has_in(n, i) ? ir::data_as_int(in(g, n, i)) : std::vector<int64_t>(count, 0)});
  k.inputs.push_back(baked ? ir::kNoTensor : n.inputs[i]);
}

}  // namespace mote::ops

namespace mote::ops {

void require_s8_layer(const InferContext& ctx, int64_t channels) {
  const ir::Graph& g = ctx.graph();
  const ir::Node& n = ctx.node();
  const bool s16 = ctx.dtype(0) == ir::DType::kI16;
  const char* form = s16 ? "int16 form" : "int8 form";
  ctx.require(ctx.dtype(0) == ir::DType::kI8 || s16, "{}: input must be int8 or int16, not {}", form,
              ir::dtype_name(ctx.dtype(0)));
  ctx.require(ctx.dtype(1) == ir::DType::kI8 && ctx.is_const(1), "{}: the weight must be a constant int8 tensor", form);
  const ir::DType bias = s16 ? ir::DType::kI64 : ir::DType::kI32;
  if (ctx.has_input(2))
    ctx.require(ctx.dtype(2) == bias && ctx.is_const(2) && ctx.shape(2) == ir::Shape{channels},
                "{}: the bias must be a constant {} tensor of shape [{}]", form, ir::dtype_name(bias), channels);
  const ir::QuantParams& x = ctx.input(0).quant;
  const ir::QuantParams& w = ctx.input(1).quant;
  ctx.require(x.scale.size() == 1 && x.zero_point.size() == 1, "{}: the input needs one scale and zero point", form);
  ctx.require(w.scale.size() == 1 || static_cast<int64_t>(w.scale.size()) == channels,
              "{}: the weight needs 1 or {} scales, has {}", form, channels, w.scale.size());
  for (int32_t z : w.zero_point) ctx.require(z == 0, "{}: weights must be symmetric (zero point 0)", form);
  ctx.require(n.outputs.size() == 1 && n.outputs[0] != ir::kNoTensor, "{}: one output", form);
  const ir::Tensor& yt = g.tensor(n.outputs[0]);
  const ir::QuantParams& y = yt.quant;
  ctx.require(y.scale.size() == 1 && y.zero_point.size() == 1, "{}: the output needs one scale and zero point", form);
  if (s16) {
    ctx.require(x.zero_point[0] == 0 && y.zero_point[0] == 0, "int16 form: activations must be symmetric (zero point 0)");
    ctx.require(yt.dtype == ir::DType::kUnknown || yt.dtype == ir::DType::kI16, "int16 form: the output must be int16");
  }
  for (int32_t z : {x.zero_point[0], y.zero_point[0]})
    ctx.require(z >= -128 && z <= 127, "int8 form: zero point {} out of int8 range", z);
}

bool is_s8_quantized(const ir::Tensor& t) {
  return t.dtype == ir::DType::kI8 && t.quant.scale.size() == 1 && t.quant.zero_point.size() == 1;
}

void set_s8_output(InferContext& ctx, const ir::Shape& shape) {
  const ir::Node& n = ctx.node();
  ctx.require(n.outputs.size() == 1 && n.outputs[0] != ir::kNoTensor && is_s8_quantized(ctx.graph().tensor(n.outputs[0])),
              "int8 form: the output needs one scale and zero point");
  ctx.set_output(0, ir::DType::kI8, shape);
}

std::pair<int64_t, int64_t> s8_activation_range(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const ir::QuantParams& y = out(g, n, 0).quant;
  const bool s16 = out(g, n, 0).dtype == ir::DType::kI16;
  const double lo = s16 ? -32768.0 : -128.0, hi = s16 ? 32767.0 : 127.0;
  // The fused clamp in output units, as TFLite's CalculateActivationRangeQuantized.
  auto to_q = [&](double v, int64_t dflt) {
    if (!std::isfinite(v)) return dflt;
    const double q = y.zero_point[0] + std::round(v / static_cast<double>(y.scale[0]));
    return static_cast<int64_t>(std::clamp(q, lo, hi));
  };
  return {to_q(ctx.attr_float("mote_act_min", -INFINITY), static_cast<int64_t>(lo)),
          to_q(ctx.attr_float("mote_act_max", INFINITY), static_cast<int64_t>(hi))};
}

void add_s8_layer_params(std::vector<Param>& p, const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const ir::QuantParams& x = in(g, n, 0).quant;
  const ir::QuantParams& w = in(g, n, 1).quant;
  const ir::QuantParams& y = out(g, n, 0).quant;
  std::string err;
  const auto m = quant::channel_multipliers(x.scale[0], w.scale, y.scale[0], &err);
  if (!m) throw support::Refusal(fmt::format("int8 requantization: {}", err));
  const auto [act_min, act_max] = s8_activation_range(g, n);
  std::vector<int64_t> mult, shift;
  for (const quant::FixedPointMultiplier& f : *m) {
    mult.push_back(f.multiplier);
    shift.push_back(f.shift);
  }
  p.push_back({"in_zp", int64_t{x.zero_point[0]}});
  p.push_back({"out_zp", int64_t{y.zero_point[0]}});
  p.push_back({"act_min", act_min});
  p.push_back({"act_max", act_max});
  p.push_back({"per_channel", int64_t{m->size() > 1}});
  p.push_back({"mult", mult});
  p.push_back({"shift", shift});
}

std::optional<std::vector<int64_t>> s8_folded_bias(const ir::Graph& g, const ir::Node& n) {
  if (in(g, n, 0).dtype != ir::DType::kI8) return std::nullopt;
  const ir::Tensor& w = in(g, n, 1);
  const int64_t rows = w.shape.at(0);
  const int64_t cols = rows > 0 ? w.elements() / rows : 0;
  const std::vector<int64_t> bias = has_in(n, 2) ? ir::data_as_int(in(g, n, 2)) : std::vector<int64_t>{};
  return quant::fold_input_zero_point(ir::data_as_int(w), rows, cols, bias, in(g, n, 0).quant.zero_point.at(0));
}

}  // namespace mote::ops
