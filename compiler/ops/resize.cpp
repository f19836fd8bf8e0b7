// Resize (opset 11+): modes nearest (every nearest_mode) and linear (N-d), every
// coordinate_transformation_mode but tf_crop_and_resize; cubic is refused.
// scales or sizes must be constants. Everything data-independent is computed
// here, following the ONNX reference implementation: per axis, the input index
// each output index reads (two indices and their weights when interpolating).
// Kernels: resize.h. A nearest Resize of an int8 input with quantization
// parameters moves bytes: it passes through with them.
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

void infer(InferContext& ctx) {
  ctx.allow_attrs({"coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode",
                   "nearest_mode"});
  const Plan p = plan_of(ctx);
  if (is_s8_quantized(ctx.input(0)))
    ctx.require(p.mode == "nearest", "int8 form: only a nearest Resize moves int8 values unchanged");
  else
    require_float(ctx, 0);
  ctx.set_output(0, ctx.dtype(0), p.out);
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

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  const char* ct = ir::dtype_ctype(x.dtype);
  if (y.elements() == 0) return KernelCall{"common.h", "copy", {ct}, {{"count", int64_t{0}}}, {n.inputs[0]}, {n.outputs[0]}};
  const Plan p = plan_of(InferContext(g, n));
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  std::vector<int64_t> table_at, lo, hi, lerp_axes;
  std::vector<double> w_lo, w_hi;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    const int64_t len = x.shape[d];
    table_at.push_back(static_cast<int64_t>(lo.size()));
    bool lerp = false;
    for (int64_t o = 0; o < y.shape[d]; ++o) {
      const double c = source_coord(p, p.scales[d], len, o);
      if (p.mode == "nearest") {
        lo.push_back(clamp(nearest_index(p, c), len) * strides[d]);
        continue;
      }
      const double f = std::floor(c), r = c - f;
      const int64_t i0 = static_cast<int64_t>(f);
      lo.push_back(clamp(i0, len) * strides[d]);
      hi.push_back(clamp(r == 0 ? i0 : i0 + 1, len) * strides[d]);
      w_lo.push_back(1 - r);
      w_hi.push_back(r);
      lerp = lerp || r != 0;
    }
    if (lerp) lerp_axes.push_back(static_cast<int64_t>(d));
  }
  KernelCall k{"resize.h", "resize_nearest", {ct}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}, {"rank", static_cast<int64_t>(y.shape.size())}, {"out_shape", y.shape},
              {"table_at", table_at},  {"lo", lo}};
  if (!lerp_axes.empty()) {
    // Along axes where every weight is 0 or 1, lo alone is the answer.
    k.kernel = "resize_linear";
    k.params.push_back({"num_lerp", static_cast<int64_t>(lerp_axes.size())});
    k.params.push_back({"lerp_axes", lerp_axes});
    k.params.push_back({"hi", hi});
    k.params.push_back({"w_lo", w_lo});
    k.params.push_back({"w_hi", w_hi});
  }
  return k;
}

Cost cost(const ir::Graph& g, const ir::Node& n) {
  const Plan p = plan_of(InferContext(g, n));
  return {p.mode == "linear" ? out(g, n, 0).elements() * 2 : 0};
}

// The int8 rule: a nearest Resize copies input values, so it passes int8 through
// with the input's parameters.
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  const std::string why = single_output_form(g, n);
  if (!why.empty()) return why;
  const std::string* mode = ir::attr_string(n.attrs, "mode");
  if (mode && *mode != "nearest") return "a linear Resize has no int8 kernel yet";
  return "";
}
const Int8Rule resize_int8 = {int8_form, 1, /*quantizes_inputs=*/false, keep_input_params};

}  // namespace

extern const OpDef op_Resize = {"Resize", infer, nullptr, cost, lower, false, nullptr, &resize_int8};

}  // namespace mote::ops
