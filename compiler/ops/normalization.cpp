// LayerNormalization, InstanceNormalization, LRN, MeanVarianceNormalization.
// Kernels: normalization.h; LayerNormalization's int8 form, layer_norm_s8.h.
#include <algorithm>
#include <cmath>
#include <set>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"
#include "compiler/ops/s8_kernels.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

// --- LayerNormalization -------------------------------------------------------

// Element stride of a Scale or B operand over the normalised (inner) block: 1 when
// it covers the block, 0 when it is a single value; anything else is refused.
int64_t inner_stride(const InferContext& ctx, size_t i, const ir::Shape& inner, const char* what) {
  ir::Shape s = ctx.shape(i);
  if (ir::shape_elements(s) == 1) return 0;
  while (s.size() > inner.size() && s.front() == 1) s.erase(s.begin());
  while (s.size() < inner.size()) s.insert(s.begin(), 1);
  ctx.require(s == inner, "{} of shape {} must cover the normalised shape {} (other broadcasts are not supported)", what,
              ir::shape_str(ctx.shape(i)), ir::shape_str(inner));
  return 1;
}

// The int8 form (quantize-int8): X and Y int8 per tensor, Scale and B the model's
// float constants, read at compile time; no Mean or InvStdDev output.
bool s8_ln(const ir::Graph& g, const ir::Node& n) { return !n.inputs.empty() && is_s8_quantized(in(g, n, 0)); }

// The int8 kernel's bounds on the normalised block (layer_norm_s8.h).
constexpr int64_t kMaxInt8LayerNormElements = 131072;

void ln_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "epsilon", "stash_type"});
  const bool s8 = s8_ln(ctx.graph(), ctx.node());
  if (!s8) require_float(ctx, 0);
  ctx.require(ctx.attr_int("stash_type", 1) == 1, "stash_type {} is not supported (only float)",
              ctx.attr_int("stash_type", 1));
  const ir::Shape& x = ctx.shape(0);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), ctx.rank(0));
  const ir::Shape inner(x.begin() + axis, x.end());
  ctx.require(ir::shape_elements(inner) > 0, "normalising over an empty set of elements is not supported");
  for (size_t i = 1; i <= 2; ++i) {
    if (i == 2 && !ctx.has_input(2)) break;
    if (s8)
      ctx.require(ctx.dtype(i) == ir::DType::kF32 && ctx.is_const(i), "int8 form: input {} must be a float32 constant",
                  i);
    else
      ctx.require(ctx.dtype(i) == ctx.dtype(0), "input {} element type differs from X", i);
    inner_stride(ctx, i, inner, i == 1 ? "Scale" : "B");
  }
  if (s8) {
    ctx.require(ir::shape_elements(inner) <= kMaxInt8LayerNormElements, "int8 form: more than {} elements per row",
                kMaxInt8LayerNormElements);
    for (size_t i = 1; i < ctx.num_outputs(); ++i)
      ctx.require(ctx.node().outputs[i] == ir::kNoTensor, "int8 form: no Mean or InvStdDev output");
    return set_s8_output(ctx, x);
  }
  ctx.set_output(0, ctx.dtype(0), x);
  ir::Shape stat(x.begin(), x.begin() + axis);
  stat.resize(x.size(), 1);
  ctx.set_output(1, ir::DType::kF32, stat);
  ctx.set_output(2, ir::DType::kF32, stat);
}

Cost ln_cost(const ir::Graph& g, const ir::Node& n) { return {3 * in(g, n, 0).elements()}; }

// The int8 kernel: per element of the row, gamma / s_y as a signed multiplier of
// the Q16 normalised value and beta / s_y rounded; eps n^2 / s_x^2 as an integer.
KernelCall ln_s8_lower(const ir::Graph& g, const ir::Node& n, int64_t outer, const ir::Shape& inner) {
  InferContext ctx(g, n);
  const int64_t count = ir::shape_elements(inner);
  const std::vector<double> gamma = ir::data_as_double(in(g, n, 1));
  const std::vector<double> beta = has_in(n, 2) ? ir::data_as_double(in(g, n, 2)) : std::vector<double>{0.0};
  const double sx = in(g, n, 0).quant.scale[0], sy = out(g, n, 0).quant.scale[0];
  const double eps = static_cast<float>(ctx.attr_float("epsilon", 1e-5));
  const double e = std::min(std::round(eps * static_cast<double>(count) * static_cast<double>(count) / (sx * sx)),
                            1152921504606846976.0);  // 2^60
  std::vector<int64_t> mult, shift, bias;
  for (int64_t i = 0; i < count; ++i) {
    const double gi = gamma[gamma.size() == 1 ? 0 : static_cast<size_t>(i)];
    const double bi = beta[beta.size() == 1 ? 0 : static_cast<size_t>(i)];
    std::string err;
    const auto m = quant::quantize_multiplier(std::fabs(gi) / (sy * 65536.0), &err);
    if (!m) throw support::Refusal(fmt::format("int8 LayerNormalization rescaling: {}", err));
    mult.push_back(gi < 0 ? -int64_t{m->multiplier} : int64_t{m->multiplier});
    shift.push_back(m->shift);
    bias.push_back(static_cast<int64_t>(std::clamp(std::round(bi / sy), -1073741824.0, 1073741824.0)));
  }
  KernelCall k{"layer_norm_s8.h", "layer_norm_s8", {}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"outer", outer}, {"n", count}, {"eps_q", static_cast<int64_t>(e)},
              {"out_zp", int64_t{out(g, n, 0).quant.zero_point[0]}}, {"mult", mult}, {"shift", shift}, {"bias", bias}};
  return k;
}

KernelCall ln_call(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(x.size()));
  const ir::Shape inner(x.begin() + axis, x.end());
  if (s8_ln(g, n)) return ln_s8_lower(g, n, ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis)), inner);
  KernelCall k{"normalization.h", "layer_norm", {ir::dtype_ctype(in(g, n, 0).dtype), "float"}, {}, {}, {}};
  k.params = {{"outer", ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis))},
              {"inner", ir::shape_elements(inner)},
              {"epsilon", ctx.attr_float("epsilon", 1e-5)},
              {"scale_stride", inner_stride(ctx, 1, inner, "Scale")},
              {"has_bias", int64_t{has_in(n, 2)}},
              {"bias_stride", has_in(n, 2) ? inner_stride(ctx, 2, inner, "B") : int64_t{0}}};
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  for (size_t i = 0; i < 3; ++i) k.outputs.push_back(i < n.outputs.size() ? n.outputs[i] : ir::kNoTensor);
  return k;
}

// The int8 kernel with requant.h's fast requantization of each element, exact for
// the normalised value's bound: |c_i| <= sqrt(n D) (the c_j squared sum to n D), so
// |u_i| <= sqrt(n) 2^16, plus the rounding of u and of the row's multiplier.
KernelCall ln_s8_fast_call(const ir::Graph& g, const ir::Node& n) {
  KernelCall k = ln_call(g, n);
  const int64_t count = std::get<int64_t>(param(k.params, "n"));
  const auto& mult = std::get<std::vector<int64_t>>(param(k.params, "mult"));
  const auto& shift = std::get<std::vector<int64_t>>(param(k.params, "shift"));
  const auto bound = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(count)) * 65536.0 * (1 + 1e-6))) + 2;
  add_fast_requant(k.params, mult, shift, count, bound);
  k.kernel = "layer_norm_s8_fast";
  return k;
}
std::string applies_ln_s8_fast(const ir::Graph& g, const ir::Node& n) {
  if (!s8_ln(g, n)) return "not the int8 form";
  return std::get<int64_t>(param(ln_s8_fast_call(g, n).params, "rq_fast")) ? ""
                                                                           : "its requantization needs the general form";
}
KernelCall make_ln_s8_fast(ir::Graph& g, const ir::Node& n, const target::Target&) { return ln_s8_fast_call(g, n); }
std::string applies_ln_s8(const ir::Graph& g, const ir::Node& n) { return s8_ln(g, n) ? "" : "not the int8 form"; }
std::string applies_ln_float(const ir::Graph& g, const ir::Node& n) { return s8_ln(g, n) ? "the int8 form" : ""; }
KernelCall make_ln(ir::Graph& g, const ir::Node& n, const target::Target&) { return ln_call(g, n); }

const std::vector<Variant>& ln_variants() {
  static const std::vector<Variant> v = {
      {"layer_norm_s8_1x1_scalar", 0, applies_ln_s8_fast, make_ln_s8_fast},
      {"layer_norm_s8_ref", 0, applies_ln_s8, make_ln, /*reference=*/true},
      {"layer_norm_ref", 0, applies_ln_float, make_ln, /*reference=*/true},
  };
  return v;
}

// --- InstanceNormalization ----------------------------------------------------

void in_infer(InferContext& ctx) {
  ctx.allow_attrs({"epsilon"});
  require_float(ctx, 0);
  ctx.require(ctx.rank(0) >= 3, "input must be (N, C, D1, ...)");
  const int64_t c = ctx.shape(0)[1];
  for (size_t i = 1; i <= 2; ++i) {
    ctx.require(ctx.shape(i) == ir::Shape{c}, "input {} must have shape [{}]", i, c);
    ctx.require(ctx.dtype(i) == ctx.dtype(0), "input {} element type differs from the input", i);
  }
  ctx.require(ir::shape_elements(ir::Shape(ctx.shape(0).begin() + 2, ctx.shape(0).end())) > 0,
              "empty spatial dimensions are not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

Cost elems3_cost(const ir::Graph& g, const ir::Node& n) { return {3 * in(g, n, 0).elements()}; }

KernelCall in_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"normalization.h", "instance_norm", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {n.outputs[0]}};
  k.params = {{"N", x[0]},
              {"C", x[1]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))},
              {"epsilon", ctx.attr_float("epsilon", 1e-5)}};
  k.inputs = {n.inputs[0], n.inputs[1], n.inputs[2]};
  return k;
}

// --- LRN ----------------------------------------------------------------------

void lrn_infer(InferContext& ctx) {
  ctx.allow_attrs({"alpha", "beta", "bias", "size"});
  require_float(ctx, 0);
  ctx.require(ctx.has_attr("size") && ctx.attr_int("size", 0) > 0, "size must be given and positive");
  ctx.require(ctx.rank(0) >= 2, "input must be (N, C, ...)");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

Cost lrn_cost(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  return {in(g, n, 0).elements() * ctx.attr_int("size", 1)};
}

KernelCall lrn_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"normalization.h", "lrn", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"N", x[0]},
              {"C", x[1]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))},
              {"size", ctx.attr_int("size", 1)},
              {"alpha", ctx.attr_float("alpha", 1e-4)},
              {"beta", ctx.attr_float("beta", 0.75)},
              {"bias", ctx.attr_float("bias", 1.0)}};
  return k;
}

// --- MeanVarianceNormalization ------------------------------------------------

std::set<int64_t> mvn_axes(const InferContext& ctx) {
  std::set<int64_t> axes;
  for (int64_t a : ctx.attr_ints("axes", {0, 2, 3}))
    ctx.require(axes.insert(ctx.axis(a, ctx.rank(0), "axes entry")).second, "axis {} repeated", a);
  return axes;
}

void mvn_infer(InferContext& ctx) {
  ctx.allow_attrs({"axes"});
  require_float(ctx, 0);
  const std::set<int64_t> axes = mvn_axes(ctx);
  ctx.require(!axes.empty(), "axes must not be empty");
  int64_t red = 1;
  for (int64_t a : axes) red *= ctx.shape(0)[static_cast<size_t>(a)];
  ctx.require(red > 0 || ctx.input(0).elements() == 0, "normalising over an empty set of elements is not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

// Reduced and kept axes, dimensions of 1 dropped and same-kind neighbours merged:
// each group is one odometer digit in the kernel.
struct Groups {
  std::vector<int64_t> shape, strides;
  void add(int64_t size, int64_t stride, bool merge) {
    if (merge) {
      shape.back() *= size;
      strides.back() = stride;
    } else {
      shape.push_back(size);
      strides.push_back(stride);
    }
  }
};

KernelCall mvn_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  const ir::Tensor& x = in(g, n, 0);
  const std::set<int64_t> axes = mvn_axes(ctx);
  const std::vector<int64_t> st = row_major_strides(x.shape);
  Groups kept, red;
  int last = -1;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (x.shape[d] == 1) continue;
    const int kind = axes.count(static_cast<int64_t>(d)) ? 1 : 0;
    (kind ? red : kept).add(x.shape[d], st[d], kind == last);
    last = kind;
  }
  KernelCall k{"normalization.h", "mvn", {ir::dtype_ctype(x.dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  const int64_t red_count = ir::shape_elements(red.shape);
  k.params = {{"out_count", red_count ? x.elements() / red_count : 0},
              {"red_count", red_count},
              {"kept_rank", static_cast<int64_t>(kept.shape.size())},
              {"kept_shape", kept.shape},
              {"kept_strides", kept.strides},
              {"red_rank", static_cast<int64_t>(red.shape.size())},
              {"red_shape", red.shape},
              {"red_strides", red.strides}};
  return k;
}

// LayerNormalization's int8 rule: Scale and B float32 constants of finite values,
// no Mean or InvStdDev output, at most kMaxInt8LayerNormElements per row; the
// input is quantized in front (a residual sum usually is float), the output gets
// its own calibrated parameters.
std::string ln_int8_form(const ir::Graph& g, const ir::Node& n) {
  const std::string why = single_output_form(g, n);
  if (!why.empty()) return why;
  for (size_t i = 1; i < std::min<size_t>(n.inputs.size(), 3); ++i) {
    if (n.inputs[i] == ir::kNoTensor) continue;
    const ir::Tensor& t = in(g, n, i);
    if (!t.is_constant() || t.dtype != ir::DType::kF32) return "its Scale or B is not a float32 constant";
    for (double v : ir::data_as_double(t))
      if (!std::isfinite(v)) return "its Scale or B holds a value that is not finite";
  }
  const ir::Shape& x = in(g, n, 0).shape;
  const int64_t axis = ir::attr_int(n.attrs, "axis", -1);
  const int64_t a = axis < 0 ? axis + static_cast<int64_t>(x.size()) : axis;
  if (a < 0 || a >= static_cast<int64_t>(x.size())) return "its axis is out of range";
  if (ir::shape_elements(ir::Shape(x.begin() + a, x.end())) > kMaxInt8LayerNormElements)
    return fmt::format("it normalises more than {} elements per row", kMaxInt8LayerNormElements);
  return "";
}
const Int8Rule ln_int8 = {ln_int8_form, 1, /*quantizes_inputs=*/true};

}  // namespace

extern const OpDef op_InstanceNormalization = {"InstanceNormalization", in_infer, nullptr, elems3_cost, in_lower};
extern const OpDef op_LayerNormalization = {"LayerNormalization", ln_infer, nullptr, ln_cost, nullptr, false,
                                            ln_variants, &ln_int8};
extern const OpDef op_LRN = {"LRN", lrn_infer, nullptr, lrn_cost, lrn_lower};
extern const OpDef op_MeanVarianceNormalization = {"MeanVarianceNormalization", mvn_infer, nullptr, elems3_cost,
                                                   mvn_lower};

}  // namespace mote::ops
