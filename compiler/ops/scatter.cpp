// ScatterElements (and its deprecated alias Scatter) and ScatterND: any data
// element type, int32 or int64 indices, reduction none, add or mul. Kernels:
// scatter.h; indices known only at run time are wrapped when negative and
// skipped when out of range, so no write leaves the output.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

const char* reduction_of(const InferContext& ctx) {
  const std::string r = ctx.attr_string("reduction", "none");
  if (r == "none") return "scatter_none";
  ctx.require(ctx.dtype(0) != ir::DType::kBool, "reduction '{}' is not supported on bool", r);
  if (r == "add") return "scatter_add";
  if (r == "mul") return "scatter_mul";
  ctx.refuse("reduction '{}' is not supported", r);
}

void require_types(const InferContext& ctx) {
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.dtype(2) == t, "updates have element type {}, data {}", ir::dtype_name(ctx.dtype(2)),
              ir::dtype_name(t));
  const ir::DType i = ctx.dtype(1);
  ctx.require(i == ir::DType::kI32 || i == ir::DType::kI64, "indices must be int32 or int64, not {}",
              ir::dtype_name(i));
  reduction_of(ctx);
}

KernelCall call(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  const InferContext ctx(g, n);
  return KernelCall{"scatter.h",
                    kernel,
                    {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(1)), reduction_of(ctx)},
                    {{"data_count", ir::shape_elements(ctx.shape(0))}},
                    {n.inputs[0], n.inputs[1], n.inputs[2]},
                    {n.outputs[0]}};
}

// --- ScatterElements -----------------------------------------------------------

void Elements_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "reduction"});
  require_types(ctx);
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1);
  ctx.require(ctx.shape(2) == i, "updates {} and indices {} must have the same shape", ir::shape_str(ctx.shape(2)),
              ir::shape_str(i));
  ctx.require(!x.empty() && i.size() == x.size(), "data ({}) and indices ({}) must have the same rank >= 1",
              ir::shape_str(x), ir::shape_str(i));
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
  for (size_t d = 0; d < x.size(); ++d)
    ctx.require(static_cast<int64_t>(d) == axis || i[d] <= x[d], "indices {} exceed the data {} along axis {}",
                ir::shape_str(i), ir::shape_str(x), d);
  ctx.set_output(0, ctx.dtype(0), x);
}

KernelCall Elements_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1);
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
  std::vector<int64_t> st = row_major_strides(x);
  const int64_t axis_stride = st[static_cast<size_t>(axis)];
  st[static_cast<size_t>(axis)] = 0;
  KernelCall k = call(g, n, "scatter_elements");
  k.params.insert(k.params.end(), {{"count", ir::shape_elements(i)},
                                   {"rank", static_cast<int64_t>(i.size())},
                                   {"shape", i},
                                   {"strides", st},
                                   {"axis_size", x[static_cast<size_t>(axis)]},
                                   {"axis_stride", axis_stride}});
  return k;
}

// --- ScatterND -------------------------------------------------------------------

void ND_infer(InferContext& ctx) {
  ctx.allow_attrs({"reduction"});
  require_types(ctx);
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1), &u = ctx.shape(2);
  ctx.require(!x.empty() && !i.empty(), "data and indices must have rank >= 1");
  const int64_t k = i.back();
  ctx.require(k >= 1 && k <= static_cast<int64_t>(x.size()), "index tuples have {} entries, expected 1..{}", k,
              x.size());
  ir::Shape want(i.begin(), i.end() - 1);
  want.insert(want.end(), x.begin() + k, x.end());
  ctx.require(u == want, "updates have shape {}, expected {}", ir::shape_str(u), ir::shape_str(want));
  ctx.set_output(0, ctx.dtype(0), x);
}

KernelCall ND_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1);
  const size_t k = static_cast<size_t>(i.back());
  const std::vector<int64_t> st = row_major_strides(x);
  KernelCall c = call(g, n, "scatter_nd");
  c.params.insert(c.params.end(), {{"tuples", ir::shape_elements(ir::Shape(i.begin(), i.end() - 1))},
                                   {"depth", static_cast<int64_t>(k)},
                                   {"block", ir::shape_elements(ir::Shape(x.begin() + static_cast<std::ptrdiff_t>(k), x.end()))},
                                   {"dims", std::vector<int64_t>(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k))},
                                   {"strides", std::vector<int64_t>(st.begin(), st.begin() + static_cast<std::ptrdiff_t>(k))}});
  return c;
}

}  // namespace

extern const OpDef op_ScatterElements = {"ScatterElements", Elements_infer, nullptr, nullptr, Elements_lower};
extern const OpDef op_Scatter = {"Scatter", Elements_infer, nullptr, nullptr, Elements_lower};
extern const OpDef op_ScatterND = {"ScatterND", ND_infer, nullptr, nullptr, ND_lower};

}  // namespace mote::ops
