// Reductions: ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd,
// ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, over any
// set of axes, with keepdims and noop_with_empty_axes. One kernel (reduce.h)
// parameterised by an accumulator type; ReduceMean's int8 form runs
// reduce_s8.h.
#include <set>

#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"
#include "compiler/quant/fixed_point.h"

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

// ReduceMean's int8 form (pass quantize-int8): input and output int8 per tensor,
// each with its own parameters (the mean requantizes as it divides).
bool s8_mean(const ir::Graph& g, const ir::Node& n) {
  return n.op == "ReduceMean" && !n.inputs.empty() && is_s8_quantized(in(g, n, 0));
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axes", "keepdims", "noop_with_empty_axes"});
  const bool s8 = s8_mean(ctx.graph(), ctx.node());
  if (!s8) require_float(ctx, 0);
  const Reduction r = reduction_of(ctx);
  ctx.require(!s8 || !r.noop, "int8 form: a ReduceMean over no axis");
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
  if (s8) {
    ctx.require(reduced <= 8388608, "int8 form: {} elements per mean overflow the int32 sum", reduced);
    return set_s8_output(ctx, y);
  }
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

// The int8 mean: reduce.h's walk with the sum requantized by
// in_scale / (count * out_scale).
KernelCall mean_s8_ref(const ir::Graph& g, const ir::Node& n) {
  KernelCall k = lower_with(g, n, "red_mean");
  const ir::QuantParams &x = in(g, n, 0).quant, &y = out(g, n, 0).quant;
  const int64_t count = std::get<int64_t>(param(k.params, "red_count"));
  std::string err;
  const auto m = quant::quantize_multiplier(
      static_cast<double>(x.scale[0]) / (static_cast<double>(count) * static_cast<double>(y.scale[0])), &err);
  if (!m) throw support::Refusal(fmt::format("int8 ReduceMean requantization: {}", err));
  k.file = "reduce_s8.h";
  k.kernel = "reduce_mean_s8";
  k.type_args.clear();
  k.params.push_back({"in_zp", int64_t{x.zero_point[0]}});
  k.params.push_back({"out_zp", int64_t{y.zero_point[0]}});
  k.params.push_back({"mult", int64_t{m->multiplier}});
  k.params.push_back({"shift", int64_t{m->shift}});
  return k;
}

// Every reduced axis (of more than one element) comes after every kept one: output
// i is the mean of the i-th run of red_count bytes, a global average pool's row
// (tf2onnx writes its global average pool so).
std::string applies_mean_s8_rows(const ir::Graph& g, const ir::Node& n) {
  if (!s8_mean(g, n)) return "not the int8 form";
  const Reduction r = reduction_of(InferContext(g, n));
  const ir::Shape& x = in(g, n, 0).shape;
  bool reducing = false;
  for (size_t d = 0; d < x.size(); ++d) {
    if (x[d] == 1) continue;
    const bool reduced = r.axes.count(static_cast<int64_t>(d)) > 0;
    if (!reduced && reducing) return "a kept axis follows a reduced one";
    reducing = reducing || reduced;
  }
  return "";
}

// The rows run on the int8 global average pool's kernels (pool_s8_fast.h and its
// DSP and Helium sums), with the ReduceMean's requantization: the same integer
// sum and the same k_requantize_s8, so the same bytes as reduce_mean_s8.
template <const char* File, const char* Kernel>
KernelCall make_mean_s8_rows(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const KernelCall r = mean_s8_ref(g, n);
  auto p = [&](const char* name) { return std::get<int64_t>(param(r.params, name)); };
  KernelCall k{File, Kernel, {}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"NC", p("out_count")}, {"spatial", p("red_count")}, {"in_zp", p("in_zp")}, {"out_zp", p("out_zp")},
              {"requant", int64_t{1}},  {"mult", p("mult")},             {"shift", p("shift")}};
  return k;
}
constexpr char kScalarFile[] = "pool_s8_fast.h", kScalar[] = "global_avg_pool_s8_scalar";
constexpr char kDspFile[] = "pool_s8_dsp.h", kDsp[] = "global_avg_pool_s8_dsp";
constexpr char kMveFile[] = "pool_s8_mve.h", kMve[] = "global_avg_pool_s8_mve";

std::string applies_mean_s8(const ir::Graph& g, const ir::Node& n) { return s8_mean(g, n) ? "" : "not the int8 form"; }
std::string applies_mean_float(const ir::Graph& g, const ir::Node& n) { return s8_mean(g, n) ? "the int8 form" : ""; }
KernelCall make_mean_s8_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return mean_s8_ref(g, n); }
KernelCall make_mean_float(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_with(g, n, "red_mean");
}

const std::vector<Variant>& mean_variants() {
  static const std::vector<Variant> v = {
      {"reduce_mean_s8_rows_16x1_mve", kFeatureMve, applies_mean_s8_rows, make_mean_s8_rows<kMveFile, kMve>},
      {"reduce_mean_s8_rows_4x1_dsp", kFeatureDsp, applies_mean_s8_rows, make_mean_s8_rows<kDspFile, kDsp>},
      {"reduce_mean_s8_rows_1x1_scalar", 0, applies_mean_s8_rows, make_mean_s8_rows<kScalarFile, kScalar>},
      {"reduce_mean_s8_ref", 0, applies_mean_s8, make_mean_s8_ref, /*reference=*/true},
      {"reduce_mean_ref", 0, applies_mean_float, make_mean_float, /*reference=*/true},
  };
  return v;
}

// ReduceMean's int8 rule: an int8 input averaged into an int8 output with its own
// calibrated parameters (the input's when it has none).
std::string mean_int8_form(const ir::Graph& g, const ir::Node& n) {
  const std::string why = single_output_form(g, n);
  if (!why.empty()) return why;
  if (n.inputs.size() > 1 && n.inputs[1] != ir::kNoTensor && !g.tensor(n.inputs[1]).is_constant())
    return "its axes are computed at run time";
  const bool listed = (n.inputs.size() > 1 && n.inputs[1] != ir::kNoTensor &&
                       g.tensor(n.inputs[1]).elements() > 0) || !InferContext(g, n).attr_ints("axes").empty();
  if (!listed && ir::attr_int(n.attrs, "noop_with_empty_axes", 0) != 0) return "it reduces over no axis";
  return "";
}
bool mean_requantizes(const ir::Node&) { return true; }
const Int8Rule mean_int8 = {mean_int8_form, 1, /*quantizes_inputs=*/false, keep_input_params, mean_requantizes};

}  // namespace

extern const OpDef op_ReduceMean = {"ReduceMean", infer, nullptr, cost, nullptr, false, mean_variants, &mean_int8};
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
