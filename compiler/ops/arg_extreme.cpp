// ArgMax and ArgMin: axis, keepdims, select_last_index; int64 output. Kernel:
// arg_extreme.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "keepdims", "select_last_index"});
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_is_float(t) || ir::dtype_is_integer(t), "element type {} is not supported",
              ir::dtype_name(t));
  ctx.require(ctx.rank(0) >= 1, "the input must have rank >= 1");
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
  ir::Shape y = ctx.shape(0);
  ctx.require(y[static_cast<size_t>(axis)] > 0, "cannot reduce an empty axis");
  if (ctx.attr_int("keepdims", 1) != 0)
    y[static_cast<size_t>(axis)] = 1;
  else
    y.erase(y.begin() + axis);
  ctx.set_output(0, ir::DType::kI64, y);
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape& x = ctx.shape(0);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
  KernelCall k{"arg_extreme.h", "arg_extreme", {ir::dtype_ctype(ctx.dtype(0))}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"outer", ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis))},
              {"n", x[static_cast<size_t>(axis)]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + axis + 1, x.end()))},
              {"is_max", int64_t{n.op == "ArgMax" ? 1 : 0}},
              {"select_last", int64_t{ctx.attr_int("select_last_index", 0) != 0 ? 1 : 0}}};
  return k;
}

}  // namespace

extern const OpDef op_ArgMax = {"ArgMax", infer, nullptr, nullptr, lower};
extern const OpDef op_ArgMin = {"ArgMin", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
