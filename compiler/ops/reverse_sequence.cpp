// ReverseSequence: batch and time axes 0 and 1 (either order), any element
// type; the lengths are read at run time and clamped to the time axis. Kernel:
// reverse_sequence.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"batch_axis", "time_axis"});
  const ir::DType t = ctx.dtype(0), l = ctx.dtype(1);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(l == ir::DType::kI64 || l == ir::DType::kI32, "sequence_lens must be int64");
  ctx.require(ctx.rank(0) >= 2, "the input must have rank >= 2");
  const int64_t b = ctx.attr_int("batch_axis", 1), tm = ctx.attr_int("time_axis", 0);
  ctx.require((b == 0 && tm == 1) || (b == 1 && tm == 0), "batch_axis and time_axis must be 0 and 1");
  ctx.require(ctx.shape(1) == ir::Shape{ctx.shape(0)[static_cast<size_t>(b)]},
              "sequence_lens must have one entry per batch element");
  ctx.set_output(0, t, ctx.shape(0));
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape& x = ctx.shape(0);
  const int64_t inner = ir::shape_elements(ir::Shape(x.begin() + 2, x.end()));
  const bool batch_first = ctx.attr_int("batch_axis", 1) == 0;
  KernelCall k{"reverse_sequence.h", "reverse_sequence", {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(1))},
               {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"batch", x[batch_first ? 0 : 1]},
              {"steps", x[batch_first ? 1 : 0]},
              {"inner", inner},
              {"batch_stride", batch_first ? x[1] * inner : inner},
              {"time_stride", batch_first ? inner : x[1] * inner}};
  return k;
}

}  // namespace

extern const OpDef op_ReverseSequence = {"ReverseSequence", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
