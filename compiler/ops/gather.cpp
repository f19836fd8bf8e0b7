// Gather, GatherElements, GatherND: any data element type, int32 or int64
// indices. Kernels: gather.h; indices known only at run time are wrapped when
// negative and yield zeros when out of range, so no read leaves the data.
// Gather folds on constants (exported graphs pick entries of shape vectors).
#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

void require_types(const InferContext& ctx) {
  ctx.require(ir::dtype_size(ctx.dtype(0)) > 0, "element type {} is not supported", ir::dtype_name(ctx.dtype(0)));
  const ir::DType i = ctx.dtype(1);
  ctx.require(i == ir::DType::kI32 || i == ir::DType::kI64, "indices must be int32 or int64, not {}",
              ir::dtype_name(i));
}

// --- Gather ------------------------------------------------------------------

struct GatherLayout {
  int64_t outer, n, inner, count;
};

GatherLayout Gather_layout(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  ctx.require(!x.empty(), "cannot gather from a scalar");
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.size()));
  return {ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis)), x[static_cast<size_t>(axis)],
          ir::shape_elements(ir::Shape(x.begin() + axis + 1, x.end())), ir::shape_elements(ctx.shape(1))};
}

void Gather_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  require_types(ctx);
  Gather_layout(ctx);
  const ir::Shape& x = ctx.shape(0);
  const size_t axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0)));
  ir::Shape y(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(axis));
  for (int64_t d : ctx.shape(1)) y.push_back(d);
  y.insert(y.end(), x.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.end());
  if (ctx.is_const(1)) {
    const int64_t n = x[axis];
    for (int64_t i : ctx.const_ints(1, "indices"))
      ctx.require(i >= -n && i < n, "index {} is out of range for an axis of {}", i, n);
  }
  ctx.set_output(0, ctx.dtype(0), y);
}

bool Gather_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &x = in(g, n, 0), &idx = in(g, n, 1);
  if (!x.is_constant() || !idx.is_constant()) return false;
  const GatherLayout l = Gather_layout(InferContext(g, n));
  const std::vector<int64_t> indices = ir::data_as_int(idx);
  const size_t es = static_cast<size_t>(ir::dtype_size(x.dtype));
  const size_t row = static_cast<size_t>(l.inner) * es;
  std::vector<uint8_t> y;
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t i : indices) {
      const int64_t k = i < 0 ? i + l.n : i;  // infer checked the range
      const auto from = x.data->begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(o * l.n + k) * row);
      y.insert(y.end(), from, from + static_cast<std::ptrdiff_t>(row));
    }
  outs = {std::move(y)};
  return true;
}

KernelCall Gather_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const GatherLayout l = Gather_layout(InferContext(g, n));
  KernelCall k{"gather.h", "gather", {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(in(g, n, 1).dtype)}, {},
               {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"outer", l.outer}, {"n", l.n}, {"inner", l.inner}, {"count", l.count}};
  return k;
}

// --- GatherElements ----------------------------------------------------------

void GatherElements_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  require_types(ctx);
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1);
  ctx.require(!x.empty() && i.size() == x.size(), "data ({}) and indices ({}) must have the same rank >= 1",
              ir::shape_str(x), ir::shape_str(i));
  const int64_t axis = ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
  for (size_t d = 0; d < x.size(); ++d)
    ctx.require(static_cast<int64_t>(d) == axis || i[d] <= x[d], "indices {} exceed the data {} along axis {}",
                ir::shape_str(i), ir::shape_str(x), d);
  ctx.set_output(0, ctx.dtype(0), i);
}

// Shared with ScatterElements' layout: an odometer over the indices' shape
// with the data's strides, 0 along the axis.
std::vector<Param> elements_params(const ir::Shape& data, const ir::Shape& indices, int64_t axis) {
  std::vector<int64_t> st = row_major_strides(data);
  const int64_t axis_stride = st[static_cast<size_t>(axis)];
  st[static_cast<size_t>(axis)] = 0;
  return {{"count", ir::shape_elements(indices)},
          {"rank", static_cast<int64_t>(indices.size())},
          {"shape", indices},
          {"strides", st},
          {"axis_size", data[static_cast<size_t>(axis)]},
          {"axis_stride", axis_stride}};
}

KernelCall GatherElements_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  KernelCall k{"gather.h", "gather_elements", {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(1))}, {},
               {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = elements_params(ctx.shape(0), ctx.shape(1), ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0)));
  return k;
}

// --- GatherND ----------------------------------------------------------------

struct NdLayout {
  int64_t batches, tuples, depth, block, batch_stride;
  std::vector<int64_t> dims, strides;
  ir::Shape out;
};

NdLayout Nd_layout(const InferContext& ctx, int64_t batch_dims) {
  const ir::Shape &x = ctx.shape(0), &i = ctx.shape(1);
  const int64_t r = static_cast<int64_t>(x.size()), q = static_cast<int64_t>(i.size());
  const int64_t b = batch_dims;
  ctx.require(b >= 0 && b < std::min(r, q), "batch_dims {} is out of range", b);
  for (int64_t d = 0; d < b; ++d)
    ctx.require(x[static_cast<size_t>(d)] == i[static_cast<size_t>(d)], "batch dimensions of data {} and indices {} differ",
                ir::shape_str(x), ir::shape_str(i));
  const int64_t k = i.back();
  ctx.require(k >= 1 && k <= r - b, "index tuples have {} entries, expected 1..{}", k, r - b);
  const std::vector<int64_t> st = row_major_strides(x);
  NdLayout l;
  l.batches = ir::shape_elements(ir::Shape(x.begin(), x.begin() + b));
  l.tuples = ir::shape_elements(ir::Shape(i.begin() + b, i.end() - 1));
  l.depth = k;
  l.block = ir::shape_elements(ir::Shape(x.begin() + b + k, x.end()));
  l.batch_stride = ir::shape_elements(ir::Shape(x.begin() + b, x.end()));
  l.dims.assign(x.begin() + b, x.begin() + b + k);
  l.strides.assign(st.begin() + b, st.begin() + b + k);
  l.out.assign(i.begin(), i.end() - 1);
  l.out.insert(l.out.end(), x.begin() + b + k, x.end());
  return l;
}

void GatherND_infer(InferContext& ctx) {
  ctx.allow_attrs({"batch_dims"});
  require_types(ctx);
  ctx.require(ctx.rank(0) >= 1 && ctx.rank(1) >= 1, "data and indices must have rank >= 1");
  ctx.set_output(0, ctx.dtype(0), Nd_layout(ctx, ctx.attr_int("batch_dims", 0)).out);
}

KernelCall GatherND_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const InferContext ctx(g, n);
  const NdLayout l = Nd_layout(ctx, ctx.attr_int("batch_dims", 0));
  KernelCall k{"gather.h", "gather_nd", {ir::dtype_ctype(ctx.dtype(0)), ir::dtype_ctype(ctx.dtype(1))}, {},
               {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"batches", l.batches}, {"tuples", l.tuples},       {"depth", l.depth},    {"block", l.block},
              {"batch_stride", l.batch_stride}, {"dims", l.dims}, {"strides", l.strides}};
  return k;
}

}  // namespace

extern const OpDef op_Gather = {"Gather", Gather_infer, Gather_fold, nullptr, Gather_lower, false, nullptr,
                                &kMovesBytesInt8Rule};
extern const OpDef op_GatherElements = {"GatherElements", GatherElements_infer, nullptr, nullptr, GatherElements_lower};
extern const OpDef op_GatherND = {"GatherND", GatherND_infer, nullptr, nullptr, GatherND_lower};

}  // namespace mote::ops
