// TopK: K must be constant (it sets the output shapes); largest, sorted, any
// axis; values and int64 indices. Kernel: topk.h. On equal values the lower
// index comes first, as ONNX asks; unsorted output is returned sorted, which
// is one of the orders ONNX allows.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

int64_t k_of(const InferContext& ctx) {
  if (ctx.opset() < 10) return ctx.attr_int("k", -1);
  ctx.require(ctx.input(1).elements() == 1, "K must have one element");
  return ctx.const_ints(1, "K")[0];
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "largest", "sorted", "k"});
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_is_float(t) || ir::dtype_is_integer(t), "element type {} is not supported",
              ir::dtype_name(t));
  ctx.require(ctx.rank(0) >= 1, "the input must have rank >= 1");
  const std::vector<ir::TensorId>& outs = ctx.node().outputs;
  ctx.require(outs.size() == 2 && outs[0] != ir::kNoTensor && outs[1] != ir::kNoTensor,
              "both outputs (values and indices) must be used");
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), ctx.rank(0));
  ir::Shape y = ctx.shape(0);
  const int64_t k = k_of(ctx);
  ctx.require(k >= 0 && k <= y[static_cast<size_t>(axis)], "K = {} is out of range for an axis of {}", k,
              y[static_cast<size_t>(axis)]);
  y[static_cast<size_t>(axis)] = k;
  ctx.set_output(0, t, y);
  ctx.set_output(1, ir::DType::kI64, y);
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape& x = ctx.shape(0);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), ctx.rank(0));
  KernelCall c{"topk.h", "topk", {ir::dtype_ctype(ctx.dtype(0))}, {}, {n.inputs[0]}, n.outputs};
  c.params = {{"outer", ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis))},
              {"n", x[static_cast<size_t>(axis)]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + axis + 1, x.end()))},
              {"k", k_of(ctx)},
              {"largest", int64_t{ctx.attr_int("largest", 1) != 0 ? 1 : 0}}};
  return c;
}

}  // namespace

extern const OpDef op_TopK = {"TopK", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
