// Elementwise operators: unary activations and math, and numpy-broadcasting
// binary arithmetic. Kernels: elementwise.h. Binary ops on constants fold at
// compile time (shape arithmetic in exported graphs).
#include <cmath>
#include <limits>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

// --- unary -----------------------------------------------------------------

void unary_infer(InferContext& ctx, std::initializer_list<const char*> attrs) {
  ctx.allow_attrs(attrs);
  require_float(ctx, 0);
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

KernelCall unary_lower(const ir::Graph& g, const ir::Node& n, const char* op, std::vector<Param> params = {}) {
  KernelCall k{"elementwise.h", "unary", {ir::dtype_ctype(in(g, n, 0).dtype), op}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", in(g, n, 0).elements()}};
  for (Param& p : params) k.params.push_back(std::move(p));
  return k;
}

#define MOTE_UNARY(Name, functor)                                                                       \
  void Name##_infer(InferContext& ctx) { unary_infer(ctx, {}); }                                        \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {             \
    return unary_lower(g, n, functor);                                                                  \
  }
MOTE_UNARY(Relu, "op_relu")
MOTE_UNARY(Sigmoid, "op_sigmoid")
MOTE_UNARY(Tanh, "op_tanh")
MOTE_UNARY(Sqrt, "op_sqrt")
MOTE_UNARY(HardSwish, "op_hard_swish")
#undef MOTE_UNARY

void LeakyRelu_infer(InferContext& ctx) { unary_infer(ctx, {"alpha"}); }
KernelCall LeakyRelu_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_lower(g, n, "op_leaky_relu", {{"alpha", InferContext(g, n).attr_float("alpha", 0.01)}});
}

void HardSigmoid_infer(InferContext& ctx) { unary_infer(ctx, {"alpha", "beta"}); }
KernelCall HardSigmoid_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  return unary_lower(g, n, "op_hard_sigmoid",
                     {{"alpha", ctx.attr_float("alpha", 0.2)}, {"beta", ctx.attr_float("beta", 0.5)}});
}

// Clip's bounds are inputs since opset 11; Mote needs them constant.
void Clip_infer(InferContext& ctx) {
  unary_infer(ctx, {});
  for (size_t i = 1; i <= 2; ++i)
    if (ctx.has_input(i)) {
      ctx.require(ctx.input(i).elements() == 1, "bound {} must be a scalar", i);
      ctx.const_doubles(i, i == 1 ? "min" : "max");
    }
}
KernelCall Clip_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const double inf = std::numeric_limits<double>::infinity();
  const double lo = has_in(n, 1) ? ir::data_as_double(in(g, n, 1))[0] : -inf;
  const double hi = has_in(n, 2) ? ir::data_as_double(in(g, n, 2))[0] : inf;
  KernelCall k = unary_lower(g, n, "op_clip", {{"lo", lo}, {"hi", hi}});
  k.inputs = {n.inputs[0]};
  return k;
}

// --- binary ----------------------------------------------------------------

void binary_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  const ir::DType t = ctx.dtype(0);
  ctx.require(t == ctx.dtype(1) || ctx.node().op == "Pow", "operand element types differ ({} and {})",
              ir::dtype_name(t), ir::dtype_name(ctx.dtype(1)));
  ir::Shape y;
  ctx.require(broadcast_shapes(ctx.shape(0), ctx.shape(1), y), "shapes {} and {} do not broadcast",
              ir::shape_str(ctx.shape(0)), ir::shape_str(ctx.shape(1)));
  // Integer arithmetic is only folded at compile time (shape computations).
  const bool constant = ctx.is_const(0) && ctx.is_const(1);
  ctx.require(ir::dtype_is_float(t) || constant, "element type {} is only supported on constants",
              ir::dtype_name(t));
  if (ctx.node().op == "Pow") ctx.require(ctx.dtype(1) == t || constant, "Pow with a different exponent type");
  ctx.set_output(0, t, y);
}

double apply(const std::string& op, double a, double b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  return std::pow(a, b);
}

int64_t apply_int(const std::string& op, int64_t a, int64_t b, bool& ok) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") {
    if (b == 0) { ok = false; return 0; }
    return a / b;
  }
  return static_cast<int64_t>(std::pow(static_cast<double>(a), static_cast<double>(b)));
}

bool binary_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  if (!a.is_constant() || !b.is_constant()) return false;
  const auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  const auto sy = row_major_strides(y.shape);
  auto offsets = [&](int64_t i, int64_t& ia, int64_t& ib) {
    ia = ib = 0;
    for (size_t d = 0; d < y.shape.size(); ++d) {
      const int64_t idx = (i / sy[d]) % y.shape[d];
      ia += idx * sa[d];
      ib += idx * sb[d];
    }
  };
  const int64_t count = y.elements();
  if (ir::dtype_is_float(y.dtype)) {
    const auto va = ir::data_as_double(a), vb = ir::data_as_double(b);
    std::vector<double> r(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      int64_t ia, ib;
      offsets(i, ia, ib);
      double v = apply(n.op, va[static_cast<size_t>(ia)], vb[static_cast<size_t>(ib)]);
      if (y.dtype == ir::DType::kF32) v = static_cast<float>(v);  // round as float arithmetic would
      r[static_cast<size_t>(i)] = v;
    }
    outs = {ir::encode_double(y.dtype, r)};
    return true;
  }
  const auto va = ir::data_as_int(a), vb = ir::data_as_int(b);
  std::vector<int64_t> r(static_cast<size_t>(count));
  bool ok = true;
  for (int64_t i = 0; i < count; ++i) {
    int64_t ia, ib;
    offsets(i, ia, ib);
    r[static_cast<size_t>(i)] = apply_int(n.op, va[static_cast<size_t>(ia)], vb[static_cast<size_t>(ib)], ok);
  }
  if (!ok) return false;
  outs = {ir::encode_int(y.dtype, r)};
  return true;
}

KernelCall binary_lower(const ir::Graph& g, const ir::Node& n, const char* functor) {
  const ir::Tensor &a = in(g, n, 0), &b = in(g, n, 1), &y = out(g, n, 0);
  const char* ct = ir::dtype_ctype(y.dtype);
  KernelCall k{"elementwise.h", "binary_broadcast", {ct, ct, functor}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}};
  if (a.shape == y.shape && b.shape == y.shape) {
    k.kernel = "binary_same";
  } else if (a.shape == y.shape && b.elements() == 1) {
    k.kernel = "binary_scalar_b";
  } else if (b.shape == y.shape && a.elements() == 1) {
    k.kernel = "binary_scalar_a";
  } else {
    k.params.push_back({"rank", static_cast<int64_t>(y.shape.size())});
    k.params.push_back({"shape", y.shape});
    k.params.push_back({"a_strides", broadcast_strides(a.shape, y.shape)});
    k.params.push_back({"b_strides", broadcast_strides(b.shape, y.shape)});
  }
  return k;
}

#define MOTE_BINARY(Name, functor)                                                          \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) { \
    return binary_lower(g, n, functor);                                                     \
  }
MOTE_BINARY(Add, "op_add")
MOTE_BINARY(Sub, "op_sub")
MOTE_BINARY(Mul, "op_mul")
MOTE_BINARY(Div, "op_div")
MOTE_BINARY(Pow, "op_pow")
#undef MOTE_BINARY

Cost no_macs(const ir::Graph&, const ir::Node&) { return {}; }

}  // namespace

extern const OpDef op_Relu = {"Relu", Relu_infer, nullptr, no_macs, Relu_lower};
extern const OpDef op_Sigmoid = {"Sigmoid", Sigmoid_infer, nullptr, no_macs, Sigmoid_lower};
extern const OpDef op_Tanh = {"Tanh", Tanh_infer, nullptr, no_macs, Tanh_lower};
extern const OpDef op_Sqrt = {"Sqrt", Sqrt_infer, nullptr, no_macs, Sqrt_lower};
extern const OpDef op_HardSwish = {"HardSwish", HardSwish_infer, nullptr, no_macs, HardSwish_lower};
extern const OpDef op_LeakyRelu = {"LeakyRelu", LeakyRelu_infer, nullptr, no_macs, LeakyRelu_lower};
extern const OpDef op_HardSigmoid = {"HardSigmoid", HardSigmoid_infer, nullptr, no_macs, HardSigmoid_lower};
extern const OpDef op_Clip = {"Clip", Clip_infer, nullptr, no_macs, Clip_lower};
extern const OpDef op_Add = {"Add", binary_infer, binary_fold, no_macs, Add_lower};
extern const OpDef op_Sub = {"Sub", binary_infer, binary_fold, no_macs, Sub_lower};
extern const OpDef op_Mul = {"Mul", binary_infer, binary_fold, no_macs, Mul_lower};
extern const OpDef op_Div = {"Div", binary_infer, binary_fold, no_macs, Div_lower};
extern const OpDef op_Pow = {"Pow", binary_infer, binary_fold, no_macs, Pow_lower};

}  // namespace mote::ops
