// Reductions: ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd,
// ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, over any
// set of axes, with keepdims and noop_with_empty_axes. One kernel (reduce.h)
// parameterised by an accumulator type.
#include <set>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

// Axes are an input for ReduceSum from opset 13 (for every reduction from 18),
// an attribute otherwise; empty means all axes unless noop_with_empty_axes.
struct Reduction {
  std::set<int64_t> axes;
  bool keepdims = true;
  bool noop = false;  // empty axes with noop_with_empty_axes: the output is the input
};

Reduction reduction_of(const InferContext& ctx) {
  Reduction r;
  const int64_t rank = ctx.rank(0);
  const std::vector<int64_t> given = ctx.has_input(1) ? ctx.const_ints(1, "axes") : ctx.attr_ints("axes");
  for (int64_t a : given) ctx.require(r.axes.insert(ctx.axis(a, rank)).second, "axis {} repeated", a);
  r.keepdims = ctx.attr_int("keepdims", 1) != 0;
  if (given.empty()) {
    r.noop = ctx.attr_int("noop_with_empty_axes", 0) != 0;
    if (!r.noop)
      for (int64_t d = 0; d < rank; ++d) r.axes.insert(d);
  }
  return r;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axes", "keepdims", "noop_with_empty_axes"});
  require_float(ctx, 0);
  const Reduction r = reduction_of(ctx);
  const ir::Shape& x = ctx.shape(0);
  if (r.noop) return ctx.set_output(0, ctx.dtype(0), x);
  ir::Shape y;
  int64_t reduced = 1;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!r.axes.count(static_cast<int64_t>(d))) {
      y.push_back(x[d]);
      continue;
    }
    reduced *= x[d];
    if (r.keepdims) y.push_back(1);
  }
  // ONNX gives reductions over nothing identity values some runtimes disagree on.
  ctx.require(reduced > 0 || ir::shape_elements(y) == 0, "reducing an empty set of elements is not supported");
  ctx.set_output(0, ctx.dtype(0), y);
}

Cost cost(const ir::Graph& g, const ir::Node& n) { return {in(g, n, 0).elements()}; }

// Reduced and kept axes of the input, dimensions of 1 dropped and neighbours of
// the same kind merged: each group is one odometer digit in the kernel.
struct Groups {
  std::vector<int64_t> shape, strides;
  void add(int64_t size, int64_t stride, bool merge) {
    if (merge) {
      shape.back() *= size;
      strides.back() = stride;
    } else {
      shape.push_back(size);
      strides.push_back(stride);
    }
  }
};

KernelCall lower_with(const ir::Graph& g, const ir::Node& n, const char* acc) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  const char* ct = ir::dtype_ctype(x.dtype);
  const Reduction r = reduction_of(InferContext(g, n));
  if (r.noop) return KernelCall{"common.h", "copy", {ct}, {{"count", x.elements()}}, {n.inputs[0]}, {n.outputs[0]}};
  const std::vector<int64_t> st = row_major_strides(x.shape);
  Groups kept, red;
  int last = -1;  // kind of the previous non-trivial axis: 0 kept, 1 reduced
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (x.shape[d] == 1) continue;
    const int kind = r.axes.count(static_cast<int64_t>(d)) ? 1 : 0;
    (kind ? red : kept).add(x.shape[d], st[d], kind == last);
    last = kind;
  }
  KernelCall k{"reduce.h", "reduce", {ct, fmt::format("{}<{}>", acc, ct)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"out_count", y.elements()},
              {"red_count", ir::shape_elements(red.shape)},
              {"kept_rank", static_cast<int64_t>(kept.shape.size())},
              {"kept_shape", kept.shape},
              {"kept_strides", kept.strides},
              {"red_rank", static_cast<int64_t>(red.shape.size())},
              {"red_shape", red.shape},
              {"red_strides", red.strides}};
  return k;
}

#define MOTE_REDUCE(Name, acc)                                                              \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) { \
    return lower_with(g, n, acc);                                                           \
  }
MOTE_REDUCE(ReduceMean, "red_mean")
MOTE_REDUCE(ReduceSum, "red_sum")
MOTE_REDUCE(ReduceMax, "red_max")
MOTE_REDUCE(ReduceMin, "red_min")
MOTE_REDUCE(ReduceProd, "red_prod")
MOTE_REDUCE(ReduceSumSquare, "red_sum_square")
MOTE_REDUCE(ReduceL1, "red_l1")
MOTE_REDUCE(ReduceL2, "red_l2")
MOTE_REDUCE(ReduceLogSum, "red_log_sum")
MOTE_REDUCE(ReduceLogSumExp, "red_log_sum_exp")
#undef MOTE_REDUCE

}  // namespace

extern const OpDef op_ReduceMean = {"ReduceMean", infer, nullptr, cost, ReduceMean_lower};
extern const OpDef op_ReduceSum = {"ReduceSum", infer, nullptr, cost, ReduceSum_lower};
extern const OpDef op_ReduceMax = {"ReduceMax", infer, nullptr, cost, ReduceMax_lower};
extern const OpDef op_ReduceMin = {"ReduceMin", infer, nullptr, cost, ReduceMin_lower};
extern const OpDef op_ReduceProd = {"ReduceProd", infer, nullptr, cost, ReduceProd_lower};
extern const OpDef op_ReduceSumSquare = {"ReduceSumSquare", infer, nullptr, cost, ReduceSumSquare_lower};
extern const OpDef op_ReduceL1 = {"ReduceL1", infer, nullptr, cost, ReduceL1_lower};
extern const OpDef op_ReduceL2 = {"ReduceL2", infer, nullptr, cost, ReduceL2_lower};
extern const OpDef op_ReduceLogSum = {"ReduceLogSum", infer, nullptr, cost, ReduceLogSum_lower};
extern const OpDef op_ReduceLogSumExp = {"ReduceLogSumExp", infer, nullptr, cost, ReduceLogSumExp_lower};

}  // namespace mote::ops
