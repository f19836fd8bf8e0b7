// Softmax, LogSoftmax and Hardmax. From opset 13 along one axis; before it, over the
// input coerced to 2-D at `axis` (default 1). Kernels: softmax.h; softmax_s8.h for
// the int8 Softmax pass quantize-int8 writes (int8 input and output, each with one
// scale and zero point, the output's scale 1 / an integer up to 256).
#include <cmath>

#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace {

// The longest axis softmax_s8.h's 32-bit sums allow (2^16 per element).
constexpr int64_t kMaxS8AxisLen = 32768;

bool s8_form(const ir::Graph& g, const ir::Node& n) { return is_s8_quantized(in(g, n, 0)); }

// 1 / scale when it is an integer in [1, 256] (to float precision), else 0.
int64_t integer_reciprocal(float scale) {
  if (!(scale > 0)) return 0;
  const double r = std::round(1.0 / static_cast<double>(scale));
  if (r < 1 || r > 256 || std::fabs(r * static_cast<double>(scale) - 1) > 1e-6) return 0;
  return static_cast<int64_t>(r);
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  const ir::Node& n = ctx.node();
  if (n.op == "Softmax" && s8_form(ctx.graph(), n)) {
    const ir::Tensor& y = out(ctx.graph(), n, 0);
    ctx.require(is_s8_quantized(y) && y.quant.zero_point[0] >= -128 && y.quant.zero_point[0] <= 127,
                "int8 form: the output needs one scale and an int8 zero point");
    ctx.require(integer_reciprocal(y.quant.scale[0]) > 0, "int8 form: the output scale must be 1/k, k in 1..256");
    ctx.require(ctx.input(0).quant.scale[0] > 0, "int8 form: the input scale must be positive");
  } else {
    require_float(ctx, 0);
  }
  ctx.require(ctx.rank(0) >= 1, "input must have at least one dimension");
  ctx.axis(ctx.attr_int("axis", ctx.opset() >= 13 ? -1 : 1), ctx.rank(0));
  // An empty axis would leave no maximum to start from.
  ctx.require(ctx.input(0).elements() > 0, "empty tensors are not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

Cost cost(const ir::Graph& g, const ir::Node& n) { return {in(g, n, 0).elements()}; }

// The tensor viewed as (outer, axis_len, inner), the kernel reducing the middle.
KernelCall lower_with(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  const bool coerce_2d = ctx.opset() < 13;
  const auto axis = static_cast<long>(ctx.axis(ctx.attr_int("axis", coerce_2d ? 1 : -1), static_cast<int64_t>(x.size())));
  const ir::Shape before(x.begin(), x.begin() + axis);
  const ir::Shape middle(x.begin() + axis, coerce_2d ? x.end() : x.begin() + axis + 1);
  const ir::Shape after(x.begin() + axis + static_cast<long>(middle.size()), x.end());
  KernelCall k{"softmax.h", kernel, {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"outer", ir::shape_elements(before)},
              {"axis_len", ir::shape_elements(middle)},
              {"inner", ir::shape_elements(after)}};
  return k;
}

// exp(-x_scale * d) in Q16 for every difference d from the maximum an int8 input can have.
std::vector<int64_t> exp_table(float x_scale) {
  std::vector<int64_t> t(256);
  for (size_t d = 0; d < t.size(); ++d)
    t[d] = static_cast<int64_t>(std::lround(65536.0 * std::exp(-static_cast<double>(x_scale) * static_cast<double>(d))));
  return t;
}

KernelCall softmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  if (!s8_form(g, n)) return lower_with(g, n, "softmax");
  KernelCall k = lower_with(g, n, "softmax_s8");
  k.file = "softmax_s8.h";
  k.type_args.clear();
  if (std::get<int64_t>(k.params[1].value) > kMaxS8AxisLen)
    throw support::Refusal(fmt::format("int8 form: at most {} elements along the axis", kMaxS8AxisLen));
  const ir::QuantParams &x = in(g, n, 0).quant, &y = out(g, n, 0).quant;
  k.params.push_back({"out_zp", int64_t{y.zero_point[0]}});
  k.params.push_back({"inv_out_scale", integer_reciprocal(y.scale[0])});
  k.params.push_back({"exp_table", exp_table(x.scale[0])});
  return k;
}
KernelCall log_softmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "log_softmax");
}
KernelCall hardmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "hardmax");
}

// --- int8: an int8 input's Softmax, integer only. Its 32-bit sums take at most
// 32768 values along the axis. ---
std::string softmax_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 1 || n.outputs.size() != 1) return "it has more than one input or output";
  const ir::Shape& x = g.tensor(n.inputs[0]).shape;
  const auto rank = static_cast<int64_t>(x.size());
  const bool coerce_2d = n.opset < 13;
  int64_t axis = ir::attr_int(n.attrs, "axis", coerce_2d ? 1 : -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return "its axis is out of range";
  const int64_t len = coerce_2d ? ir::shape_elements(ir::Shape(x.begin() + axis, x.end())) : x[static_cast<size_t>(axis)];
  if (len > 32768) return "its axis is longer than 32768 (the int8 Softmax's table)";
  return "";
}

// TFLite's int8 Softmax output: probabilities in steps of 1/256 over the whole int8 range.
ir::QuantParams softmax_int8_output(const ir::Node&, const ir::QuantParams&) {
  ir::QuantParams q;
  q.scale = {1.0f / 256};
  q.zero_point = {-128};
  return q;
}

const Int8Rule softmax_int8 = {softmax_int8_form, 1, false, softmax_int8_output};

}  // namespace

extern const OpDef op_Hardmax = {"Hardmax", infer, nullptr, cost, hardmax_lower};
extern const OpDef op_LogSoftmax = {"LogSoftmax", infer, nullptr, cost, log_softmax_lower};
extern const OpDef op_Softmax = {"Softmax", infer, nullptr, cost, softmax_lower, false, nullptr, &softmax_int8};

}  // namespace mote::ops
