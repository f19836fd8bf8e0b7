// Conv: 1-D and 2-D, grouped and depthwise, with bias. Kernel: conv.h; conv_s8.h
// for the int8 form pass quantize-int8 writes (int8 input, constant int8 weight,
// int32 bias, quantization parameters on the tensors), and its int16 form (--int16).
#include "compiler/ops/quant_common.h"

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

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, 1).shape;
  const bool s16 = in(g, n, 0).dtype == ir::DType::kI16;
  const bool s8 = in(g, n, 0).dtype == ir::DType::kI8 || s16;
  KernelCall k{"conv.h", "conv2d", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  if (s8) k = KernelCall{"conv_s8.h", s16 ? "conv2d_s16_baked" : "conv2d_s8_baked", {}, {}, {}, {}};
  InferContext ctx(g, n);
  k.params = {{"N", x[0]}, {"C", x[1]}, {"M", w[0]}, {"G", ctx.attr_int("group", 1)},
              {"has_bias", int64_t{has_in(n, 2)}}};
  add_window_params(k.params, window_of(g, n), ir::Shape(x.begin() + 2, x.end()));
  if (s8) add_s8_layer_params(k.params, g, n);
  else add_activation(k.params, ctx);
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  k.outputs = {n.outputs[0]};
  return k;
}

}  // namespace

extern const OpDef op_Conv = {"Conv", infer, nullptr, cost, lower};

}  // namespace mote::ops
