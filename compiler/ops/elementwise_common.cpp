#include "compiler/ops/elementwise_common.h"

namespace mote::ops {

int kind_of(ir::DType t) {
  if (ir::dtype_is_float(t)) return eval::kFloat;
  if (t == ir::DType::kBool) return eval::kBool;
  if (ir::dtype_is_integer(t)) return ir::dtype_is_signed(t) ? eval::kSigned : eval::kUnsigned;
  return 0;
}

void require_kind(const InferContext& ctx, size_t i, int kinds, const char* what) {
  const ir::DType t = ctx.dtype(i);
  ctx.require((kind_of(t) & kinds) != 0, "input {} has element type {}; this operator takes {}", i,
              ir::dtype_name(t), what);
}

void require_same_dtype(const InferContext& ctx, size_t from) {
  const ir::DType t = ctx.dtype(from);
  for (size_t i = from + 1; i < ctx.num_inputs(); ++i)
    ctx.require(ctx.dtype(i) == t, "input {} has element type {}, input {} has {}", i, ir::dtype_name(ctx.dtype(i)),
                from, ir::dtype_name(t));
}

ir::Shape broadcast_inputs(const InferContext& ctx, const std::vector<size_t>& idx) {
  ir::Shape y = ctx.shape(idx.at(0));
  for (size_t k = 1; k < idx.size(); ++k) {
    ir::Shape next;
    ctx.require(broadcast_shapes(y, ctx.shape(idx[k]), next), "input shapes {} and {} do not broadcast",
                ir::shape_str(y), ir::shape_str(ctx.shape(idx[k])));
    y = std::move(next);
  }
  return y;
}

KernelCall unary_call(const ir::Graph& g, const ir::Node& n, const char* functor, std::vector<Param> params) {
  KernelCall k{"elementwise.h", "unary",
               {ir::dtype_ctype(in(g, n, 0).dtype), ir::dtype_ctype(out(g, n, 0).dtype), functor},
               {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", out(g, n, 0).elements()}};
  for (Param& p : params) k.params.push_back(std::move(p));
  // y[i] = f(x[i]): in place when both are one type (no aliasing across types).
  if (in(g, n, 0).dtype == out(g, n, 0).dtype) k.in_place_inputs = {0};
  return k;
}

KernelCall binary_call(const ir::Graph& g, const ir::Node& n, const char* functor) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  KernelCall k{"elementwise.h", "binary_broadcast",
               {ir::dtype_ctype(a.dtype), ir::dtype_ctype(b.dtype), ir::dtype_ctype(y.dtype), functor},
               {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}};
  // binary_same and the scalar forms read element i (or a scalar read first)
  // before writing element i: an operand of the output's shape and type may be
  // written over. The general broadcast reads elsewhere, so never.
  auto in_place = [&] {
    for (int i = 0; i < 2; ++i)
      if (in(g, n, i).shape == y.shape && in(g, n, i).dtype == y.dtype) k.in_place_inputs.push_back(i);
  };
  if (a.shape == y.shape && b.shape == y.shape) {
    in_place();
    k.kernel = "binary_same";
  } else if (a.shape == y.shape && b.elements() == 1) {
    in_place();
    k.kernel = "binary_scalar_b";
  } else if (b.shape == y.shape && a.elements() == 1) {
    in_place();
    k.kernel = "binary_scalar_a";
  } else {
    k.params.push_back({"rank", static_cast<int64_t>(y.shape.size())});
    k.params.push_back({"shape", y.shape});
    k.params.push_back({"a_strides", broadcast_strides(a.shape, y.shape)});
    k.params.push_back({"b_strides", broadcast_strides(b.shape, y.shape)});
  }
  return k;
}

Cost no_macs(const ir::Graph&, const ir::Node&) { return {}; }

namespace eval {

std::vector<int64_t> broadcast_index(const ir::Shape& in, const ir::Shape& out) {
  const std::vector<int64_t> st = broadcast_strides(in, out);
  const int64_t count = ir::shape_elements(out);
  std::vector<int64_t> idx(static_cast<size_t>(count), 0);
  std::vector<int64_t> pos(out.size(), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < count; ++i) {
    idx[static_cast<size_t>(i)] = off;
    for (size_t d = out.size(); d-- > 0;) {
      off += st[d];
      if (++pos[d] < out[d]) break;
      off -= st[d] * out[d];
      pos[d] = 0;
    }
  }
  return idx;
}

}  // namespace eval

}  // namespace mote::ops
