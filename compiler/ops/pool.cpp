// MaxPool, AveragePool (1-D and 2-D), GlobalAveragePool, GlobalMaxPool. Kernels: pool.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void check_input(InferContext& ctx) {
  require_float(ctx, 0);
  ctx.require(ctx.rank(0) == 3 || ctx.rank(0) == 4, "only 1-D and 2-D pooling is supported (input rank {})",
              ctx.rank(0));
}

Window pool_window(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const ir::Shape sp(x.begin() + 2, x.end());
  const std::vector<int64_t> kernel = ctx.attr_ints("kernel_shape");
  ctx.require(kernel.size() == sp.size(), "kernel_shape must have {} entries", sp.size());
  return spatial_window(ctx, sp, kernel, ctx.attr_int("ceil_mode", 0) != 0);
}

void set_pool_output(InferContext& ctx, const Window& w) {
  const ir::Shape& x = ctx.shape(0);
  ir::Shape y{x[0], x[1]};
  y.insert(y.end(), w.out.begin(), w.out.end());
  ctx.set_output(0, ctx.dtype(0), y);
}

void max_infer(InferContext& ctx) {
  ctx.allow_attrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  check_input(ctx);
  ctx.require(ctx.num_outputs() < 2 || ctx.node().outputs[1] == ir::kNoTensor, "the Indices output is not supported");
  set_pool_output(ctx, pool_window(ctx));
}

void avg_infer(InferContext& ctx) {
  ctx.allow_attrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  check_input(ctx);
  set_pool_output(ctx, pool_window(ctx));
}

KernelCall pool_lower(const ir::Graph& g, const ir::Node& n, const char* kernel, bool avg) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"pool.h", kernel, {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"N", x[0]}, {"C", x[1]}};
  add_window_params(k.params, pool_window(ctx), ir::Shape(x.begin() + 2, x.end()));
  if (avg) k.params.push_back({"count_include_pad", ctx.attr_int("count_include_pad", 0)});
  return k;
}

KernelCall max_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return pool_lower(g, n, "max_pool2d", false);
}
KernelCall avg_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return pool_lower(g, n, "avg_pool2d", true);
}

void global_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  require_float(ctx, 0);
  ctx.require(ctx.rank(0) >= 3, "input must have at least one spatial axis");
  ir::Shape y = ctx.shape(0);
  for (size_t i = 2; i < y.size(); ++i) y[i] = 1;
  ctx.set_output(0, ctx.dtype(0), y);
}

KernelCall global_lower(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k{"pool.h", kernel, {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"NC", x[0] * x[1]}, {"spatial", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))}};
  return k;
}
KernelCall gap_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return global_lower(g, n, "global_avg_pool");
}
KernelCall gmp_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return global_lower(g, n, "global_max_pool");
}

}  // namespace

extern const OpDef op_MaxPool = {"MaxPool", max_infer, nullptr, nullptr, max_lower};
extern const OpDef op_AveragePool = {"AveragePool", avg_infer, nullptr, nullptr, avg_lower};
extern const OpDef op_GlobalAveragePool = {"GlobalAveragePool", global_infer, nullptr, nullptr, gap_lower};
extern const OpDef op_GlobalMaxPool = {"GlobalMaxPool", global_infer, nullptr, nullptr, gmp_lower};

}  // namespace mote::ops
