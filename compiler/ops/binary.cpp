// Broadcasting binary arithmetic: Add, Sub, Mul, Div, Pow, Mod, BitShift, PRelu,
// on every numeric type (integers wrap; see elementwise.h for the total integer
// semantics). Kernels: binary_* in elementwise.h. Every one folds on constants
// with the kernel's functor: exported graphs compute shapes this way.
#include "compiler/ops/elementwise_common.h"
#include "compiler/ops/quant_common.h"
#include "compiler/quant/fixed_point.h"

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
MOTE_ARITH(Sub, op_sub)
MOTE_ARITH(Mul, op_mul)
MOTE_ARITH(Div, op_div)
#undef MOTE_ARITH

// --- Add; its int8 form (pass quantize-int8: both inputs and the output int8 with
// per-tensor QuantParams, same shape, optional fused mote_act_min/max) runs
// add_s8.h, TFLite's rescaling; plain int8 tensors add as integers ---
bool add_s8_form(const ir::Graph& g, const ir::Node& n) {
  return n.inputs.size() == 2 && is_s8_quantized(in(g, n, 0)) && is_s8_quantized(in(g, n, 1));
}

void Add_infer(InferContext& ctx) {
  const ir::Node& n = ctx.node();
  if (!add_s8_form(ctx.graph(), n)) {
    ctx.allow_attrs({});
    arith_rule(ctx, kNumeric, "numbers");
    return;
  }
  ctx.allow_attrs({"mote_act_min", "mote_act_max"});
  ctx.require(ctx.shape(0) == ctx.shape(1), "int8 form: the inputs must have the same shape, not {} and {}",
              ir::shape_str(ctx.shape(0)), ir::shape_str(ctx.shape(1)));
  ctx.require(n.outputs.size() == 1 && n.outputs[0] != ir::kNoTensor &&
                  is_s8_quantized(ctx.graph().tensor(n.outputs[0])),
              "int8 form: the output needs one scale and zero point");
  ctx.set_output(0, ir::DType::kI8, ctx.shape(0));
}

bool Add_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {
  if (add_s8_form(g, n)) return false;
  return fold_same_type<kernel_eval::op_add, kNumeric>(g, n, o);
}

KernelCall Add_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  if (!add_s8_form(g, n)) return binary_call(g, n, "op_add");
  const ir::QuantParams &a = in(g, n, 0).quant, &b = in(g, n, 1).quant, &y = out(g, n, 0).quant;
  std::string err;
  const auto r = quant::add_rescale(a.scale[0], b.scale[0], y.scale[0], &err);
  if (!r) throw support::Refusal(fmt::format("int8 Add rescaling: {}", err));
  const auto [act_min, act_max] = s8_activation_range(g, n);
  KernelCall k{"add_s8.h", "add_s8", {}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", out(g, n, 0).elements()},
              {"in1_zp", int64_t{a.zero_point[0]}},
              {"in2_zp", int64_t{b.zero_point[0]}},
              {"out_zp", int64_t{y.zero_point[0]}},
              {"left_shift", int64_t{r->left_shift}},
              {"in1_mult", int64_t{r->input1.multiplier}},
              {"in1_shift", int64_t{r->input1.shift}},
              {"in2_mult", int64_t{r->input2.multiplier}},
              {"in2_shift", int64_t{r->input2.shift}},
              {"out_mult", int64_t{r->output.multiplier}},
              {"out_shift", int64_t{r->output.shift}},
              {"act_min", act_min},
              {"act_max", act_max}};
  return k;
}

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
