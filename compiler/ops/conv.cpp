// Conv: 1-D and 2-D, grouped and depthwise, with bias. Kernel: conv.h; conv_s8.h
// for the int8 form pass quantize-int8 writes (int8 input, constant int8 weight,
// int32 bias, quantization parameters on the tensors), and its int16 form (--int16);
// conv_fast_s8.h for int8 pointwise and depthwise 3x3 layers (is_pointwise,
// is_depthwise3x3) whose zero-point fold is exact (s8_folded_bias).
#include <algorithm>
#include <cmath>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/int8_layer.h"
#include "compiler/ops/quant_common.h"
#include "compiler/ops/s8_kernels.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "mote_act_min", "mote_act_max"});
  const bool s8 = ctx.dtype(0) == ir::DType::kI8 || ctx.dtype(0) == ir::DType::kI16;
  if (s8) require_s8_layer(ctx, ctx.rank(1) > 0 ? ctx.shape(1)[0] : 0);
  else require_float(ctx, 0);
  const ir::Shape& x = ctx.shape(0);
  const ir::Shape& w = ctx.shape(1);
  ctx.require(x.size() == 3 || x.size() == 4, "only 1-D and 2-D convolutions are supported (input rank {})", x.size());
  ctx.require(w.size() == x.size(), "weight rank {} does not match input rank {}", w.size(), x.size());
  if (!s8) ctx.require(ctx.dtype(1) == ctx.dtype(0), "weight and input element types differ");
  const int64_t group = ctx.attr_int("group", 1);
  ctx.require(group > 0 && x[1] % group == 0 && w[0] % group == 0, "group {} does not divide the channels", group);
  ctx.require(w[1] * group == x[1], "weight has {} input channels per group, input has {} channels in {} groups",
              w[1], x[1], group);
  if (ctx.has_input(2)) ctx.require(ctx.shape(2) == ir::Shape{w[0]}, "bias must have shape [{}]", w[0]);
  const ir::Shape sp(x.begin() + 2, x.end());
  std::vector<int64_t> kernel(w.begin() + 2, w.end());
  if (ctx.has_attr("kernel_shape"))
    ctx.require(ctx.attr_ints("kernel_shape") == kernel, "kernel_shape does not match the weight");
  const Window win = spatial_window(ctx, sp, kernel, false);
  ir::Shape y{x[0], w[0]};
  y.insert(y.end(), win.out.begin(), win.out.end());
  ctx.set_output(0, ctx.dtype(0), y);  // int8 (int16) in, int8 (int16) out
}

Window window_of(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, 1).shape;
  return spatial_window(ctx, ir::Shape(x.begin() + 2, x.end()), std::vector<int64_t>(w.begin() + 2, w.end()), false);
}

Cost cost(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& w = in(g, n, 1).shape;
  return {out(g, n, 0).elements() * ir::shape_elements(ir::Shape(w.begin() + 1, w.end()))};
}

// The shape conv_fast_s8.h's pointwise kernel takes: 1x1, strides and dilations
// 1, no padding, one group.
bool all_equal(const std::vector<int64_t>& v, int64_t e) {
  for (int64_t x : v)
    if (x != e) return false;
  return true;
}

bool is_pointwise(const Window& win, int64_t group) {
  return group == 1 && all_equal(win.kernel, 1) && all_equal(win.strides, 1) && all_equal(win.dilations, 1) &&
         all_equal(win.pads_begin, 0) && all_equal(win.pads_end, 0);
}

// The shape conv_fast_s8.h's depthwise kernel takes: 2-D 3x3, one input and one
// output channel per group, dilations 1 (any stride and padding).
bool is_depthwise3x3(const Window& win, int64_t group, int64_t channels, int64_t outputs) {
  return group == channels && outputs == channels && win.kernel == std::vector<int64_t>{3, 3} &&
         all_equal(win.dilations, 1);
}

bool is_s8(const ir::Graph& g, const ir::Node& n) { return in(g, n, 0).dtype == ir::DType::kI8; }
bool is_s16(const ir::Graph& g, const ir::Node& n) { return in(g, n, 0).dtype == ir::DType::kI16; }

// The reference kernels: conv.h for float, conv_s8.h for int8 and int16.
KernelCall reference_call(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, 1).shape;
  const bool s16 = is_s16(g, n), s8 = is_s8(g, n) || s16;
  KernelCall k{"conv.h", "conv2d", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  if (s8) k = KernelCall{"conv_s8.h", s16 ? "conv2d_s16_baked" : "conv2d_s8_baked", {}, {}, {}, {}};
  InferContext ctx(g, n);
  const int64_t group = ctx.attr_int("group", 1);
  const Window win = window_of(g, n);
  k.params = {{"N", x[0]}, {"C", x[1]}, {"M", w[0]}, {"G", group}, {"has_bias", int64_t{has_in(n, 2)}}};
  add_window_params(k.params, win, ir::Shape(x.begin() + 2, x.end()));
  if (s8) {
    add_s8_layer_params(k.params, g, n);
    // The conv kernels index mult and shift by output channel: per-tensor weights
    // (one scale) get their one multiplier repeated, not read past the array.
    for (Param& p : k.params)
      if (p.name == "mult" || p.name == "shift") {
        auto& v = std::get<std::vector<int64_t>>(p.value);
        if (v.size() == 1) v.assign(static_cast<size_t>(w[0]), v[0]);
      }
  } else {
    add_activation(k.params, ctx);
  }
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  k.outputs = {n.outputs[0]};
  return k;
}

std::string applies_s8_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8(g, n) || is_s16(g, n) ? "" : "not an int8 or int16 layer";
}
std::string applies_float_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8(g, n) || is_s16(g, n) ? "not a float layer" : "";
}
KernelCall make_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return reference_call(g, n); }

// The optimized int8 kernels fold the input zero point into the bias; they apply
// only where that fold is exact (s8_folded_bias).
std::string applies_s8_folded(const ir::Graph& g, const ir::Node& n) {
  if (!is_s8(g, n)) return "not an int8 layer";
  if (!s8_folded_bias(g, n)) return "the zero-point fold could overflow int32";
  return "";
}

std::string applies_pointwise_s8(const ir::Graph& g, const ir::Node& n) {
  if (!is_pointwise(window_of(g, n), InferContext(g, n).attr_int("group", 1)))
    return "not 1x1 with stride 1, dilation 1, no padding, one group";
  return applies_s8_folded(g, n);
}

std::string applies_depthwise3x3_s8(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  if (!is_depthwise3x3(window_of(g, n), InferContext(g, n).attr_int("group", 1), x[1], in(g, n, 1).shape[0]))
    return "not a 2-D depthwise 3x3 with dilation 1";
  return applies_s8_folded(g, n);
}

KernelCall make_pointwise_s8_scalar(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = reference_call(g, n);
  k.file = "conv_fast_s8.h";
  k.kernel = "conv2d_s8_pointwise_baked";
  k.params.push_back({"fbias", *s8_folded_bias(g, n)});
  k.inputs = {n.inputs[0], n.inputs[1]};  // the bias is in fbias
  return k;
}

KernelCall make_depthwise3x3_s8_scalar(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = reference_call(g, n);
  k.file = "conv_fast_s8.h";
  k.kernel = "conv2d_s8_depthwise3x3_baked";
  k.params.push_back({"fbias", *s8_folded_bias(g, n)});  // the border pixels read the bias tensor
  return k;
}

// The reduction of one output: input channels per group times the window.
int64_t reduction(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& w = in(g, n, 1).shape;
  return ir::shape_elements(ir::Shape(w.begin() + 1, w.end()));
}

// A convolution as a matrix product over patches (conv_s8_dsp.h): weights re-laid
// as rows of K4 (K rounded up to the SIMD width), the fast requantization where it
// is exact, and scratch for the patches of two pixels.
KernelCall make_gemm_s8(ir::Graph& g, const ir::Node& n, int64_t width, const char* file, const char* kernel,
                        int64_t scratch_bytes_per_k) {
  KernelCall k = reference_call(g, n);
  const int64_t m = in(g, n, 1).shape[0], kk = reduction(g, n), k4 = round_up(kk, width);
  const std::vector<int64_t> fbias = *s8_folded_bias(g, n);
  const int64_t bound = s8_accumulator_bound(ir::data_as_int(in(g, n, 1)), m, kk, fbias);
  const auto mult = std::get<std::vector<int64_t>>(param(k.params, "mult"));
  const auto shift = std::get<std::vector<int64_t>>(param(k.params, "shift"));
  k.params.push_back({"fbias", fbias});
  k.params.push_back({"K", kk});
  k.params.push_back({"K4", k4});
  add_fast_requant(k.params, mult, shift, m, bound);
  k.file = file;
  k.kernel = kernel;
  k.inputs = {n.inputs[0], padded_rows(g, n.inputs[1], m, kk, k4, fmt::format("k{}", width))};
  k.scratch_bytes = scratch_bytes_per_k * k4;
  return k;
}

// Depthwise with one output per channel (G = C = M), any window.
bool is_depthwise(const ir::Graph& g, const ir::Node& n) {
  const int64_t c = in(g, n, 0).shape[1];
  return InferContext(g, n).attr_int("group", 1) == c && in(g, n, 1).shape[0] == c;
}

std::string applies_dw_s8(const ir::Graph& g, const ir::Node& n) {
  if (!is_depthwise(g, n)) return "not depthwise with one output per channel";
  return applies_s8_folded(g, n);
}

std::string applies_dw3x3_s8_dsp(const ir::Graph& g, const ir::Node& n) {
  const Window win = window_of(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  if (!is_depthwise3x3(win, InferContext(g, n).attr_int("group", 1), x[1], in(g, n, 1).shape[0]))
    return "not a 2-D depthwise 3x3 with dilation 1";
  if (win.strides[1] != 1 && win.strides[1] != 2) return "stride along W is not 1 or 2";
  return applies_s8_folded(g, n);
}

// The padded plane the depthwise kernels copy each channel into.
int64_t padded_plane_bytes(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  const Window win = window_of(g, n);
  const bool one_d = x.size() == 3;
  const int64_t h = one_d ? 1 : x[2], w = one_d ? x[2] : x[3];
  const size_t wi = one_d ? 0 : 1;
  const int64_t ph = one_d ? 1 : h + win.pads_begin[0] + win.pads_end[0];
  return (ph + 1) * (w + win.pads_begin[wi] + win.pads_end[wi] + 8);  // k_plane in dwconv_s8_dsp.h
}

// The depthwise kernels that copy each channel's plane into scratch before they
// write that channel's output plane read nothing of the input after it: with an
// output of the input's size (stride 1) they may write over the input, which then
// needs no buffer of its own beside the output's, only the one-plane scratch.
std::vector<int> plane_in_place(const ir::Graph& g, const ir::Node& n) {
  if (in(g, n, 0).bytes() != out(g, n, 0).bytes() || in(g, n, 0).dtype != out(g, n, 0).dtype) return {};
  return {0};
}

KernelCall make_dw_s8(ir::Graph& g, const ir::Node& n, const char* file, const char* kernel) {
  KernelCall k = reference_call(g, n);
  const int64_t m = in(g, n, 1).shape[0], kk = reduction(g, n);
  const std::vector<int64_t> fbias = *s8_folded_bias(g, n);
  const int64_t bound = s8_accumulator_bound(ir::data_as_int(in(g, n, 1)), m, kk, fbias);
  const auto mult = std::get<std::vector<int64_t>>(param(k.params, "mult"));
  const auto shift = std::get<std::vector<int64_t>>(param(k.params, "shift"));
  k.params.push_back({"fbias", fbias});
  add_fast_requant(k.params, mult, shift, m, bound);
  k.file = file;
  k.kernel = kernel;
  k.inputs = {n.inputs[0], n.inputs[1]};
  k.scratch_bytes = padded_plane_bytes(g, n);
  k.in_place_inputs = plane_in_place(g, n);
  return k;
}

KernelCall make_dw3x3_s8_dsp(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_dw_s8(g, n, "dwconv_s8_dsp.h", "dwconv3x3_s8_dsp");
}

KernelCall make_dw_s8_dsp(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_dw_s8(g, n, "dwconv_s8_dsp.h", "dwconv_s8_dsp");
}

// Each reduction element's offset from its window's first input byte (im2col
// order: input channel of the group, kh, kw), padded with 0 to `padded` entries:
// the gathers of windows that lie inside the input read through it.
std::vector<int64_t> tap_offsets(const ir::Graph& g, const ir::Node& n, int64_t padded) {
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, 1).shape;
  const bool one_d = x.size() == 3;
  const int64_t h = one_d ? 1 : x[2], wd = one_d ? x[2] : x[3];
  const int64_t kh = one_d ? 1 : w[2], kw = one_d ? w[2] : w[3];
  const Window win = window_of(g, n);
  const int64_t dh = one_d ? 1 : win.dilations[0], dw = win.dilations[one_d ? 0 : 1];
  std::vector<int64_t> off;
  for (int64_t c = 0; c < w[1]; ++c)
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) off.push_back((c * h + i * dh) * wd + j * dw);
  off.resize(static_cast<size_t>(padded), 0);
  return off;
}

// The vector requantization of the Helium depthwise kernel needs the fast form.
std::string applies_dw3x3_s8_mve(const ir::Graph& g, const ir::Node& n) {
  const std::string why = applies_dw3x3_s8_dsp(g, n);
  if (!why.empty()) return why;
  const int64_t m = in(g, n, 1).shape[0], kk = reduction(g, n);
  const KernelCall ref = reference_call(g, n);
  const auto& shift = std::get<std::vector<int64_t>>(param(ref.params, "shift"));
  if (!fast_requant_exact(shift, s8_accumulator_bound(ir::data_as_int(in(g, n, 1)), m, kk, *s8_folded_bias(g, n))))
    return "its requantization needs the general form (a shift outside 1..22 or a large accumulator)";
  return "";
}

std::string applies_conv_s8_mve(const ir::Graph& g, const ir::Node& n) {
  if (is_depthwise(g, n)) return "depthwise: the depthwise kernels run it";
  return applies_s8_folded(g, n);
}

KernelCall make_dw3x3_s8_mve(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_dw_s8(g, n, "conv_s8_mve.h", "dwconv3x3_s8_mve");
}

KernelCall make_conv_s8_mve(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = make_gemm_s8(g, n, 16, "conv_s8_mve.h", "conv2d_s8_gemm_2x2_mve", 2);  // 2 pixels x K16 int8
  for (Param& p : k.params)
    if (p.name == "K4") p.name = "K16";
  k.params.push_back({"tap_off", tap_offsets(g, n, reduction(g, n))});
  // The vector requantization of two channels' lanes: each channel's multiplier and
  // negated shift twice, one past the last channel so the last load stays inside.
  std::vector<int64_t> mult2, shift2;
  const auto& mult = std::get<std::vector<int64_t>>(param(k.params, "rq_mult"));
  const auto& shift = std::get<std::vector<int64_t>>(param(k.params, "rq_shift"));
  for (size_t c = 0; c <= mult.size(); ++c) {
    const size_t i = c < mult.size() ? c : mult.size() - 1;
    mult2.insert(mult2.end(), 2, mult[i]);
    shift2.insert(shift2.end(), 2, -shift[i]);
  }
  k.params.push_back({"rq2_mult", mult2});
  k.params.push_back({"rq2_neg_shift", shift2});
  return k;
}

// ARMv6-M: rows of K as they are, the patches of two pixels as int32 pairs.
KernelCall make_conv_s8_v6m(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = make_gemm_s8(g, n, 1, "conv_s8_v6m.h", "conv2d_s8_gemm_2x2_v6m", 8);
  k.params.erase(std::remove_if(k.params.begin(), k.params.end(), [](const Param& p) { return p.name == "K4"; }),
                 k.params.end());
  k.params.push_back({"tap_off", tap_offsets(g, n, reduction(g, n))});
  return k;
}

KernelCall make_dw_s8_v6m(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_dw_s8(g, n, "conv_s8_v6m.h", "dwconv_s8_v6m");
}

std::string applies_dw3x3_s8(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  if (!is_depthwise3x3(window_of(g, n), InferContext(g, n).attr_int("group", 1), x[1], in(g, n, 1).shape[0]))
    return "not a 2-D depthwise 3x3 with dilation 1";
  return applies_s8_folded(g, n);
}

KernelCall make_dw3x3_s8_v6m(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_dw_s8(g, n, "conv_s8_v6m.h", "dwconv3x3_s8_v6m");
}

// The float kernels add 0 * w for padding taps the reference skips: exact only
// when every weight is finite and no bias is -0.0 (conv_f32_fpu.h).
std::string applies_f32_padding_exact(const ir::Graph& g, const ir::Node& n) {
  if (in(g, n, 0).dtype != ir::DType::kF32) return "not a float32 layer";
  if (!in(g, n, 1).is_constant()) return "its weights are not constant";
  for (double v : ir::data_as_double(in(g, n, 1)))
    if (!std::isfinite(v)) return "a weight is not finite (0 * w would not vanish)";
  if (has_in(n, 2)) {
    if (!in(g, n, 2).is_constant()) return "its bias is not constant";
    for (double v : ir::data_as_double(in(g, n, 2)))
      if (v == 0.0 && std::signbit(v)) return "a bias is -0.0 (adding +0 would change its sign)";
  }
  return "";
}

std::string applies_conv_f32_fpu(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  if (is_depthwise3x3(window_of(g, n), InferContext(g, n).attr_int("group", 1), x[1], in(g, n, 1).shape[0]))
    return "depthwise 3x3: dwconv3x3_f32_1x1_fpu runs it";
  return applies_f32_padding_exact(g, n);
}

std::string applies_dw3x3_f32_fpu(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  if (!is_depthwise3x3(window_of(g, n), InferContext(g, n).attr_int("group", 1), x[1], in(g, n, 1).shape[0]))
    return "not a 2-D depthwise 3x3 with dilation 1";
  return applies_f32_padding_exact(g, n);
}

KernelCall make_conv_f32_fpu(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = reference_call(g, n);
  k.file = "conv_f32_fpu.h";
  k.kernel = "conv2d_f32_gemm_2x4_fpu";
  k.type_args.clear();
  k.params.push_back({"K", reduction(g, n)});
  k.scratch_bytes = 2 * reduction(g, n) * 4;  // two pixels' patches
  return k;
}

KernelCall make_dw3x3_f32_fpu(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = reference_call(g, n);
  k.file = "conv_f32_fpu.h";
  k.kernel = "dwconv3x3_f32_fpu";
  k.type_args.clear();
  k.scratch_bytes = 4 * padded_plane_bytes(g, n);  // the plane, in floats
  k.in_place_inputs = plane_in_place(g, n);
  return k;
}

KernelCall make_conv_s8_dsp(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = make_gemm_s8(g, n, 8, "conv_s8_dsp.h", "conv2d_s8_gemm_2x2_dsp", 4);  // 2 pixels x K4 int16
  k.params.push_back({"tap_off", tap_offsets(g, n, std::get<int64_t>(param(k.params, "K4")))});
  return k;
}

const std::vector<Variant>& variants() {
  static const std::vector<Variant> v = {
      {"dwconv3x3_s8_4x1_mve", kFeatureMve, applies_dw3x3_s8_mve, make_dw3x3_s8_mve},
      {"conv_s8_2x2_mve", kFeatureMve, applies_conv_s8_mve, make_conv_s8_mve},
      {"dwconv3x3_s8_2x1_dsp", kFeatureDsp, applies_dw3x3_s8_dsp, make_dw3x3_s8_dsp},
      {"dwconv_s8_1x1_dsp", kFeatureDsp, applies_dw_s8, make_dw_s8_dsp},
      {"conv_s8_2x2_dsp", kFeatureDsp, applies_s8_folded, make_conv_s8_dsp},
      {"dwconv3x3_s8_1x1_v6m", kFeatureArmv6m, applies_dw3x3_s8, make_dw3x3_s8_v6m},
      {"dwconv_s8_1x1_v6m", kFeatureArmv6m, applies_dw_s8, make_dw_s8_v6m},
      {"conv_s8_2x2_v6m", kFeatureArmv6m, applies_conv_s8_mve, make_conv_s8_v6m},
      {"conv1x1_s8_2x4_scalar", 0, applies_pointwise_s8, make_pointwise_s8_scalar},
      {"dwconv3x3_s8_scalar", 0, applies_depthwise3x3_s8, make_depthwise3x3_s8_scalar},
      {"conv2d_s8_ref", 0, applies_s8_ref, make_ref, /*reference=*/true},
      {"dwconv3x3_f32_1x1_fpu", kFeatureFpu, applies_dw3x3_f32_fpu, make_dw3x3_f32_fpu},
      {"conv_f32_2x4_fpu", kFeatureFpu, applies_conv_f32_fpu, make_conv_f32_fpu},
      {"conv2d_f32_ref", 0, applies_float_ref, make_ref, /*reference=*/true},
  };
  return v;
}

// --- int8: TFLite's int8 (and 16x8) convolution, 1-D and 2-D, any group ---
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  if (std::string why = layer_constants_form(g, n); !why.empty()) return why;
  const ir::Shape& x = g.tensor(n.inputs[0]).shape;
  const ir::Shape& w = g.tensor(n.inputs[1]).shape;
  if (x.size() != 3 && x.size() != 4)
    return fmt::format("a {}-D Conv has no int8 form (int8 takes 1-D and 2-D)", static_cast<int64_t>(x.size()) - 2);
  if (const int64_t taps = ir::shape_elements(ir::Shape(w.begin() + 1, w.end())); taps > kMaxInt8Taps)
    return too_deep_for_int8(taps);
  return "";
}

const Int8Rule int8_rule = {int8_form, 1, /*quantizes_inputs=*/true, nullptr, nullptr, layer_int8_constants,
                            /*int16=*/true};

}  // namespace

extern const OpDef op_Conv = {"Conv", infer, nullptr, cost, nullptr, false, variants, &int8_rule, nullptr,
                              takes_any_clamp};

}  // namespace mote::ops
