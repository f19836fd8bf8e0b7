// Trilu: the upper or lower triangle of the last two axes, any element type.
// k need not be constant: it changes no shape, so the kernel (trilu.h) reads it
// at run time.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"upper"});
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.rank(0) >= 2, "the input must have rank >= 2, not {}", ir::shape_str(ctx.shape(0)));
  if (ctx.has_input(1)) {
    ctx.require(ctx.dtype(1) == ir::DType::kI64, "k must be int64");
    ctx.require(ctx.input(1).elements() == 1, "k must be a scalar");
  }
  ctx.set_output(0, t, ctx.shape(0));
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor& x = in(g, n, 0);
  const ir::Shape& s = x.shape;
  const int64_t rows = s[s.size() - 2], cols = s[s.size() - 1];
  KernelCall k{"trilu.h", "trilu", {ir::dtype_ctype(x.dtype)}, {},
               {n.inputs[0], has_in(n, 1) ? n.inputs[1] : ir::kNoTensor}, {n.outputs[0]}};
  k.params = {{"batches", rows * cols != 0 ? x.elements() / (rows * cols) : 0},
              {"rows", rows},
              {"cols", cols},
              {"upper", InferContext(g, n).attr_int("upper", 1) != 0 ? int64_t{1} : int64_t{0}}};
  return k;
}

}  // namespace

extern const OpDef op_Trilu = {"Trilu", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
