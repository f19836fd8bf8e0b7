// Softmax, LogSoftmax and Hardmax. From opset 13 along one axis; before it, over the
// input coerced to 2-D at `axis` (default 1). Kernels: softmax.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  require_float(ctx, 0);
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

KernelCall softmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "softmax");
}
KernelCall log_softmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "log_softmax");
}
KernelCall hardmax_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "hardmax");
}

}  // namespace

extern const OpDef op_Hardmax = {"Hardmax", infer, nullptr, cost, hardmax_lower};
extern const OpDef op_LogSoftmax = {"LogSoftmax", infer, nullptr, cost, log_softmax_lower};
extern const OpDef op_Softmax = {"Softmax", infer, nullptr, cost, softmax_lower};

}  // namespace mote::ops
