// Broadcasting binary arithmetic: Add, Sub, Mul, Div, Pow, Mod, BitShift, PRelu,
// on every numeric type (integers wrap; see elementwise.h for the total integer
// semantics). Kernels: binary_* in elementwise.h. Every one folds on constants
// with the kernel's functor: exported graphs compute shapes this way.
#include "compiler/ops/elementwise_common.h"

namespace mote::ops {

namespace {

using eval::kFloat;
using eval::kNumeric;
using eval::kUnsigned;

// Same element type on both sides, numpy broadcasting; y has the operands' type.
void arith_rule(InferContext& ctx, int kinds, const char* what) {
  ctx.require(ctx.num_inputs() == 2, "expects 2 inputs, has {}", ctx.num_inputs());
  require_kind(ctx, 0, kinds, what);
  require_same_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), broadcast_inputs(ctx, {0, 1}));
}

template <class Op, int Kinds>
bool fold_same_type(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  if (!a.is_constant() || !b.is_constant() || a.dtype != b.dtype) return false;
  return eval::with_type<Kinds>(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    outs = {eval::binary<Op, T, T, T>(a, b, y)};
  });
}

#define MOTE_ARITH(Name, functor)                                                                     \
  void Name##_infer(InferContext& ctx) {                                                              \
    ctx.allow_attrs({});                                                                               \
    arith_rule(ctx, kNumeric, "numbers");                                                              \
  }                                                                                                    \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {    \
    return fold_same_type<kernel_eval::functor, kNumeric>(g, n, o);                                   \
  }                                                                                                    \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {            \
    return binary_call(g, n, #functor);                                                                \
  }
MOTE_ARITH(Add, op_add)
MOTE_ARITH(Sub, op_sub)
MOTE_ARITH(Mul, op_mul)
MOTE_ARITH(Div, op_div)
#undef MOTE_ARITH

// --- Pow: the exponent may have another numeric type; y has the base's ---
void Pow_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() == 2, "expects 2 inputs, has {}", ctx.num_inputs());
  require_kind(ctx, 0, kNumeric, "numbers");
  require_kind(ctx, 1, kNumeric, "numbers");
  ctx.set_output(0, ctx.dtype(0), broadcast_inputs(ctx, {0, 1}));
}

bool Pow_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  if (!a.is_constant() || !b.is_constant()) return false;
  bool done = false;
  eval::with_type<kNumeric>(a.dtype, [&](auto ta) {
    done = eval::with_type<kNumeric>(b.dtype, [&](auto tb) {
      using A = decltype(ta);
      using B = decltype(tb);
      outs = {eval::binary<kernel_eval::op_pow, A, A, B>(a, b, y)};
    });
  });
  return done;
}

KernelCall Pow_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return binary_call(g, n, "op_pow");
}

// --- Mod: fmod=0 takes the divisor's sign (Python, integers only), fmod=1 the dividend's (C) ---
bool c_fmod(const InferContext& ctx) { return ctx.attr_int("fmod", 0) != 0; }

void Mod_infer(InferContext& ctx) {
  ctx.allow_attrs({"fmod"});
  const int64_t f = ctx.attr_int("fmod", 0);
  ctx.require(f == 0 || f == 1, "fmod must be 0 or 1, not {}", f);
  arith_rule(ctx, kNumeric, "numbers");
  ctx.require(f == 1 || !ir::dtype_is_float(ctx.dtype(0)), "fmod must be 1 for floating-point inputs");
}

bool Mod_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  if (c_fmod(InferContext(g, n))) return fold_same_type<kernel_eval::op_fmod, kNumeric>(g, n, outs);
  return fold_same_type<kernel_eval::op_mod, kNumeric>(g, n, outs);
}

KernelCall Mod_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return binary_call(g, n, c_fmod(InferContext(g, n)) ? "op_fmod" : "op_mod");
}

// --- BitShift: unsigned integers; shifting by the width or more gives 0 ---
bool shift_left(const InferContext& ctx) { return ctx.attr_string("direction", "") == "LEFT"; }

void BitShift_infer(InferContext& ctx) {
  ctx.allow_attrs({"direction"});
  const std::string d = ctx.attr_string("direction", "");
  ctx.require(d == "LEFT" || d == "RIGHT", "direction must be LEFT or RIGHT, not '{}'", d);
  arith_rule(ctx, kUnsigned, "unsigned integers");
}

bool BitShift_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  if (shift_left(InferContext(g, n))) return fold_same_type<kernel_eval::op_shift_left, kUnsigned>(g, n, outs);
  return fold_same_type<kernel_eval::op_shift_right, kUnsigned>(g, n, outs);
}

KernelCall BitShift_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return binary_call(g, n, shift_left(InferContext(g, n)) ? "op_shift_left" : "op_shift_right");
}

// --- PRelu: y = x < 0 ? slope * x : x, slope broadcasting to x (one way only) ---
void PRelu_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  arith_rule(ctx, kNumeric, "numbers");
  ir::Shape y;
  ctx.require(broadcast_shapes(ctx.shape(0), ctx.shape(1), y) && y == ctx.shape(0),
              "slope {} does not broadcast to x {}", ir::shape_str(ctx.shape(1)), ir::shape_str(ctx.shape(0)));
}

bool PRelu_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  return fold_same_type<kernel_eval::op_prelu, kNumeric>(g, n, outs);
}

KernelCall PRelu_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return binary_call(g, n, "op_prelu");
}

}  // namespace

extern const OpDef op_Add = {"Add", Add_infer, Add_fold, no_macs, Add_lower};
extern const OpDef op_Sub = {"Sub", Sub_infer, Sub_fold, no_macs, Sub_lower};
extern const OpDef op_Mul = {"Mul", Mul_infer, Mul_fold, no_macs, Mul_lower};
extern const OpDef op_Div = {"Div", Div_infer, Div_fold, no_macs, Div_lower};
extern const OpDef op_Pow = {"Pow", Pow_infer, Pow_fold, no_macs, Pow_lower};
extern const OpDef op_Mod = {"Mod", Mod_infer, Mod_fold, no_macs, Mod_lower};
extern const OpDef op_BitShift = {"BitShift", BitShift_infer, BitShift_fold, no_macs, BitShift_lower};
extern const OpDef op_PRelu = {"PRelu", PRelu_infer, PRelu_fold, no_macs, PRelu_lower};

}  // namespace mote::ops
