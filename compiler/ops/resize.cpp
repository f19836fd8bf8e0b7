// Resize (opset 11+): modes nearest (every nearest_mode) and linear (N-d), every
// coordinate_transformation_mode but tf_crop_and_resize; cubic is refused.
// scales or sizes must be constants. Everything data-independent is computed
// here, following the ONNX reference implementation: per axis, the input index
// each output index reads (two indices and their weights when interpolating).
// Kernels: resize.h. Int8 (with the input's parameters): a nearest Resize moves
// bytes; a linear one on at most two axes runs resize_linear_s8.
#include <cmath>

#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace {

struct Plan {
  std::string mode, coord, nearest;
  std::vector<double> scales;  // per axis, as the coordinate formulas use them
  ir::Shape out;
};

bool given(const InferContext& ctx, size_t i) { return ctx.has_input(i) && ctx.input(i).elements() > 0; }

Plan plan_of(const InferContext& ctx) {
  Plan p;
  p.mode = ctx.attr_string("mode", "nearest");
  p.coord = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
  p.nearest = ctx.attr_string("nearest_mode", "round_prefer_floor");
  ctx.require(p.mode == "nearest" || p.mode == "linear", "mode '{}' is not supported", p.mode);
  ctx.require(p.coord == "half_pixel" || p.coord == "pytorch_half_pixel" || p.coord == "align_corners" ||
                  p.coord == "asymmetric" || p.coord == "tf_half_pixel_for_nn",
              "coordinate_transformation_mode '{}' is not supported", p.coord);
  ctx.require(p.nearest == "round_prefer_floor" || p.nearest == "round_prefer_ceil" || p.nearest == "floor" ||
                  p.nearest == "ceil",
              "nearest_mode '{}' is not supported", p.nearest);
  // Renormalising weights over in-range samples changes nothing for linear
  // (out-of-range samples are edge copies), but can leave nearest with none.
  ctx.require(ctx.attr_int("exclude_outside", 0) == 0 || p.mode == "linear",
              "exclude_outside is only supported in linear mode");
  const ir::Shape& x = ctx.shape(0);
  const size_t r = x.size();
  ctx.require(r > 0, "cannot resize a scalar");
  ctx.require(given(ctx, 2) != given(ctx, 3), "exactly one of scales and sizes must be given");
  if (given(ctx, 2)) {
    const std::vector<double> s = ctx.const_doubles(2, "scales");
    ctx.require(s.size() == r, "scales has {} entries, the input has rank {}", s.size(), r);
    for (size_t d = 0; d < r; ++d) {
      ctx.require(s[d] > 0 && s[d] <= 65536, "scale {} is not supported (0 < scale <= 65536)", s[d]);
      p.out.push_back(static_cast<int64_t>(std::floor(s[d] * static_cast<double>(x[d]))));
    }
    p.scales = s;
  } else {
    const std::vector<int64_t> s = ctx.const_ints(3, "sizes");
    ctx.require(s.size() == r, "sizes has {} entries, the input has rank {}", s.size(), r);
    for (size_t d = 0; d < r; ++d) {
      ctx.require(s[d] >= 0, "sizes must not be negative");
      p.out.push_back(s[d]);
      p.scales.push_back(static_cast<double>(s[d]) / static_cast<double>(x[d]));
    }
  }
  for (size_t d = 0; d < r; ++d) {
    ctx.require(x[d] > 0 || p.out[d] == 0, "cannot resize an empty axis to {}", p.out[d]);
    // The reference and runtimes disagree on a one-element output from a fractional scale.
    ctx.require(p.coord != "pytorch_half_pixel" || p.out[d] != 1 || p.scales[d] * static_cast<double>(x[d]) == 1.0,
                "pytorch_half_pixel with a one-element output from scale {} is ambiguous", p.scales[d]);
  }
  return p;
}

// Input coordinate of output index o along an axis of n inputs, as the ONNX
// reference computes it (length_resized is scale * n, not the rounded size).
double source_coord(const Plan& p, double scale, int64_t n, int64_t o) {
  const double x = static_cast<double>(o), len = scale * static_cast<double>(n);
  if (p.coord == "align_corners") return len == 1 ? 0.0 : x * static_cast<double>(n - 1) / (len - 1);
  if (p.coord == "asymmetric") return x / scale;
  if (p.coord == "tf_half_pixel_for_nn") return (x + 0.5) / scale;
  if (p.coord == "pytorch_half_pixel" && len == 1) return -0.5;
  return (x + 0.5) / scale - 0.5;
}

int64_t nearest_index(const Plan& p, double c) {
  const double f = std::floor(c), ratio = c - f;
  const int64_t lo = static_cast<int64_t>(f);
  if (ratio == 0) return lo;
  if (p.nearest == "round_prefer_floor") return ratio <= 0.5 ? lo : lo + 1;
  if (p.nearest == "round_prefer_ceil") return ratio < 0.5 ? lo : lo + 1;
  return p.nearest == "floor" ? lo : lo + 1;
}

int64_t clamp(int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

// Per axis, where each output index reads: lo (and, interpolating, hi with the
// weights w_lo and w_hi), as offsets already multiplied by the input's stride;
// the axis's entries start at table_at[d]. lerp_axes: the axes with a weight
// strictly between 0 and 1 somewhere.
struct Tables {
  std::vector<int64_t> table_at, lo, hi, lerp_axes;
  std::vector<double> w_lo, w_hi;
};

Tables tables_of(const Plan& p, const ir::Shape& x, const ir::Shape& y) {
  Tables t;
  const std::vector<int64_t> strides = row_major_strides(x);
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t len = x[d];
    t.table_at.push_back(static_cast<int64_t>(t.lo.size()));
    bool lerp = false;
    for (int64_t o = 0; o < y[d]; ++o) {
      const double c = source_coord(p, p.scales[d], len, o);
      if (p.mode == "nearest") {
        t.lo.push_back(clamp(nearest_index(p, c), len) * strides[d]);
        continue;
      }
      const double f = std::floor(c);
      const int64_t i0 = static_cast<int64_t>(f), a = clamp(i0, len), b = clamp(c == f ? i0 : i0 + 1, len);
      // Both ends clamped to one input (an edge, or pytorch_half_pixel's -0.5 on an
      // axis of one): no blend, so the axis need not be interpolated.
      const double r = a == b ? 0.0 : c - f;
      t.lo.push_back(a * strides[d]);
      t.hi.push_back(b * strides[d]);
      t.w_lo.push_back(1 - r);
      t.w_hi.push_back(r);
      lerp = lerp || r != 0;
    }
    if (lerp) t.lerp_axes.push_back(static_cast<int64_t>(d));
  }
  return t;
}

// An int8 linear Resize interpolates on at most two axes (bilinear): its Q10
// weights' products then stay within int32 (2^20 * 128).
constexpr size_t kMaxInt8LerpAxes = 2;

void infer(InferContext& ctx) {
  ctx.allow_attrs({"coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode",
                   "nearest_mode"});
  const Plan p = plan_of(ctx);
  if (is_s8_quantized(ctx.input(0)))
    ctx.require(tables_of(p, ctx.shape(0), p.out).lerp_axes.size() <= kMaxInt8LerpAxes,
                "int8 form: a linear Resize interpolates on at most two axes");
  else
    require_float(ctx, 0);
  ctx.set_output(0, ctx.dtype(0), p.out);
}

// The int8 linear kernel's weights: Q10 per axis, the pair summing to exactly 1024.
constexpr int kWeightBits = 10;

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  const char* ct = ir::dtype_ctype(x.dtype);
  if (y.elements() == 0) return KernelCall{"common.h", "copy", {ct}, {{"count", int64_t{0}}}, {n.inputs[0]}, {n.outputs[0]}};
  const Plan p = plan_of(InferContext(g, n));
  const Tables t = tables_of(p, x.shape, y.shape);
  KernelCall k{"resize.h", "resize_nearest", {ct}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}, {"rank", static_cast<int64_t>(y.shape.size())}, {"out_shape", y.shape},
              {"table_at", t.table_at},  {"lo", t.lo}};
  if (t.lerp_axes.empty()) return k;  // along axes where every weight is 0 or 1, lo alone is the answer
  k.params.push_back({"num_lerp", static_cast<int64_t>(t.lerp_axes.size())});
  k.params.push_back({"lerp_axes", t.lerp_axes});
  k.params.push_back({"hi", t.hi});
  if (is_s8_quantized(x)) {
    k.kernel = "resize_linear_s8";
    k.type_args.clear();
    std::vector<int64_t> lo_q, hi_q;
    for (double w : t.w_hi) {
      hi_q.push_back(static_cast<int64_t>(std::lround(w * (1 << kWeightBits))));
      lo_q.push_back((1 << kWeightBits) - hi_q.back());
    }
    k.params.push_back({"shift", static_cast<int64_t>(kWeightBits * t.lerp_axes.size())});
    k.params.push_back({"w_lo", lo_q});
    k.params.push_back({"w_hi", hi_q});
    return k;
  }
  k.kernel = "resize_linear";
  k.params.push_back({"w_lo", t.w_lo});
  k.params.push_back({"w_hi", t.w_hi});
  return k;
}

// An int8 linear Resize interpolating the last two axes (or one of them) whose
// leading axes map one to one:
// resize_bilinear_s8_rows reads each row's offsets and weights once.
std::string applies_bilinear_s8(const ir::Graph& g, const ir::Node& n) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  if (!is_s8_quantized(x)) return "not the int8 form";
  const size_t r = x.shape.size();
  if (r < 2 || y.elements() == 0) return "not a resize of a plane";
  const Plan p = plan_of(InferContext(g, n));
  const Tables t = tables_of(p, x.shape, y.shape);
  if (t.lerp_axes.empty() || t.lerp_axes.front() < static_cast<int64_t>(r) - 2)
    return "it does not interpolate on the last two axes only";
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  for (size_t d = 0; d + 2 < r; ++d)
    for (int64_t o = 0; o < y.shape[d]; ++o)
      if (y.shape[d] != x.shape[d] || t.lo[static_cast<size_t>(t.table_at[d] + o)] != o * strides[d])
        return "a leading axis is resized";
  return "";
}
KernelCall make_bilinear_s8(ir::Graph& g, const ir::Node& n, const target::Target& target) {
  KernelCall k = lower(g, n, target);
  const ir::Shape& x = in(g, n, 0).shape;
  k.kernel = "resize_bilinear_s8_rows";
  // Both axes' Q10 weights multiply, interpolated or not ((1024, 0) where not).
  for (ops::Param& q : k.params)
    if (q.name == "shift") q.value = int64_t{2 * kWeightBits};
  k.params.push_back({"plane_in", x[x.size() - 2] * x[x.size() - 1]});
  return k;
}
std::string applies_s8_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8_quantized(in(g, n, 0)) ? "" : "not the int8 form";
}
std::string applies_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8_quantized(in(g, n, 0)) ? "the int8 form" : "";
}
KernelCall make_ref(ir::Graph& g, const ir::Node& n, const target::Target& t) { return lower(g, n, t); }

const std::vector<Variant>& variants() {
  static const std::vector<Variant> v = {
      {"resize_bilinear_s8_1x1_scalar", 0, applies_bilinear_s8, make_bilinear_s8},
      {"resize_s8_ref", 0, applies_s8_ref, make_ref, /*reference=*/true},
      {"resize_ref", 0, applies_ref, make_ref, /*reference=*/true},
  };
  return v;
}

Cost cost(const ir::Graph& g, const ir::Node& n) {
  const Plan p = plan_of(InferContext(g, n));
  return {p.mode == "linear" ? out(g, n, 0).elements() * 2 : 0};
}

// The int8 rule: the output keeps the input's parameters. A nearest Resize copies
// int8 values; a linear one interpolates them (real values are affine in q, so the
// blend of q's is the blend of reals, rounded once: resize_linear_s8).
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  const std::string why = single_output_form(g, n);
  if (!why.empty()) return why;
  const Plan p = plan_of(InferContext(g, n));
  if (tables_of(p, in(g, n, 0).shape, p.out).lerp_axes.size() > kMaxInt8LerpAxes)
    return "a linear Resize on more than two axes has no int8 kernel";
  return "";
}
const Int8Rule resize_int8 = {int8_form, 1, /*quantizes_inputs=*/false, keep_input_params};

}  // namespace

extern const OpDef op_Resize = {"Resize", infer, nullptr, cost, nullptr, false, variants, &resize_int8};

}  // namespace mote::ops
