// Comparisons (Equal, Greater, Less, GreaterOrEqual, LessOrEqual), logic (And,
// Or, Xor on bool) and Where: numpy broadcasting, bool results. Kernels:
// binary_* and where_* in elementwise.h. All fold on constants with the kernel's
// functors (masks and index arithmetic in exported graphs).
#include "compiler/ops/elementwise_common.h"

namespace mote::ops {

namespace {

using eval::kAny;
using eval::kBool;
using eval::kNumeric;

void predicate_rule(InferContext& ctx, int kinds, const char* what) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() == 2, "expects 2 inputs, has {}", ctx.num_inputs());
  require_kind(ctx, 0, kinds, what);
  require_same_dtype(ctx);
  ctx.set_output(0, ir::DType::kBool, broadcast_inputs(ctx, {0, 1}));
}

template <class Op, int Kinds>
bool fold_predicate(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  if (!a.is_constant() || !b.is_constant() || a.dtype != b.dtype) return false;
  return eval::with_type<Kinds>(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    outs = {eval::binary<Op, bool, T, T>(a, b, y)};
  });
}

#define MOTE_PREDICATE(Name, functor, kinds, what)                                                   \
  void Name##_infer(InferContext& ctx) { predicate_rule(ctx, kinds, what); }                          \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {    \
    return fold_predicate<kernel_eval::functor, kinds>(g, n, o);                                      \
  }                                                                                                    \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {            \
    return binary_call(g, n, #functor);                                                                \
  }
#define MOTE_PREDICATES(X)                                                   \
  X(Equal, op_equal, kAny, "numbers or bool")                                \
  X(Greater, op_greater, kNumeric, "numbers")                                \
  X(Less, op_less, kNumeric, "numbers")                                      \
  X(GreaterOrEqual, op_greater_equal, kNumeric, "numbers")                   \
  X(LessOrEqual, op_less_equal, kNumeric, "numbers")                         \
  X(And, op_and, kBool, "bool")                                              \
  X(Or, op_or, kBool, "bool")                                                \
  X(Xor, op_xor, kBool, "bool")
MOTE_PREDICATES(MOTE_PREDICATE)
#undef MOTE_PREDICATE

// --- Where(condition, x, y): x where condition holds, else y, all three broadcasting ---
void Where_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() == 3, "expects 3 inputs, has {}", ctx.num_inputs());
  ctx.require(ctx.dtype(0) == ir::DType::kBool, "the condition has element type {}, not bool",
              ir::dtype_name(ctx.dtype(0)));
  require_kind(ctx, 1, kAny, "numbers or bool");
  require_same_dtype(ctx, 1);
  ctx.set_output(0, ctx.dtype(1), broadcast_inputs(ctx, {0, 1, 2}));
}

bool Where_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  for (size_t i = 0; i < 3; ++i)
    if (!in(g, n, i).is_constant()) return false;
  const ir::Tensor &c = in(g, n, 0), &a = in(g, n, 1), &b = in(g, n, 2), &y = out(g, n, 0);
  return eval::with_type<kAny>(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    const std::vector<bool> vc = eval::elements<bool>(c);
    const std::vector<T> va = eval::elements<T>(a), vb = eval::elements<T>(b);
    const auto ic = eval::broadcast_index(c.shape, y.shape), ia = eval::broadcast_index(a.shape, y.shape),
               ib = eval::broadcast_index(b.shape, y.shape);
    std::vector<T> r(ic.size());
    for (size_t i = 0; i < r.size(); ++i)  // as the where kernels do
      r[i] = vc[static_cast<size_t>(ic[i])] ? va[static_cast<size_t>(ia[i])] : vb[static_cast<size_t>(ib[i])];
    outs = {eval::to_bytes(r)};
  });
}

KernelCall Where_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor &c = in(g, n, 0), &a = in(g, n, 1), &b = in(g, n, 2), &y = out(g, n, 0);
  KernelCall k{"elementwise.h", "where_broadcast", {ir::dtype_ctype(y.dtype)}, {},
               {n.inputs[0], n.inputs[1], n.inputs[2]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}};
  if (c.shape == y.shape && a.shape == y.shape && b.shape == y.shape) {
    k.kernel = "where_same";
  } else {
    k.params.push_back({"rank", static_cast<int64_t>(y.shape.size())});
    k.params.push_back({"shape", y.shape});
    k.params.push_back({"c_strides", broadcast_strides(c.shape, y.shape)});
    k.params.push_back({"a_strides", broadcast_strides(a.shape, y.shape)});
    k.params.push_back({"b_strides", broadcast_strides(b.shape, y.shape)});
  }
  return k;
}

}  // namespace

#define MOTE_PREDICATE_DEF(Name, functor, kinds, what) \
  extern const OpDef op_##Name = {#Name, Name##_infer, Name##_fold, no_macs, Name##_lower};
MOTE_PREDICATES(MOTE_PREDICATE_DEF)
#undef MOTE_PREDICATE_DEF
#undef MOTE_PREDICATES

extern const OpDef op_Where = {"Where", Where_infer, Where_fold, no_macs, Where_lower};

}  // namespace mote::ops
