// BatchNormalization, inference mode. Kernel: normalization.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void infer(InferContext& ctx) {
  ctx.allow_attrs({"epsilon", "momentum", "training_mode", "spatial"});
  require_float(ctx, 0);
  ctx.require(ctx.attr_int("training_mode", 0) == 0, "training_mode is not supported");
  ctx.require(ctx.attr_int("spatial", 1) == 1, "spatial=0 is not supported");
  ctx.require(ctx.rank(0) >= 2, "input must have a channel axis");
  const int64_t c = ctx.shape(0)[1];
  for (size_t i = 1; i <= 4; ++i) {
    ctx.require(ctx.shape(i) == ir::Shape{c}, "input {} must have shape [{}]", i, c);
    ctx.require(ctx.dtype(i) == ctx.dtype(0), "input {} element type differs from X", i);
  }
  for (size_t i = 1; i < ctx.num_outputs(); ++i)
    ctx.require(ctx.node().outputs[i] == ir::kNoTensor, "training outputs (running mean/var) are not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Shape& x = in(g, n, 0).shape;
  InferContext ctx(g, n);
  KernelCall k{"normalization.h", "batch_norm", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {n.outputs[0]}};
  k.params = {{"N", x[0]},
              {"C", x[1]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))},
              {"epsilon", ctx.attr_float("epsilon", 1e-5)}};
  k.inputs = {n.inputs[0], n.inputs[1], n.inputs[2], n.inputs[3], n.inputs[4]};
  return k;
}

}  // namespace

extern const OpDef op_BatchNormalization = {"BatchNormalization", infer, nullptr, nullptr, lower};

}  // namespace mote::ops
