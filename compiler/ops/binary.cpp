// Broadcasting binary arithmetic: Add, Sub, Mul, Div, Pow, Mod, BitShift, PRelu,
// on every numeric type (integers wrap; see elementwise.h for the total integer
// semantics). Kernels: binary_* in elementwise.h. Every one folds on constants
// with the kernel's functor: exported graphs compute shapes this way.
#include <cmath>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/elementwise_common.h"
#include "compiler/ops/lut_s8.h"
#include "compiler/ops/quant_common.h"
#include "compiler/ops/s8_kernels.h"
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

// The int8 rule's form of Add and Mul: two operands that broadcast, activations
// or constants (a constant is quantized on its own range at compile time).
std::string two_operand_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 2 || n.outputs.size() != 1) return "it has not two inputs and one output";
  ir::Shape y;
  if (!broadcast_shapes(g.tensor(n.inputs[0]).shape, g.tensor(n.inputs[1]).shape, y)) return "its inputs do not broadcast";
  return "";
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
MOTE_ARITH(Div, op_div)

// --- Div by a constant: its int8 form is the int8 Mul by 1 / c, the constant
// quantized on its own range; the rule rewrites the node into that Mul ---
std::string div_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 2 || n.outputs.size() != 1) return "it has not two inputs and one output";
  const ir::Tensor& c = g.tensor(n.inputs[1]);
  if (!c.is_constant()) return "a Div of two activations has no int8 kernel yet (by a constant it has)";
  if (c.dtype != ir::DType::kF32) return "its constant is not float32";
  for (double v : ir::data_as_double(c))
    if (!std::isfinite(v) || !std::isfinite(static_cast<float>(1.0 / v)))
      return "its constant holds a value that is not finite, or whose reciprocal is not";
  ir::Shape y;
  if (!broadcast_shapes(g.tensor(n.inputs[0]).shape, c.shape, y)) return "its inputs do not broadcast";
  return "";
}

bool div_int8_constants(ir::Graph& g, ir::Node& n, float, bool, Int8Constants& k) {
  const ir::Tensor& c = g.tensor(n.inputs[1]);
  std::vector<double> v = ir::data_as_double(c);
  for (double& e : v) e = 1.0 / e;
  const Int8Weights q = int8_on_own_range(v);
  const std::string name = c.name + "_reciprocal_int8";
  const ir::Shape shape = c.shape;
  n.inputs[1] = k.add(name, ir::DType::kI8, shape, q.values, q.params);
  n.op = "Mul";
  return true;
}
const Int8Rule div_int8 = {div_int8_form, 1, /*quantizes_inputs=*/true, nullptr, nullptr, div_int8_constants};
#undef MOTE_ARITH

// --- Add; its int8 form (pass quantize-int8: both inputs and the output int8 with
// per-tensor QuantParams, shapes that broadcast, optional fused mote_act_min/max)
// runs add_s8.h, TFLite's rescaling; plain int8 tensors add as integers ---
// Add's and Mul's int8 form: both operands int8 with one scale and zero point.
bool s8_operands(const ir::Graph& g, const ir::Node& n) {
  return n.inputs.size() == 2 && is_s8_quantized(in(g, n, 0)) && is_s8_quantized(in(g, n, 1));
}

bool fused_relu(const ir::Node& n) {
  return n.attrs.size() == 2 && ir::attr_float(n.attrs, "mote_act_min", -1) == 0 &&
         std::isinf(ir::attr_float(n.attrs, "mote_act_max", 0)) && ir::attr_float(n.attrs, "mote_act_max", 0) > 0;
}

void Add_infer(InferContext& ctx) {
  const ir::Node& n = ctx.node();
  ctx.allow_attrs({"mote_act_min", "mote_act_max"});
  if (!s8_operands(ctx.graph(), n)) {
    // The float kernel fuses a Relu (pass fuse-activation), no other clamp.
    ctx.require(n.attrs.empty() || fused_relu(n), "the float Add fuses a Relu ([0, inf]) and no other clamp");
    arith_rule(ctx, kNumeric, "numbers");
    return;
  }
  set_s8_output(ctx, broadcast_inputs(ctx, {0, 1}));
}

// Both inputs have the output's shape: the kernels that index them alike apply.
bool same_shapes(const ir::Graph& g, const ir::Node& n) {
  return in(g, n, 0).shape == out(g, n, 0).shape && in(g, n, 1).shape == out(g, n, 0).shape;
}

// An int8 elementwise call over inputs that broadcast: the kernel's _broadcast
// form with the output's shape and each input's strides. Only the same-shape form
// reads a[i] and b[i] before writing y[i] (in place); the other reads elsewhere.
void s8_elementwise_shapes(KernelCall& k, const ir::Graph& g, const ir::Node& n) {
  if (same_shapes(g, n)) {
    k.in_place_inputs = {0, 1};
    return;
  }
  const ir::Shape& y = out(g, n, 0).shape;
  k.kernel += "_broadcast";
  k.params.push_back({"rank", static_cast<int64_t>(y.size())});
  k.params.push_back({"shape", y});
  k.params.push_back({"a_strides", broadcast_strides(in(g, n, 0).shape, y)});
  k.params.push_back({"b_strides", broadcast_strides(in(g, n, 1).shape, y)});
}

// Sub's int8 form is Add's (add_s8_ref negates the second operand's multiplier).
void Sub_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  if (!s8_operands(ctx.graph(), ctx.node())) return arith_rule(ctx, kNumeric, "numbers");
  set_s8_output(ctx, broadcast_inputs(ctx, {0, 1}));
}

bool Sub_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {
  if (s8_operands(g, n)) return false;
  return fold_same_type<kernel_eval::op_sub, kNumeric>(g, n, o);
}

bool Add_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {
  if (s8_operands(g, n) || !n.attrs.empty()) return false;
  return fold_same_type<kernel_eval::op_add, kNumeric>(g, n, o);
}

KernelCall add_s8_ref(const ir::Graph& g, const ir::Node& n) {
  const ir::QuantParams &a = in(g, n, 0).quant, &b = in(g, n, 1).quant, &y = out(g, n, 0).quant;
  std::string err;
  const auto r = quant::add_rescale(a.scale[0], b.scale[0], y.scale[0], &err);
  if (!r) throw support::Refusal(fmt::format("int8 {} rescaling: {}", n.op, err));
  const auto [act_min, act_max] = s8_activation_range(g, n);
  KernelCall k{"add_s8.h", "add_s8", {}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  // A Sub adds the second operand negated, as TFLite's: its multiplier's sign
  // flips (|multiplier| < 2^31, so the negation is exact), everything else is Add's.
  const int64_t in2_sign = n.op == "Sub" ? -1 : 1;
  k.params = {{"count", out(g, n, 0).elements()},
              {"in1_zp", int64_t{a.zero_point[0]}},
              {"in2_zp", int64_t{b.zero_point[0]}},
              {"out_zp", int64_t{y.zero_point[0]}},
              {"left_shift", int64_t{r->left_shift}},
              {"in1_mult", int64_t{r->input1.multiplier}},
              {"in1_shift", int64_t{r->input1.shift}},
              {"in2_mult", in2_sign * int64_t{r->input2.multiplier}},
              {"in2_shift", int64_t{r->input2.shift}},
              {"out_mult", int64_t{r->output.multiplier}},
              {"out_shift", int64_t{r->output.shift}},
              {"act_min", act_min},
              {"act_max", act_max}};
  // Every same-shape int8 Add kernel (reference, table, Helium) reads a[i] and
  // b[i] before it writes y[i] (Helium: four lanes at a time, loads before the store).
  s8_elementwise_shapes(k, g, n);
  return k;
}

// What each input contributes to add_s8.h's sum, for the 256 int8 values: the
// kernel library's own requantization (compiled in here) computes it, so the
// tables hold exactly what the reference computes.
namespace requant_eval {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/add_s8.h"
#include "codegen/kernels/mul_s8.h"
#include "codegen/kernels/prelu_s8.h"
}  // namespace requant_eval

// An int8 Add or Mul by a constant of one element is a function of the other
// input's 256 values: the variant tabulates the reference's own element function
// (compiled in above) and runs lut_s8.h, one load per element, bit for bit the
// reference's result. Which input is the constant, or -1.
int scalar_constant_input(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 2) return -1;
  for (int i = 0; i < 2; ++i) {
    const ir::Tensor& c = in(g, n, static_cast<size_t>(i));
    const ir::Tensor& x = in(g, n, static_cast<size_t>(1 - i));
    if (c.is_constant() && c.elements() == 1 && !x.is_constant() && x.shape == out(g, n, 0).shape) return i;
  }
  return -1;
}

// table[x + 128] = element(x, c) with the constant c in its own position.
template <class Element>
KernelCall by_constant_table(ir::Graph& g, const ir::Node& n, Element element) {
  const int ci = scalar_constant_input(g, n);
  const auto c = static_cast<int8_t>(ir::data_as_int(in(g, n, static_cast<size_t>(ci)))[0]);
  std::vector<int64_t> table;
  for (int v = -128; v <= 127; ++v) {
    const auto x = static_cast<int8_t>(v);
    table.push_back(ci == 1 ? element(x, c) : element(c, x));
  }
  return lut_s8_table_call(g, n, n.inputs[static_cast<size_t>(1 - ci)], table);
}

std::vector<int64_t> add_table(int64_t zp, int64_t left_shift, int64_t mult, int64_t shift) {
  std::vector<int64_t> t;
  for (int64_t v = -128; v <= 127; ++v)
    t.push_back(requant_eval::k_mul_by_quantized_multiplier(static_cast<int32_t>((v - zp) * (int64_t{1} << left_shift)),
                                                            static_cast<int32_t>(mult), static_cast<int32_t>(shift)));
  return t;
}

int64_t max_abs(const std::vector<int64_t>& v) {
  int64_t m = 0;
  for (int64_t x : v) m = std::max(m, x < 0 ? -x : x);
  return m;
}

int64_t int_param(const KernelCall& k, const char* name) { return std::get<int64_t>(param(k.params, name)); }

// The tables, and the output's fast requantization from their bound.
KernelCall add_s8_lut_call(const ir::Graph& g, const ir::Node& n) {
  KernelCall k = add_s8_ref(g, n);
  const std::vector<int64_t> t1 = add_table(int_param(k, "in1_zp"), int_param(k, "left_shift"), int_param(k, "in1_mult"),
                                            int_param(k, "in1_shift"));
  const std::vector<int64_t> t2 = add_table(int_param(k, "in2_zp"), int_param(k, "left_shift"), int_param(k, "in2_mult"),
                                            int_param(k, "in2_shift"));
  k.params.push_back({"lut1", t1});
  k.params.push_back({"lut2", t2});
  k.params.push_back({"per_channel", int64_t{0}});
  k.params.push_back({"mult", std::vector<int64_t>{int_param(k, "out_mult")}});
  k.params.push_back({"shift", std::vector<int64_t>{int_param(k, "out_shift")}});
  add_fast_requant(k.params, {int_param(k, "out_mult")}, {int_param(k, "out_shift")}, 1, max_abs(t1) + max_abs(t2));
  k.file = "add_s8_lut.h";
  k.kernel = "add_s8_lut";
  return k;
}

// The tables' sum must not overflow int32 (where the reference saturates it).
std::string applies_add_s8_lut(const ir::Graph& g, const ir::Node& n) {
  if (!s8_operands(g, n)) return "not the int8 form";
  if (!same_shapes(g, n)) return "its inputs broadcast";
  const KernelCall k = add_s8_lut_call(g, n);
  if (max_abs(std::get<std::vector<int64_t>>(param(k.params, "lut1"))) +
          max_abs(std::get<std::vector<int64_t>>(param(k.params, "lut2"))) >
      INT32_MAX)
    return "the two inputs' scaled values could overflow int32";
  return "";
}

std::string applies_add_s8_lut_mve(const ir::Graph& g, const ir::Node& n) {
  const std::string why = applies_add_s8_lut(g, n);
  if (!why.empty()) return why;
  const KernelCall k = add_s8_lut_call(g, n);
  if (std::get<int64_t>(param(k.params, "rq_fast")) == 0 || std::get<int64_t>(param(k.params, "rq_left")) != 0)
    return "its requantization needs the general form";
  return "";
}

std::string applies_add_s8_ref(const ir::Graph& g, const ir::Node& n) {
  return s8_operands(g, n) ? "" : "not the int8 form";
}
std::string applies_add_ref(const ir::Graph& g, const ir::Node& n) {
  return s8_operands(g, n) ? "the int8 form" : "";
}

KernelCall make_add_s8_lut(ir::Graph& g, const ir::Node& n, const target::Target&) { return add_s8_lut_call(g, n); }
KernelCall make_add_s8_lut_mve(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = add_s8_lut_call(g, n);
  k.file = "add_s8_mve.h";
  k.kernel = "add_s8_lut_mve";
  return k;
}
KernelCall make_add_s8_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return add_s8_ref(g, n); }
std::string applies_add_s8_by_constant(const ir::Graph& g, const ir::Node& n) {
  if (!s8_operands(g, n)) return "not the int8 form";
  return scalar_constant_input(g, n) >= 0 ? "" : "neither input is a constant of one element";
}
KernelCall make_add_s8_by_constant(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const KernelCall r = add_s8_ref(g, n);
  auto p = [&](const char* name) { return static_cast<int32_t>(int_param(r, name)); };
  return by_constant_table(g, n, [&](int8_t a, int8_t b) {
    return requant_eval::k_add_s8_elem(a, b, p("in1_zp"), p("in2_zp"), p("left_shift"), p("in1_mult"), p("in1_shift"),
                                       p("in2_mult"), p("in2_shift"), p("out_mult"), p("out_shift"), p("out_zp"),
                                       p("act_min"), p("act_max"));
  });
}
KernelCall make_add_ref(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return binary_call(g, n, fused_relu(n) ? "op_add_relu" : "op_add");
}

const std::vector<Variant>& add_variants() {
  static const std::vector<Variant> v = {
      {"add_s8_by_const_lut_1x1_scalar", 0, applies_add_s8_by_constant, make_add_s8_by_constant},
      {"add_s8_lut_4x1_mve", kFeatureMve, applies_add_s8_lut_mve, make_add_s8_lut_mve},
      {"add_s8_lut_1x1_scalar", 0, applies_add_s8_lut, make_add_s8_lut},
      {"add_s8_ref", 0, applies_add_s8_ref, make_add_s8_ref, /*reference=*/true},
      {"add_ref", 0, applies_add_ref, make_add_ref, /*reference=*/true},
  };
  return v;
}

// Sub's table: Add's kernels, which read the sign of in2_mult, and the float Sub.
std::string applies_sub_ref(const ir::Graph& g, const ir::Node& n) { return s8_operands(g, n) ? "the int8 form" : ""; }
KernelCall make_sub_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return binary_call(g, n, "op_sub"); }

const std::vector<Variant>& sub_variants() {
  static const std::vector<Variant> v = {
      {"sub_s8_by_const_lut_1x1_scalar", 0, applies_add_s8_by_constant, make_add_s8_by_constant},
      {"sub_s8_lut_4x1_mve", kFeatureMve, applies_add_s8_lut_mve, make_add_s8_lut_mve},
      {"sub_s8_lut_1x1_scalar", 0, applies_add_s8_lut, make_add_s8_lut},
      {"sub_s8_ref", 0, applies_add_s8_ref, make_add_s8_ref, /*reference=*/true},
      {"sub_ref", 0, applies_sub_ref, make_sub_ref, /*reference=*/true},
  };
  return v;
}

// --- Mul; its int8 form (both inputs and the output int8 per tensor, shapes that
// broadcast) runs mul_s8.h, TFLite's: (a - za)(b - zb) requantized by s_a s_b / s_y ---

void Mul_infer(InferContext& ctx) {
  const ir::Node& n = ctx.node();
  if (!s8_operands(ctx.graph(), n)) {
    ctx.allow_attrs({});
    arith_rule(ctx, kNumeric, "numbers");
    return;
  }
  ctx.allow_attrs({"mote_act_min", "mote_act_max"});
  set_s8_output(ctx, broadcast_inputs(ctx, {0, 1}));
}

bool Mul_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& o) {
  if (s8_operands(g, n)) return false;
  return fold_same_type<kernel_eval::op_mul, kNumeric>(g, n, o);
}

KernelCall make_mul_s8_ref(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::QuantParams &a = in(g, n, 0).quant, &b = in(g, n, 1).quant, &y = out(g, n, 0).quant;
  std::string err;
  const double real = static_cast<double>(a.scale[0]) * static_cast<double>(b.scale[0]) / static_cast<double>(y.scale[0]);
  const auto m = quant::quantize_multiplier(real, &err);
  if (!m) throw support::Refusal(fmt::format("int8 Mul rescaling: {}", err));
  const auto [act_min, act_max] = s8_activation_range(g, n);
  KernelCall k{"mul_s8.h", "mul_s8", {}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", out(g, n, 0).elements()},
              {"in1_zp", int64_t{a.zero_point[0]}},
              {"in2_zp", int64_t{b.zero_point[0]}},
              {"out_zp", int64_t{y.zero_point[0]}},
              {"out_mult", int64_t{m->multiplier}},
              {"out_shift", int64_t{m->shift}},
              {"act_min", act_min},
              {"act_max", act_max}};
  s8_elementwise_shapes(k, g, n);
  return k;
}
std::string applies_mul_s8(const ir::Graph& g, const ir::Node& n) { return s8_operands(g, n) ? "" : "not the int8 form"; }
std::string applies_mul_s8_by_constant(const ir::Graph& g, const ir::Node& n) {
  if (!s8_operands(g, n)) return "not the int8 form";
  return scalar_constant_input(g, n) >= 0 ? "" : "neither input is a constant of one element";
}
KernelCall make_mul_s8_by_constant(ir::Graph& g, const ir::Node& n, const target::Target& t) {
  const KernelCall r = make_mul_s8_ref(g, n, t);
  auto p = [&](const char* name) { return static_cast<int32_t>(int_param(r, name)); };
  return by_constant_table(g, n, [&](int8_t a, int8_t b) {
    return requant_eval::k_mul_s8_elem(a, b, p("in1_zp"), p("in2_zp"), p("out_mult"), p("out_shift"), p("out_zp"),
                                       p("act_min"), p("act_max"));
  });
}
// Which input of an int8 Mul is a gate broadcast over groups of the other's trailing
// axes (squeeze-excite's (N, C, 1, 1) over (N, C, H, W)), with the group size; -1
// when neither is. The other input has the output's shape.
struct ChannelGate {
  int index = -1;
  int64_t outer = 0, inner = 0;
};
ChannelGate channel_gate(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& y = out(g, n, 0).shape;
  for (int i = 0; i < 2; ++i) {
    const ir::Shape& gate = in(g, n, static_cast<size_t>(i)).shape;
    if (in(g, n, static_cast<size_t>(1 - i)).shape != y || gate.size() != y.size()) continue;
    size_t k = gate.size();
    while (k > 0 && gate[k - 1] == 1) --k;  // the trailing axes it is broadcast over
    bool prefix = true;
    for (size_t j = 0; j < k; ++j) prefix = prefix && gate[j] == y[j];
    if (!prefix || k == y.size()) continue;
    ChannelGate c{i, 1, 1};
    for (size_t j = 0; j < y.size(); ++j) (j < k ? c.outer : c.inner) *= y[j];
    return c;
  }
  return {};
}
std::string applies_mul_s8_channel(const ir::Graph& g, const ir::Node& n) {
  if (!s8_operands(g, n)) return "not the int8 form";
  if (channel_gate(g, n).index < 0) return "neither input is a gate broadcast over the other's trailing axes";
  const double real = static_cast<double>(in(g, n, 0).quant.scale[0]) * static_cast<double>(in(g, n, 1).quant.scale[0]) /
                      static_cast<double>(out(g, n, 0).quant.scale[0]);
  const auto m = quant::quantize_multiplier(real);
  std::vector<Param> rq;
  if (m) add_fast_requant(rq, {m->multiplier}, {m->shift}, 1, int64_t{255} * 255);
  return m && std::get<int64_t>(param(rq, "rq_fast")) ? "" : "its requantization needs the general form";
}
KernelCall make_mul_s8_channel(ir::Graph& g, const ir::Node& n, const target::Target& t) {
  const KernelCall r = make_mul_s8_ref(g, n, t);
  const ChannelGate c = channel_gate(g, n);
  const size_t gi = static_cast<size_t>(c.index), xi = 1 - gi;
  KernelCall k{"mul_s8.h", "mul_s8_channel_fast", {}, {}, {n.inputs[xi], n.inputs[gi]}, {n.outputs[0]}};
  k.params = {{"outer", c.outer},
              {"inner", c.inner},
              {"in1_zp", int64_t{in(g, n, xi).quant.zero_point[0]}},
              {"in2_zp", int64_t{in(g, n, gi).quant.zero_point[0]}},
              {"out_zp", int_param(r, "out_zp")},
              {"act_min", int_param(r, "act_min")},
              {"act_max", int_param(r, "act_max")}};
  add_fast_requant(k.params, {int_param(r, "out_mult")}, {int_param(r, "out_shift")}, 1, int64_t{255} * 255);
  return k;
}
std::string applies_mul_ref(const ir::Graph& g, const ir::Node& n) { return s8_operands(g, n) ? "the int8 form" : ""; }
KernelCall make_mul_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return binary_call(g, n, "op_mul"); }

const std::vector<Variant>& mul_variants() {
  static const std::vector<Variant> v = {
      {"mul_s8_by_const_lut_1x1_scalar", 0, applies_mul_s8_by_constant, make_mul_s8_by_constant},
      {"mul_s8_channel_1x1_scalar", 0, applies_mul_s8_channel, make_mul_s8_channel},
      {"mul_s8_ref", 0, applies_mul_s8, make_mul_s8_ref, /*reference=*/true},
      {"mul_ref", 0, applies_mul_ref, make_mul_ref, /*reference=*/true},
  };
  return v;
}

const Int8Rule mul_int8 = {two_operand_int8_form, 2, /*quantizes_inputs=*/true};

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

// --- PRelu: y = x < 0 ? slope * x : x, slope broadcasting to x (one way only).
// Its int8 form (x, y int8 per tensor, the constant slope int8 on its own range)
// runs prelu_s8.h ---
bool s8_prelu(const ir::Graph& g, const ir::Node& n) { return s8_operands(g, n); }

void PRelu_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  const bool s8 = s8_prelu(ctx.graph(), ctx.node());
  if (s8) ctx.require(ctx.num_inputs() == 2, "expects 2 inputs, has {}", ctx.num_inputs());
  else arith_rule(ctx, kNumeric, "numbers");
  ir::Shape y;
  ctx.require(broadcast_shapes(ctx.shape(0), ctx.shape(1), y) && y == ctx.shape(0),
              "slope {} does not broadcast to x {}", ir::shape_str(ctx.shape(1)), ir::shape_str(ctx.shape(0)));
  if (s8) set_s8_output(ctx, y);
}

bool PRelu_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  if (s8_prelu(g, n)) return false;
  return fold_same_type<kernel_eval::op_prelu, kNumeric>(g, n, outs);
}

KernelCall prelu_s8_call(const ir::Graph& g, const ir::Node& n) {
  const ir::QuantParams &x = in(g, n, 0).quant, &a = in(g, n, 1).quant, &y = out(g, n, 0).quant;
  const double sx = x.scale[0], sa = a.scale[0], sy = y.scale[0];
  std::string err;
  const auto pos = quant::quantize_multiplier(sx / sy, &err);
  const auto neg = pos ? quant::quantize_multiplier(sx * sa / sy, &err) : std::nullopt;
  if (!pos || !neg) throw support::Refusal(fmt::format("int8 PRelu rescaling: {}", err));
  const ir::Shape& ys = out(g, n, 0).shape;
  KernelCall k{"prelu_s8.h", "prelu_s8", {}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", out(g, n, 0).elements()},
              {"in_zp", int64_t{x.zero_point[0]}},
              {"alpha_zp", int64_t{a.zero_point[0]}},
              {"out_zp", int64_t{y.zero_point[0]}},
              {"pos_mult", int64_t{pos->multiplier}},
              {"pos_shift", int64_t{pos->shift}},
              {"neg_mult", int64_t{neg->multiplier}},
              {"neg_shift", int64_t{neg->shift}},
              {"rank", static_cast<int64_t>(ys.size())},
              {"shape", ys},
              {"a_strides", broadcast_strides(in(g, n, 0).shape, ys)},
              {"b_strides", broadcast_strides(in(g, n, 1).shape, ys)}};
  return k;
}

// The slope is one value, or one per channel (axis 1 of x) with nothing else
// varying: x's value and its channel give y, so tables replace the arithmetic
// (one of 256 entries, or one per channel: lut_s8.h), computed with the
// reference's element function. Channels (0 for one table), or -1.
int64_t prelu_table_channels(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = in(g, n, 0).shape;
  const std::vector<int64_t> b = broadcast_strides(in(g, n, 1).shape, x);
  for (size_t d = 0; d < b.size(); ++d)
    if (b[d] != 0 && d != 1) return -1;
  return b.size() > 1 && b[1] != 0 ? x[1] : 0;
}
std::string applies_prelu_s8_lut(const ir::Graph& g, const ir::Node& n) {
  if (!s8_prelu(g, n)) return "not the int8 form";
  const int64_t c = prelu_table_channels(g, n);
  if (c < 0) return "its slope varies along other axes than the channels";
  if (c > 0 && out(g, n, 0).elements() / c < kMinElementsPerChannelTable)
    return fmt::format("a channel holds fewer than {} elements (its table would outweigh them)",
                       kMinElementsPerChannelTable);
  return "";
}
KernelCall make_prelu_s8_lut(ir::Graph& g, const ir::Node& n, const target::Target&) {
  const KernelCall r = prelu_s8_call(g, n);
  auto p = [&](const char* name) { return static_cast<int32_t>(int_param(r, name)); };
  const std::vector<int64_t> alpha = ir::data_as_int(in(g, n, 1));
  const int64_t c = prelu_table_channels(g, n);
  std::vector<int64_t> tables;
  for (size_t a = 0; a < (c == 0 ? size_t{1} : static_cast<size_t>(c)); ++a)
    for (int v = -128; v <= 127; ++v)
      tables.push_back(requant_eval::k_prelu_s8_elem(static_cast<int8_t>(v), static_cast<int8_t>(alpha[c == 0 ? 0 : a]),
                                                     p("in_zp"), p("alpha_zp"), p("out_zp"), p("pos_mult"),
                                                     p("pos_shift"), p("neg_mult"), p("neg_shift")));
  if (c == 0) return lut_s8_table_call(g, n, n.inputs[0], tables);
  const ir::Shape& x = in(g, n, 0).shape;
  return lut_s8_channels_call(g, n, n.inputs[0], x[0], c, ir::shape_elements(ir::Shape(x.begin() + 2, x.end())),
                              tables);
}
std::string applies_prelu_s8(const ir::Graph& g, const ir::Node& n) { return s8_prelu(g, n) ? "" : "not the int8 form"; }
KernelCall make_prelu_s8(ir::Graph& g, const ir::Node& n, const target::Target&) { return prelu_s8_call(g, n); }
std::string applies_prelu(const ir::Graph& g, const ir::Node& n) { return s8_prelu(g, n) ? "the int8 form" : ""; }
KernelCall make_prelu(ir::Graph& g, const ir::Node& n, const target::Target&) { return binary_call(g, n, "op_prelu"); }

const std::vector<Variant>& prelu_variants() {
  static const std::vector<Variant> v = {
      {"prelu_s8_lut_1x1_scalar", 0, applies_prelu_s8_lut, make_prelu_s8_lut},
      {"prelu_s8_ref", 0, applies_prelu_s8, make_prelu_s8, /*reference=*/true},
      {"prelu_ref", 0, applies_prelu, make_prelu, /*reference=*/true},
  };
  return v;
}

// PRelu's int8 rule: a constant float32 slope of finite values, quantized on its
// own range; the output gets its own calibrated parameters.
std::string prelu_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 2 || n.outputs.size() != 1) return "it has not two inputs and one output";
  const ir::Tensor& a = in(g, n, 1);
  if (!a.is_constant()) return "its slope is computed at run time (the int8 form needs a constant slope)";
  if (a.dtype != ir::DType::kF32) return "its slope is not float32";
  for (double v : ir::data_as_double(a))
    if (!std::isfinite(v)) return "its slope holds a value that is not finite";
  return "";
}
bool prelu_int8_constants(ir::Graph& g, ir::Node& n, float, bool, Int8Constants& k) {
  const ir::Tensor& a = in(g, n, 1);
  const Int8Weights q = int8_on_own_range(ir::data_as_double(a));
  const std::string name = a.name + "_int8";
  const ir::Shape shape = a.shape;
  n.inputs[1] = k.add(name, ir::DType::kI8, shape, q.values, q.params);
  return true;
}
const Int8Rule prelu_int8 = {prelu_int8_form, 1, /*quantizes_inputs=*/false, nullptr, nullptr, prelu_int8_constants};

// --- Add's int8 rule: two operands that broadcast, activations or constants,
// rescaled as TFLite does, with any fused clamp; its float kernel fuses a Relu only ---
const Int8Rule add_int8 = {two_operand_int8_form, 2, /*quantizes_inputs=*/true};
const Int8Rule sub_int8 = {two_operand_int8_form, 2, /*quantizes_inputs=*/true};

bool add_takes_relu(const ir::Graph& g, const ir::Node& n, double lo, double hi) {
  return n.inputs.size() == 2 && in(g, n, 0).dtype == ir::DType::kF32 && in(g, n, 1).dtype == ir::DType::kF32 &&
         lo == 0 && std::isinf(hi) && hi > 0;
}

}  // namespace

extern const OpDef op_Add = {"Add", Add_infer, Add_fold, no_macs, nullptr, false, add_variants, &add_int8, nullptr,
                             add_takes_relu};
extern const OpDef op_Sub = {"Sub", Sub_infer, Sub_fold, no_macs, nullptr, false, sub_variants, &sub_int8};
extern const OpDef op_Mul = {"Mul", Mul_infer, Mul_fold, no_macs, nullptr, false, mul_variants, &mul_int8};
extern const OpDef op_Div = {"Div", Div_infer, Div_fold, no_macs, Div_lower, false, nullptr, &div_int8};
extern const OpDef op_Pow = {"Pow", Pow_infer, Pow_fold, no_macs, Pow_lower};
extern const OpDef op_Mod = {"Mod", Mod_infer, Mod_fold, no_macs, Mod_lower};
extern const OpDef op_BitShift = {"BitShift", BitShift_infer, BitShift_fold, no_macs, BitShift_lower};
extern const OpDef op_PRelu = {"PRelu", PRelu_infer, PRelu_fold, no_macs, nullptr, false, prelu_variants, &prelu_int8};

}  // namespace mote::ops
