// ConvTranspose: 1-D and 2-D, grouped, with strides, dilations, pads, auto_pad,
// output_padding, output_shape and bias. Kernel: conv_transpose.h; int8 (group 1,
// the form quantize-int8 writes: weights re-laid channel-major M x C x KH x KW,
// per-channel scales, int32 bias) conv_transpose_s8.h.
//
// Where the ONNX spec, its reference implementation and runtimes disagree on
// the padding (output_shape smaller than the unpadded output under NOTSET,
// negative SAME padding), the node is refused rather than guessed.
#include <fmt/format.h>

#include "compiler/ops/helpers.h"
#include "compiler/ops/int8_layer.h"
#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace {

Window window_of(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const ir::Shape& wt = ctx.shape(1);
  const size_t r = x.size() - 2;
  Window w;
  w.kernel.assign(wt.begin() + 2, wt.end());
  if (ctx.has_attr("kernel_shape"))
    ctx.require(ctx.attr_ints("kernel_shape") == w.kernel, "kernel_shape does not match the weight");
  w.strides = ctx.attr_ints("strides", std::vector<int64_t>(r, 1));
  w.dilations = ctx.attr_ints("dilations", std::vector<int64_t>(r, 1));
  const std::vector<int64_t> out_pad = ctx.attr_ints("output_padding", std::vector<int64_t>(r, 0));
  ctx.require(w.strides.size() == r && w.dilations.size() == r && out_pad.size() == r,
              "strides, dilations and output_padding must have one entry per spatial axis ({})", r);
  std::vector<int64_t> shape = ctx.attr_ints("output_shape");
  ctx.require(shape.empty() || shape.size() == r || shape.size() == r + 2,
              "output_shape must have {} or {} entries", r, r + 2);
  if (shape.size() == r + 2) shape.erase(shape.begin(), shape.begin() + 2);
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  ctx.require(same || auto_pad == "NOTSET" || auto_pad == "VALID", "auto_pad '{}' is not supported", auto_pad);
  const std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
  ctx.require(pads.size() == 2 * r, "pads must have {} entries", 2 * r);
  w.pads_begin.assign(r, 0);
  w.pads_end.assign(r, 0);
  w.out.assign(r, 0);
  for (size_t i = 0; i < r; ++i) {
    ctx.require(w.kernel[i] > 0 && w.strides[i] > 0 && w.dilations[i] > 0,
                "kernel sizes, strides and dilations must be positive");
    ctx.require(out_pad[i] >= 0 && (out_pad[i] < w.strides[i] || out_pad[i] < w.dilations[i]),
                "output_padding {} must be less than the stride or the dilation", out_pad[i]);
    // Output length before any padding is taken off.
    const int64_t full = w.strides[i] * (x[i + 2] - 1) + out_pad[i] + (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (same) {
      const int64_t target = shape.empty() ? x[i + 2] * w.strides[i] : shape[i];
      const int64_t total = full - target;
      ctx.require(total >= 0, "{} would need negative padding ({}), which ONNX implementations treat differently",
                  auto_pad, total);
      w.pads_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pads_end[i] = total - w.pads_begin[i];
      w.out[i] = target;
    } else if (!shape.empty()) {
      // Positions past the unpadded output only receive the bias.
      ctx.require(full <= shape[i], "output_shape {} is smaller than the unpadded output {}: ONNX implementations "
                                    "disagree on where to crop", shape[i], full);
      ctx.require(pads[i] == 0 && pads[i + r] == 0, "pads together with output_shape are ambiguous");
      w.out[i] = shape[i];
    } else {
      if (auto_pad == "NOTSET") {
        w.pads_begin[i] = pads[i];
        w.pads_end[i] = pads[i + r];
        ctx.require(pads[i] >= 0 && pads[i + r] >= 0, "negative pads are not supported");
      }
      w.out[i] = full - w.pads_begin[i] - w.pads_end[i];
    }
    ctx.require(w.out[i] > 0, "the output would be empty along spatial axis {}", i);
  }
  return w;
}

bool is_s8(const ir::Graph& g, const ir::Node& n) { return in(g, n, 0).dtype == ir::DType::kI8; }

void infer(InferContext& ctx) {
  ctx.allow_attrs(
      {"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides"});
  const ir::Shape& x = ctx.shape(0);
  const ir::Shape& w = ctx.shape(1);
  ctx.require(x.size() == 3 || x.size() == 4, "only 1-D and 2-D transposed convolutions are supported (input rank {})",
              x.size());
  ctx.require(w.size() == x.size(), "weight rank {} does not match input rank {}", w.size(), x.size());
  const int64_t group = ctx.attr_int("group", 1);
  if (ctx.dtype(0) == ir::DType::kI8) {
    // The int8 form: weights channel-major, M x C x KH x KW.
    ctx.require(group == 1, "int8 form: group must be 1");
    ctx.require(w[1] == x[1], "int8 form: the weight has {} input channels, the input has {}", w[1], x[1]);
    require_s8_layer(ctx, w[0]);
    const Window win = window_of(ctx);
    ir::Shape y{x[0], w[0]};
    y.insert(y.end(), win.out.begin(), win.out.end());
    set_s8_output(ctx, y);
    return;
  }
  require_float(ctx, 0);
  ctx.require(ctx.dtype(1) == ctx.dtype(0), "weight and input element types differ");
  ctx.require(group > 0 && x[1] % group == 0, "group {} does not divide the {} input channels", group, x[1]);
  ctx.require(w[0] == x[1], "weight has {} input channels, input has {}", w[0], x[1]);
  const int64_t m = w[1] * group;
  if (ctx.has_input(2)) {
    ctx.require(ctx.shape(2) == ir::Shape{m}, "bias must have shape [{}]", m);
    ctx.require(ctx.dtype(2) == ctx.dtype(0), "bias and input element types differ");
  }
  const Window win = window_of(ctx);
  ir::Shape y{x[0], m};
  y.insert(y.end(), win.out.begin(), win.out.end());
  ctx.set_output(0, ctx.dtype(0), y);
}

Cost cost(const ir::Graph& g, const ir::Node& n) {
  // Every input element meets each weight of its group's output channels once.
  const ir::Shape& w = in(g, n, 1).shape;
  const int64_t group = is_s8(g, n) ? 1 : ir::attr_int(n.attrs, "group", 1);
  const int64_t out_per_group = out(g, n, 0).shape.at(1) / (group > 0 ? group : 1);
  return {in(g, n, 0).elements() * out_per_group * ir::shape_elements(ir::Shape(w.begin() + 2, w.end()))};
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, 1).shape;
  InferContext ctx(g, n);
  if (is_s8(g, n)) {
    KernelCall k{"conv_transpose_s8.h", "conv_transpose2d_s8", {}, {}, {}, {}};
    k.params = {{"N", x[0]}, {"C", x[1]}, {"M", w[0]}, {"has_bias", int64_t{has_in(n, 2)}}};
    add_window_params(k.params, window_of(ctx), ir::Shape(x.begin() + 2, x.end()));
    add_s8_layer_params(k.params, g, n);
    k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
    k.outputs = {n.outputs[0]};
    return k;
  }
  const int64_t group = ctx.attr_int("group", 1);
  KernelCall k{"conv_transpose.h", "conv_transpose2d", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  k.params = {{"N", x[0]}, {"C", x[1]}, {"M", w[1] * group}, {"G", group}, {"has_bias", int64_t{has_in(n, 2)}}};
  add_window_params(k.params, window_of(ctx), ir::Shape(x.begin() + 2, x.end()));
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  k.outputs = {n.outputs[0]};
  return k;
}

// --- int8: group 1, 1-D and 2-D; the weights re-laid channel-major by
// layer_int8_constants (channel_major_weights) ---
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  if (std::string why = layer_constants_form(g, n); !why.empty()) return why;
  if (ir::attr_int(n.attrs, "group", 1) != 1) return "a grouped ConvTranspose has no int8 form yet";
  const ir::Shape& w = g.tensor(n.inputs[1]).shape;
  if (const int64_t taps = ir::shape_elements(w) / (w.size() > 1 && w[1] > 0 ? w[1] : 1); taps > kMaxInt8Taps)
    return too_deep_for_int8(taps);
  return "";
}

const Int8Rule int8_rule = {int8_form, 1, /*quantizes_inputs=*/true, nullptr, nullptr, layer_int8_constants};

}  // namespace

extern const OpDef op_ConvTranspose = {"ConvTranspose", infer, nullptr, cost, lower, false, nullptr, &int8_rule};

}  // namespace mote::ops
