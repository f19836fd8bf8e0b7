// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: reduction none, sum and
// mean, ignore_index, class weights, SCE's optional log_prob. Kernels: loss.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

int64_t reduction_code(const InferContext& ctx) {
  const std::string r = ctx.attr_string("reduction", "mean");
  if (r == "none") return 0;
  if (r == "sum") return 1;
  ctx.require(r == "mean", "reduction '{}' is not supported", r);
  return 2;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"ignore_index", "reduction"});
  require_float(ctx, 0);
  const ir::Shape& x = ctx.shape(0);
  ctx.require(x.size() >= 2, "input must be (N, C, ...)");
  ctx.require(ctx.dtype(1) == ir::DType::kI32 || ctx.dtype(1) == ir::DType::kI64, "labels must be int32 or int64");
  ir::Shape lbl(x.begin(), x.end());
  lbl.erase(lbl.begin() + 1);
  ctx.require(ctx.shape(1) == lbl, "labels have shape {}, expected {}", ir::shape_str(ctx.shape(1)),
              ir::shape_str(lbl));
  if (ctx.has_input(2)) {
    ctx.require(ctx.shape(2) == ir::Shape{x[1]}, "weights must have shape [{}]", x[1]);
    ctx.require(ctx.dtype(2) == ctx.dtype(0), "weights element type differs from the input");
  }
  ctx.require(x[1] > 0, "there must be at least one class");
  const int64_t red = reduction_code(ctx);
  ctx.set_output(0, ctx.dtype(0), red == 0 ? lbl : ir::Shape{});
  ctx.set_output(1, ctx.dtype(0), x);  // SoftmaxCrossEntropyLoss's log_prob
}

Cost cost(const ir::Graph& g, const ir::Node& n) { return {in(g, n, 0).elements()}; }

KernelCall lower_with(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"loss.h",
               kernel,
               {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 1).dtype)},
               {},
               {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor},
               {n.outputs[0]}};
  k.params = {{"N", x[0]},
              {"C", x[1]},
              {"inner", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))},
              {"has_weight", int64_t{has_in(n, 2)}},
              {"has_ignore", int64_t{ctx.has_attr("ignore_index")}},
              {"ignore_index", ctx.attr_int("ignore_index", 0)},
              {"reduction", reduction_code(ctx)}};
  return k;
}

KernelCall nll_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "nll_loss");
}

KernelCall sce_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = lower_with(g, n, "sce_loss");
  k.outputs.push_back(n.outputs.size() > 1 ? n.outputs[1] : ir::kNoTensor);
  return k;
}

void nll_infer(InferContext& ctx) {
  ctx.require(ctx.num_outputs() == 1, "NegativeLogLikelihoodLoss has one output");
  infer(ctx);
}

}  // namespace

extern const OpDef op_NegativeLogLikelihoodLoss = {"NegativeLogLikelihoodLoss", nll_infer, nullptr, cost, nll_lower};
extern const OpDef op_SoftmaxCrossEntropyLoss = {"SoftmaxCrossEntropyLoss", infer, nullptr, cost, sce_lower};

}  // namespace mote::ops
