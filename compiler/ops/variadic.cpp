// Variadic elementwise operators: Max and Min (every numeric type, NaN
// propagates), Sum and Mean (float and double), over 1..N inputs that all
// broadcast to the output. Kernels: variadic_same / variadic_broadcast in
// elementwise.h, the inputs passed as one array of pointers. Fold on constants.
#include "compiler/ops/elementwise_common.h"

namespace mote::ops {

namespace {

using eval::kFloat;
using eval::kNumeric;

std::vector<size_t> all_inputs(const InferContext& ctx) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) idx.push_back(i);
  return idx;
}

void variadic_rule(InferContext& ctx, int kinds, const char* what) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() >= 1, "needs at least one input");
  for (size_t i = 0; i < ctx.num_inputs(); ++i) ctx.require(ctx.has_input(i), "input {} is missing", i);
  require_kind(ctx, 0, kinds, what);
  require_same_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), broadcast_inputs(ctx, all_inputs(ctx)));
}

// Folds left to right with Op, as the kernels do; Mean then divides by the count.
template <class Op, int Kinds, bool Mean>
bool fold_variadic(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (!in(g, n, i).is_constant()) return false;
  const ir::Tensor& y = out(g, n, 0);
  return eval::with_type<Kinds>(y.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<std::vector<T>> xs;
    std::vector<std::vector<int64_t>> idx;
    for (size_t j = 0; j < n.inputs.size(); ++j) {
      xs.push_back(eval::elements<T>(in(g, n, j)));
      idx.push_back(eval::broadcast_index(in(g, n, j).shape, y.shape));
    }
    std::vector<T> r(idx[0].size());
    for (size_t i = 0; i < r.size(); ++i) {
      T acc = xs[0][static_cast<size_t>(idx[0][i])];
      for (size_t j = 1; j < xs.size(); ++j) acc = Op::template f<T>(acc, xs[j][static_cast<size_t>(idx[j][i])]);
      if constexpr (Mean) acc = acc / T(xs.size());
      r[i] = acc;
    }
    outs = {eval::to_bytes(r)};
  });
}

KernelCall variadic_lower(const ir::Graph& g, const ir::Node& n, const char* functor, const char* fin) {
  const ir::Tensor& y = out(g, n, 0);
  KernelCall k{"elementwise.h", "variadic_same", {ir::dtype_ctype(y.dtype), functor, fin}, {}, n.inputs,
               {n.outputs[0]}};
  k.inputs_as_array = true;
  k.params = {{"inputs", static_cast<int64_t>(n.inputs.size())}, {"count", y.elements()}};
  bool same = true;
  std::vector<int64_t> strides;
  for (size_t j = 0; j < n.inputs.size(); ++j) {
    same = same && in(g, n, j).shape == y.shape;
    const std::vector<int64_t> s = broadcast_strides(in(g, n, j).shape, y.shape);
    strides.insert(strides.end(), s.begin(), s.end());
  }
  if (!same) {
    k.kernel = "variadic_broadcast";
    k.params.push_back({"rank", static_cast<int64_t>(y.shape.size())});
    k.params.push_back({"shape", y.shape});
    k.params.push_back({"strides", strides});
  }
  return k;
}

#define MOTE_VARIADIC(Name, functor, fin, kinds, what, mean)                                          \
  void Name##_infer(InferContext& ctx) { variadic_rule(ctx, kinds, what); }                           \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {    \
    return fold_variadic<kernel_eval::functor, kinds, mean>(g, n, o);                                 \
  }                                                                                                    \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {            \
    return variadic_lower(g, n, #functor, fin);                                                        \
  }
MOTE_VARIADIC(Max, op_max, "ew_keep", kNumeric, "numbers", false)
MOTE_VARIADIC(Min, op_min, "ew_keep", kNumeric, "numbers", false)
MOTE_VARIADIC(Sum, op_sum, "ew_keep", kFloat, "float and double", false)
MOTE_VARIADIC(Mean, op_sum, "ew_mean", kFloat, "float and double", true)
#undef MOTE_VARIADIC

}  // namespace

extern const OpDef op_Max = {"Max", Max_infer, Max_fold, no_macs, Max_lower};
extern const OpDef op_Min = {"Min", Min_infer, Min_fold, no_macs, Min_lower};
extern const OpDef op_Sum = {"Sum", Sum_infer, Sum_fold, no_macs, Sum_lower};
extern const OpDef op_Mean = {"Mean", Mean_infer, Mean_fold, no_macs, Mean_lower};

}  // namespace mote::ops
