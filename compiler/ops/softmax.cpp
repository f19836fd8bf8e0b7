// Softmax along one axis (opset 13 semantics; older models are converted first). Kernel: softmax.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  require_float(ctx, 0);
  ctx.require(ctx.opset() >= 13, "Softmax before opset 13 is not supported");
  ctx.axis(ctx.attr_int("axis", -1), ctx.rank(0));
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  const auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(x.size())));
  KernelCall k{"softmax.h", "softmax", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"outer", ir::shape_elements(ir::Shape(x.begin(), x.begin() + static_cast<long>(axis)))},
              {"axis_len", x[axis]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + static_cast<long>(axis) + 1, x.end()))}};
  return k;
}

}  // namespace

extern const OpDef op_Softmax = {"Softmax", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
