// Unary elementwise operators: activations, math, IsNaN/IsInf, Not, and Clip.
// Kernel: `unary` (and `clip`) in elementwise.h, one functor per operator.
// Attribute-free operators fold on constants with the kernel's own functor.
#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/elementwise_common.h"
#include "compiler/ops/lut_s8.h"

namespace mote::ops {

namespace {

using eval::kAny;
using eval::kBool;
using eval::kFloat;
using eval::kNumeric;
using eval::kSigned;

const char* kinds_name(int kinds) {
  switch (kinds) {
    case kFloat: return "float and double";
    case kFloat | kSigned: return "float, double and signed integers";
    case kNumeric: return "numbers (float, double, integers)";
    case kBool: return "bool";
    default: return "other element types";
  }
}

// y has x's shape; its type is x's, or bool for predicates.
void unary_rule(InferContext& ctx, int kinds, bool bool_out, std::initializer_list<const char*> attrs) {
  ctx.allow_attrs(attrs);
  require_kind(ctx, 0, kinds, kinds_name(kinds));
  ctx.set_output(0, bool_out ? ir::DType::kBool : ctx.dtype(0), ctx.shape(0));
}

template <class Op, int Kinds, bool BoolOut>
bool fold_unary(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor& x = in(g, n, 0);
  if (!x.is_constant()) return false;
  return eval::with_type<Kinds>(x.dtype, [&](auto tag) {
    using X = decltype(tag);
    using Y = std::conditional_t<BoolOut, bool, X>;
    outs = {eval::unary<Op, Y, X>(x)};
  });
}

// Attribute-free operators: rule, fold and kernel from one line each.
#define MOTE_UNARY(Name, functor, kinds, bool_out)                                                         \
  void Name##_infer(InferContext& ctx) { unary_rule(ctx, kinds, bool_out, {}); }                           \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {          \
    return fold_unary<kernel_eval::functor, kinds, bool_out>(g, n, o);                                      \
  }                                                                                                          \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {                  \
    return unary_call(g, n, #functor);                                                                       \
  }
#define MOTE_UNARY_OPS(X)                              \
  X(Sqrt, op_sqrt, kFloat, false)                      \
  X(Abs, op_abs, kNumeric, false)                      \
  X(Neg, op_neg, kFloat | kSigned, false)              \
  X(Sign, op_sign, kNumeric, false)                    \
  X(Log, op_log, kFloat, false)                        \
  X(Reciprocal, op_reciprocal, kFloat, false)          \
  X(Floor, op_floor, kFloat, false)                    \
  X(Ceil, op_ceil, kFloat, false)                      \
  X(Round, op_round, kFloat, false)                    \
  X(Sin, op_sin, kFloat, false)                        \
  X(Cos, op_cos, kFloat, false)                        \
  X(Tan, op_tan, kFloat, false)                        \
  X(Asin, op_asin, kFloat, false)                      \
  X(Acos, op_acos, kFloat, false)                      \
  X(Atan, op_atan, kFloat, false)                      \
  X(Sinh, op_sinh, kFloat, false)                      \
  X(Cosh, op_cosh, kFloat, false)                      \
  X(Asinh, op_asinh, kFloat, false)                    \
  X(Acosh, op_acosh, kFloat, false)                    \
  X(Atanh, op_atanh, kFloat, false)                    \
  X(IsNaN, op_isnan, kFloat, true)                     \
  X(Not, op_not, kBool, false)
MOTE_UNARY_OPS(MOTE_UNARY)
#undef MOTE_UNARY

// The variants of an activation with an int8 form by table: the table for an int8
// input, the float functor for a float one.
#define MOTE_LUT_VARIANTS(Name, lower_name)                                                        \
  const std::vector<Variant>& Name##_variants() {                                                   \
    static const std::vector<Variant> v = {                                                         \
        {lower_name "_s8_lut", 0, applies_lut_s8, make_lut_s8<Name##_f>, /*reference=*/true},        \
        {lower_name "_ref", 0, applies_float_unary, Name##_make, /*reference=*/true},               \
    };                                                                                              \
    return v;                                                                                       \
  }

// Relu: float and signed integers; int8 with parameters by table, when pass
// fuse-activation could not fold it into the layer before (after a Resize, a
// Concat, a pool): the table clamps and requantizes to the output's own range.
void Relu_infer(InferContext& ctx) {
  if (!lut_s8_infer(ctx)) unary_rule(ctx, kFloat | kSigned, false, {});
}
bool Relu_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {
  return fold_unary<kernel_eval::op_relu, kFloat | kSigned, false>(g, n, o);
}
KernelCall Relu_make(ir::Graph& g, const ir::Node& n, const target::Target&) { return unary_call(g, n, "op_relu"); }
float Relu_f(const ir::Node&, float x) { return x > 0.0f ? x : 0.0f; }
MOTE_LUT_VARIANTS(Relu, "relu")

// Float activations with an int8 form by table (lut_s8.h): the table holds what
// the float functor gives, so int8 is float's answer rounded once.
#define MOTE_LUT_UNARY(Name, functor, lower_name)                                                       \
  void Name##_infer(InferContext& ctx) {                                                                 \
    if (!lut_s8_infer(ctx)) unary_rule(ctx, kFloat, false, {});                                          \
  }                                                                                                      \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {        \
    return fold_unary<kernel_eval::functor, kFloat, false>(g, n, o);                                     \
  }                                                                                                      \
  KernelCall Name##_make(ir::Graph& g, const ir::Node& n, const target::Target&) {                       \
    return unary_call(g, n, #functor);                                                                   \
  }                                                                                                      \
  float Name##_f(const ir::Node&, float x) { return kernel_eval::functor::f<void, float, float>(x); }    \
  MOTE_LUT_VARIANTS(Name, lower_name)
#define MOTE_LUT_OPS(X)                      \
  X(Sigmoid, op_sigmoid, "sigmoid")          \
  X(Tanh, op_tanh, "tanh")                   \
  X(HardSwish, op_hard_swish, "hardswish")   \
  X(Softplus, op_softplus, "softplus")       \
  X(Softsign, op_softsign, "softsign")       \
  X(Exp, op_exp, "exp")                      \
  X(Erf, op_erf, "erf")
MOTE_LUT_OPS(MOTE_LUT_UNARY)
#undef MOTE_LUT_UNARY

// --- operators with attributes (floats only; not folded) ---

double attr(const ir::Graph& g, const ir::Node& n, const char* name, double dflt) {
  return InferContext(g, n).attr_float(name, dflt);
}

// The int8 forms (tables) compute these as the float functors do, with the
// attribute as the float the generated code holds.
float fattr(const ir::Node& n, const char* name, double dflt) { return static_cast<float>(ir::attr_float(n.attrs, name, dflt)); }

void LeakyRelu_infer(InferContext& ctx) {
  if (!lut_s8_infer(ctx)) unary_rule(ctx, kFloat, false, {"alpha"});
}
KernelCall LeakyRelu_make(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_leaky_relu", {{"alpha", attr(g, n, "alpha", 0.01)}});
}
float LeakyRelu_f(const ir::Node& n, float x) { return x >= 0.0f ? x : x * fattr(n, "alpha", 0.01); }

void HardSigmoid_infer(InferContext& ctx) {
  if (!lut_s8_infer(ctx)) unary_rule(ctx, kFloat, false, {"alpha", "beta"});
}
KernelCall HardSigmoid_make(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_hard_sigmoid", {{"alpha", attr(g, n, "alpha", 0.2)}, {"beta", attr(g, n, "beta", 0.5)}});
}
float HardSigmoid_f(const ir::Node& n, float x) {
  return std::max(0.0f, std::min(1.0f, fattr(n, "alpha", 0.2) * x + fattr(n, "beta", 0.5)));
}

void Elu_infer(InferContext& ctx) {
  if (!lut_s8_infer(ctx)) unary_rule(ctx, kFloat, false, {"alpha"});
}
KernelCall Elu_make(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_elu", {{"alpha", attr(g, n, "alpha", 1.0)}});
}
float Elu_f(const ir::Node& n, float x) { return x >= 0.0f ? x : fattr(n, "alpha", 1.0) * (kernel_eval::k_exp(x) - 1.0f); }

MOTE_LUT_VARIANTS(LeakyRelu, "leakyrelu")
MOTE_LUT_VARIANTS(HardSigmoid, "hardsigmoid")
MOTE_LUT_VARIANTS(Elu, "elu")
#undef MOTE_LUT_VARIANTS

// The defaults are ONNX's, the float32 values of the SELU paper's constants.
void Selu_infer(InferContext& ctx) { unary_rule(ctx, kFloat, false, {"alpha", "gamma"}); }
KernelCall Selu_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_selu", {{"alpha", attr(g, n, "alpha", 1.67326319217681884765625)},
                                      {"gamma", attr(g, n, "gamma", 1.05070102214813232421875)}});
}

void Celu_infer(InferContext& ctx) {
  unary_rule(ctx, kFloat, false, {"alpha"});
  ctx.require(ctx.attr_float("alpha", 1.0) != 0.0, "alpha must not be 0");
}
KernelCall Celu_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_celu", {{"alpha", attr(g, n, "alpha", 1.0)}});
}

void ThresholdedRelu_infer(InferContext& ctx) { unary_rule(ctx, kFloat, false, {"alpha"}); }
KernelCall ThresholdedRelu_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_thresholded_relu", {{"alpha", attr(g, n, "alpha", 1.0)}});
}

void Shrink_infer(InferContext& ctx) { unary_rule(ctx, kFloat, false, {"bias", "lambd"}); }
KernelCall Shrink_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_shrink", {{"bias", attr(g, n, "bias", 0.0)}, {"lambd", attr(g, n, "lambd", 0.5)}});
}

void IsInf_infer(InferContext& ctx) { unary_rule(ctx, kFloat, true, {"detect_negative", "detect_positive"}); }
KernelCall IsInf_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  return unary_call(g, n, "op_isinf", {{"detect_negative", int64_t{ctx.attr_int("detect_negative", 1) != 0}},
                                       {"detect_positive", int64_t{ctx.attr_int("detect_positive", 1) != 0}}});
}

// --- Clip ---
// The bounds are inputs since opset 11: one-element tensors of x's type, each
// optional. They reach the kernel as pointers, so they may be computed at run time.
void Clip_infer(InferContext& ctx) {
  unary_rule(ctx, kNumeric, false, {});
  for (size_t i = 1; i <= 2; ++i)
    if (ctx.has_input(i)) {
      ctx.require(ctx.dtype(i) == ctx.dtype(0), "bound {} has element type {}, x has {}", i,
                  ir::dtype_name(ctx.dtype(i)), ir::dtype_name(ctx.dtype(0)));
      ctx.require(ctx.input(i).elements() == 1, "bound {} must be a scalar, not {}", i, ir::shape_str(ctx.shape(i)));
    }
}

bool Clip_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (has_in(n, i) && !in(g, n, i).is_constant()) return false;
  return eval::with_type<kNumeric>(in(g, n, 0).dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> v = eval::elements<T>(in(g, n, 0));
    const bool has_lo = has_in(n, 1), has_hi = has_in(n, 2);
    const T lo = has_lo ? eval::elements<T>(in(g, n, 1))[0] : T(0);
    const T hi = has_hi ? eval::elements<T>(in(g, n, 2))[0] : T(0);
    for (T& x : v) {  // as the clip kernel does
      if (has_lo && x < lo) x = lo;
      if (has_hi && x > hi) x = hi;
    }
    outs = {eval::to_bytes(v)};
  });
}

// Relu and Clip with constant bounds are clamps: pass fuse-activation folds them
// into a producer whose kernels apply one.
bool relu_clamp(const ir::Graph&, const ir::Node&, double& lo, double& hi) {
  lo = 0;
  hi = std::numeric_limits<double>::infinity();
  return true;
}

bool clip_clamp(const ir::Graph& g, const ir::Node& n, double& lo, double& hi) {
  lo = -std::numeric_limits<double>::infinity();
  hi = std::numeric_limits<double>::infinity();
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    if (n.inputs[i] == ir::kNoTensor) continue;
    const ir::Tensor& b = g.tensor(n.inputs[i]);
    if (!b.is_constant() || b.elements() != 1) return false;
    (i == 1 ? lo : hi) = ir::data_as_double(b)[0];
  }
  return true;
}

KernelCall Clip_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::TensorId lo = has_in(n, 1) ? n.inputs[1] : ir::kNoTensor;
  const ir::TensorId hi = has_in(n, 2) ? n.inputs[2] : ir::kNoTensor;
  KernelCall k{"elementwise.h", "clip", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0], lo, hi}, {n.outputs[0]}};
  k.params = {{"count", in(g, n, 0).elements()},
              {"has_lo", int64_t{lo != ir::kNoTensor}},
              {"has_hi", int64_t{hi != ir::kNoTensor}}};
  return k;
}

}  // namespace

#define MOTE_UNARY_DEF(Name, functor, kinds, bool_out) \
  extern const OpDef op_##Name = {#Name, Name##_infer, Name##_fold, no_macs, Name##_lower};
MOTE_UNARY_OPS(MOTE_UNARY_DEF)
#undef MOTE_UNARY_DEF
#undef MOTE_UNARY_OPS

#define MOTE_LUT_DEF(Name, ...)                                                                           \
  extern const OpDef op_##Name = {#Name, Name##_infer, Name##_fold, no_macs, nullptr, false, Name##_variants, \
                                  &kLutInt8Rule};
MOTE_LUT_OPS(MOTE_LUT_DEF)
#undef MOTE_LUT_DEF
#undef MOTE_LUT_OPS

extern const OpDef op_LeakyRelu = {"LeakyRelu", LeakyRelu_infer, nullptr, no_macs, nullptr, false, LeakyRelu_variants,
                                   &kLutInt8Rule};
extern const OpDef op_HardSigmoid = {"HardSigmoid", HardSigmoid_infer, nullptr, no_macs, nullptr, false,
                                     HardSigmoid_variants, &kLutInt8Rule};
extern const OpDef op_Elu = {"Elu", Elu_infer, nullptr, no_macs, nullptr, false, Elu_variants, &kLutInt8Rule};
extern const OpDef op_Selu = {"Selu", Selu_infer, nullptr, no_macs, Selu_lower};
extern const OpDef op_Celu = {"Celu", Celu_infer, nullptr, no_macs, Celu_lower};
extern const OpDef op_ThresholdedRelu = {"ThresholdedRelu", ThresholdedRelu_infer, nullptr, no_macs,
                                         ThresholdedRelu_lower};
extern const OpDef op_Shrink = {"Shrink", Shrink_infer, nullptr, no_macs, Shrink_lower};
extern const OpDef op_IsInf = {"IsInf", IsInf_infer, nullptr, no_macs, IsInf_lower};
extern const OpDef op_Clip = {"Clip", Clip_infer, Clip_fold, no_macs, Clip_lower, false, nullptr, nullptr, clip_clamp};
extern const OpDef op_Relu = {"Relu", Relu_infer, Relu_fold, no_macs, nullptr, false, Relu_variants, &kLutInt8Rule,
                              relu_clamp};

}  // namespace mote::ops
