// CumSum: exclusive and reverse, numeric element types. The axis need not be
// constant: it changes no shape, so the kernel (cumsum.h) picks the layout for
// it at run time from per-axis tables computed here.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"exclusive", "reverse"});
  const ir::DType t = ctx.dtype(0), a = ctx.dtype(1);
  ctx.require(ir::dtype_is_float(t) || t == ir::DType::kI32 || t == ir::DType::kI64 || t == ir::DType::kU32 ||
                  t == ir::DType::kU64,
              "element type {} is not supported", ir::dtype_name(t));
  ctx.require(a == ir::DType::kI32 || a == ir::DType::kI64, "axis must be int32 or int64");
  ctx.require(ctx.input(1).elements() == 1, "axis must be a scalar");
  ctx.require(ctx.rank(0) >= 1, "the input must have rank >= 1");
  if (ctx.is_const(1)) ctx.axis(ctx.const_ints(1, "axis")[0], ctx.rank(0));
  ctx.set_output(0, t, ctx.shape(0));
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape& x = ctx.shape(0);
  std::vector<int64_t> outer, len, inner;
  for (size_t a = 0; a < x.size(); ++a) {
    outer.push_back(ir::shape_elements(ir::Shape(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(a))));
    len.push_back(x[a]);
    inner.push_back(ir::shape_elements(ir::Shape(x.begin() + static_cast<std::ptrdiff_t>(a) + 1, x.end())));
  }
  KernelCall k{"cumsum.h", "cumsum", {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(1))}, {},
               {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", ir::shape_elements(x)},
              {"rank", static_cast<int64_t>(x.size())},
              {"outer", outer},
              {"n", len},
              {"inner", inner},
              {"exclusive", int64_t{ctx.attr_int("exclusive", 0) != 0 ? 1 : 0}},
              {"reverse", int64_t{ctx.attr_int("reverse", 0) != 0 ? 1 : 0}}};
  return k;
}

}  // namespace

extern const OpDef op_CumSum = {"CumSum", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
