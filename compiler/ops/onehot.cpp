// OneHot: depth must be constant (it sets the output shape); indices (any
// integer or float type) and the off/on values are read at run time. Kernel:
// onehot.h.
#include <cmath>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

int64_t depth_of(const InferContext& ctx) {
  ctx.require(ctx.input(1).elements() == 1, "depth must be a scalar");
  const double d = ctx.const_doubles(1, "depth")[0];
  ctx.require(std::isfinite(d) && d >= 1 && d < 1e9, "depth {} is not supported", d);
  return static_cast<int64_t>(d);  // ONNX truncates a float depth
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  const ir::DType i = ctx.dtype(0), t = ctx.dtype(2);
  ctx.require(ir::dtype_is_float(i) || (ir::dtype_is_integer(i) && i != ir::DType::kU64),
              "indices of type {} are not supported", ir::dtype_name(i));
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.input(2).elements() == 2, "values must have two elements (off, on)");
  const int64_t depth = depth_of(ctx);
  const ir::Shape& s = ctx.shape(0);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(s.size()) + 1);
  ir::Shape y = s;
  y.insert(y.begin() + axis, depth);
  ctx.set_output(0, t, y);
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape& s = ctx.shape(0);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(s.size()) + 1);
  KernelCall k{"onehot.h", "onehot", {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(2))}, {},
               {n.inputs[0], n.inputs[2]}, {n.outputs[0]}};
  k.params = {{"outer", ir::shape_elements(ir::Shape(s.begin(), s.begin() + axis))},
              {"inner", ir::shape_elements(ir::Shape(s.begin() + axis, s.end()))},
              {"depth", depth_of(ctx)}};
  return k;
}

}  // namespace

extern const OpDef op_OneHot = {"OneHot", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
