// QLinearMatMul, QLinearConv, MatMulInteger and ConvInteger on uint8 / int8:
// (q - zero_point) products accumulated in int32; the QLinear forms requantize
// with the multiplier a_scale * b_scale / y_scale as ONNX's reference does.
// Per-channel scales and zero points: B's columns (QLinearMatMul, MatMulInteger),
// the weight's output channels (QLinearConv, ConvInteger). Kernels: quant.h.
#include <climits>

#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace {

// The int32 accumulator of k products of two 8-bit values less their zero
// points (each at most 255 in magnitude) must not overflow.
void require_no_overflow(const InferContext& ctx, int64_t k) {
  ctx.require(k <= INT32_MAX / (255 * 255), "{} products per output could overflow the int32 accumulator", k);
}

// --- MatMul forms ---------------------------------------------------------


MatMulShapes matmul_of(const InferContext& ctx, size_t a, size_t b) {
  MatMulShapes s;
  ctx.require(ctx.rank(a) >= 1 && ctx.rank(b) >= 1 && matmul_shapes(ctx.shape(a), ctx.shape(b), s),
              "shapes {} and {} cannot be multiplied", ir::shape_str(ctx.shape(a)), ir::shape_str(ctx.shape(b)));
  require_no_overflow(ctx, s.k);
  return s;
}

// QLinearMatMul inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
void qlinear_matmul_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() == 8, "expects 8 inputs, has {}", ctx.num_inputs());
  require_q8(ctx, 0, "a");
  require_q8(ctx, 3, "b");
  ctx.require(ctx.has_input(7), "y_zero_point is required (it gives the output type)");
  require_q8(ctx, 7, "y_zero_point");
  const MatMulShapes s = matmul_of(ctx, 0, 3);
  // Per-row a and y (allowed by the opset-10 text) are refused: runtimes and
  // ONNX's reference disagree on them; per-column b is the common per-channel form.
  require_qparam(ctx, 1, true, 1, 0, "a_scale");
  require_qparam(ctx, 2, false, 1, 0, "a_zero_point");
  require_qparam(ctx, 4, true, s.n, 3, "b_scale");
  require_qparam(ctx, 5, false, s.n, 3, "b_zero_point");
  require_qparam(ctx, 6, true, 1, 7, "y_scale");
  require_qparam(ctx, 7, false, 1, 7, "y_zero_point");
  ctx.set_output(0, ctx.dtype(7), s.y);
}

// MatMulInteger inputs: A, B, a_zero_point, b_zero_point.
void matmul_integer_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  require_q8(ctx, 0, "A");
  require_q8(ctx, 1, "B");
  const MatMulShapes s = matmul_of(ctx, 0, 1);
  require_qparam(ctx, 2, false, 1, 0, "a_zero_point (per row is not supported)");
  require_qparam(ctx, 3, false, s.n, 1, "b_zero_point");
  ctx.set_output(0, ir::DType::kI32, s.y);
}

MatMulShapes matmul_of(const ir::Graph& g, const ir::Node& n, size_t a, size_t b) {
  MatMulShapes s;
  matmul_shapes(in(g, n, a).shape, in(g, n, b).shape, s);
  return s;
}

// batch, M, N, K and each batch's operand offsets, as matmul in gemm.cpp.
void add_matmul_params(KernelCall& k, const MatMulShapes& s) {
  const ir::Shape ab(s.a.begin(), s.a.end() - 2), bb(s.b.begin(), s.b.end() - 2);
  const auto sa = broadcast_strides(ab, s.batch), sb = broadcast_strides(bb, s.batch);
  const auto bst = row_major_strides(s.batch);
  const int64_t batch = ir::shape_elements(s.batch);
  std::vector<int64_t> a_off, b_off;
  for (int64_t i = 0; i < batch; ++i) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d < s.batch.size(); ++d) {
      const int64_t idx = (i / bst[d]) % s.batch[d];
      oa += idx * sa[d];
      ob += idx * sb[d];
    }
    a_off.push_back(oa * s.m * s.k);
    b_off.push_back(ob * s.k * s.n);
  }
  k.params = {{"batch", batch}, {"M", s.m}, {"N", s.n}, {"K", s.k}, {"a_offsets", a_off}, {"b_offsets", b_off}};
}

Cost qlinear_matmul_cost(const ir::Graph& g, const ir::Node& n) {
  const MatMulShapes s = matmul_of(g, n, 0, 3);
  return {ir::shape_elements(s.batch) * s.m * s.n * s.k};
}

Cost matmul_integer_cost(const ir::Graph& g, const ir::Node& n) {
  const MatMulShapes s = matmul_of(g, n, 0, 1);
  return {ir::shape_elements(s.batch) * s.m * s.n * s.k};
}

KernelCall qlinear_matmul_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"quant.h", "qlinear_matmul",
               {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 3).dtype), ir::dtype_ctype(out(g, n, 0).dtype)},
               {}, {}, {}};
  add_matmul_params(k, matmul_of(g, n, 0, 3));
  k.inputs = {n.inputs[0]};
  add_qparam(k, g, n, 1, "a_scale");
  add_qparam(k, g, n, 2, "a_zp");
  k.inputs.push_back(n.inputs[3]);
  add_qparam(k, g, n, 4, "b_scale");
  add_qparam(k, g, n, 5, "b_zp");
  add_qparam(k, g, n, 6, "y_scale");
  add_qparam(k, g, n, 7, "y_zp");
  k.outputs = {n.outputs[0]};
  return k;
}

KernelCall matmul_integer_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"quant.h", "matmul_integer", {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 1).dtype)},
               {}, {}, {}};
  add_matmul_params(k, matmul_of(g, n, 0, 1));
  k.inputs = {n.inputs[0], n.inputs[1]};
  add_qparam(k, g, n, 2, "a_zp");
  add_qparam(k, g, n, 3, "b_zp");
  k.outputs = {n.outputs[0]};
  return k;
}

// --- Conv forms ------------------------------------------------------------

// The rule of Conv (conv.cpp) for data input x and weight input w: 1-D and 2-D,
// grouped; returns the output shape.
ir::Shape conv_output(const InferContext& ctx, size_t xi, size_t wi) {
  ctx.allow_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const ir::Shape& x = ctx.shape(xi);
  const ir::Shape& w = ctx.shape(wi);
  ctx.require(x.size() == 3 || x.size() == 4, "only 1-D and 2-D convolutions are supported (input rank {})", x.size());
  ctx.require(w.size() == x.size(), "weight rank {} does not match input rank {}", w.size(), x.size());
  const int64_t group = ctx.attr_int("group", 1);
  ctx.require(group > 0 && x[1] % group == 0 && w[0] % group == 0, "group {} does not divide the channels", group);
  ctx.require(w[1] * group == x[1], "weight has {} input channels per group, input has {} channels in {} groups",
              w[1], x[1], group);
  const std::vector<int64_t> kernel(w.begin() + 2, w.end());
  if (ctx.has_attr("kernel_shape"))
    ctx.require(ctx.attr_ints("kernel_shape") == kernel, "kernel_shape does not match the weight");
  require_no_overflow(ctx, ir::shape_elements(ir::Shape(w.begin() + 1, w.end())));
  const Window win = spatial_window(ctx, ir::Shape(x.begin() + 2, x.end()), kernel, false);
  ir::Shape y{x[0], w[0]};
  y.insert(y.end(), win.out.begin(), win.out.end());
  return y;
}

// QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
void qlinear_conv_infer(InferContext& ctx) {
  require_q8(ctx, 0, "x");
  require_q8(ctx, 3, "w");
  ctx.require(ctx.has_input(7), "y_zero_point is required (it gives the output type)");
  require_q8(ctx, 7, "y_zero_point");
  const ir::Shape y = conv_output(ctx, 0, 3);
  const int64_t m = ctx.shape(3)[0];
  require_qparam(ctx, 1, true, 1, 0, "x_scale");
  require_qparam(ctx, 2, false, 1, 0, "x_zero_point");
  require_qparam(ctx, 4, true, m, 3, "w_scale");
  require_qparam(ctx, 5, false, m, 3, "w_zero_point");
  require_qparam(ctx, 6, true, 1, 7, "y_scale");
  require_qparam(ctx, 7, false, 1, 7, "y_zero_point");
  if (ctx.has_input(8)) {
    ctx.require(ctx.dtype(8) == ir::DType::kI32, "bias must be int32, not {}", ir::dtype_name(ctx.dtype(8)));
    ctx.require(ctx.shape(8) == ir::Shape{m}, "bias must have shape [{}]", m);
  }
  ctx.set_output(0, ctx.dtype(7), y);
}

// ConvInteger inputs: x, w, x_zero_point, w_zero_point.
void conv_integer_infer(InferContext& ctx) {
  require_q8(ctx, 0, "x");
  require_q8(ctx, 1, "w");
  const ir::Shape y = conv_output(ctx, 0, 1);
  require_qparam(ctx, 2, false, 1, 0, "x_zero_point");
  require_qparam(ctx, 3, false, ctx.shape(1)[0], 1, "w_zero_point");
  ctx.set_output(0, ir::DType::kI32, y);
}

Cost conv_cost(const ir::Graph& g, const ir::Node& n, size_t wi) {
  const ir::Shape& w = in(g, n, wi).shape;
  return {out(g, n, 0).elements() * ir::shape_elements(ir::Shape(w.begin() + 1, w.end()))};
}
Cost qlinear_conv_cost(const ir::Graph& g, const ir::Node& n) { return conv_cost(g, n, 3); }
Cost conv_integer_cost(const ir::Graph& g, const ir::Node& n) { return conv_cost(g, n, 1); }

// N, C, M, G and the window, as conv2d in conv.h.
void add_conv_params(KernelCall& k, const ir::Graph& g, const ir::Node& n, size_t wi) {
  const ir::Shape& x = in(g, n, 0).shape;
  const ir::Shape& w = in(g, n, wi).shape;
  InferContext ctx(g, n);
  const ir::Shape sp(x.begin() + 2, x.end());
  k.params = {{"N", x[0]}, {"C", x[1]}, {"M", w[0]}, {"G", ctx.attr_int("group", 1)}};
  add_window_params(k.params, spatial_window(ctx, sp, std::vector<int64_t>(w.begin() + 2, w.end()), false), sp);
}

KernelCall qlinear_conv_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"quant.h", "qlinear_conv",
               {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 3).dtype), ir::dtype_ctype(out(g, n, 0).dtype)},
               {}, {}, {}};
  add_conv_params(k, g, n, 3);
  k.params.push_back({"has_bias", int64_t{has_in(n, 8)}});
  k.inputs = {n.inputs[0]};
  add_qparam(k, g, n, 1, "x_scale");
  add_qparam(k, g, n, 2, "x_zp");
  k.inputs.push_back(n.inputs[3]);
  add_qparam(k, g, n, 4, "w_scale");
  add_qparam(k, g, n, 5, "w_zp");
  add_qparam(k, g, n, 6, "y_scale");
  add_qparam(k, g, n, 7, "y_zp");
  k.inputs.push_back(has_in(n, 8) ? n.inputs[8] : ir::kNoTensor);
  k.outputs = {n.outputs[0]};
  return k;
}

KernelCall conv_integer_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"quant.h", "conv_integer", {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 1).dtype)},
               {}, {}, {}};
  add_conv_params(k, g, n, 1);
  k.inputs = {n.inputs[0], n.inputs[1]};
  add_qparam(k, g, n, 2, "x_zp");
  add_qparam(k, g, n, 3, "w_zp");
  k.outputs = {n.outputs[0]};
  return k;
}

}  // namespace

extern const OpDef op_QLinearMatMul = {"QLinearMatMul", qlinear_matmul_infer, nullptr, qlinear_matmul_cost,
                                       qlinear_matmul_lower};
extern const OpDef op_MatMulInteger = {"MatMulInteger", matmul_integer_infer, nullptr, matmul_integer_cost,
                                       matmul_integer_lower};
extern const OpDef op_QLinearConv = {"QLinearConv", qlinear_conv_infer, nullptr, qlinear_conv_cost, qlinear_conv_lower};
extern const OpDef op_ConvInteger = {"ConvInteger", conv_integer_infer, nullptr, conv_integer_cost, conv_integer_lower};

}  // namespace mote::ops
