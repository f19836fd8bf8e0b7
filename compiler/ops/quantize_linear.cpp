// QuantizeLinear, DequantizeLinear (per tensor or per axis) and DynamicQuantizeLinear,
// to and from uint8 / int8 / int16 with ONNX's exact semantics. Kernels: quant.h, whose
// scalar formulas also fold constants, so a folded DequantizeLinear of a QDQ
// model's weight yields exactly what the generated code would.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace quant_eval {
#include "codegen/kernels/common.h"
#include "codegen/kernels/quant.h"
}  // namespace quant_eval

namespace {

// Quantized tensor viewed as (outer, C, inner), C the channels of the quantization axis.
struct Layout {
  int64_t outer = 1, c = 1, inner = 1;
};

// The layout of input 0 under the scale of input 1: per axis when the scale has
// more than one element.
Layout layout_of(const ir::Shape& x, int64_t scale_elements, int64_t axis) {
  Layout l;
  l.inner = ir::shape_elements(x);
  if (scale_elements == 1) return l;
  l.outer = ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis));
  l.c = x[static_cast<size_t>(axis)];
  l.inner = ir::shape_elements(ir::Shape(x.begin() + axis + 1, x.end()));
  return l;
}

// The rule of both: block quantization is refused; the scale is per tensor or
// per axis (one element per slice of x along `axis`), the zero point matches it
// and has the type of input `zp_type` (x when dequantizing, itself when quantizing).
void check_quant_params(InferContext& ctx, size_t zp_type) {
  ctx.require(ctx.attr_int("block_size", 0) == 0, "blocked quantization (block_size) is not supported");
  ctx.require(ctx.has_input(1), "the scale is required");
  // The axis matters only for a scale of more than one element (ONNX ignores it otherwise).
  int64_t channels = 1;
  if (ir::shape_elements(ctx.shape(1)) > 1) {
    ctx.require(ctx.rank(0) > 0, "a per-axis scale needs x of rank 1 or more");
    channels = ctx.shape(0)[static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 1), ctx.rank(0)))];
  }
  require_qparam(ctx, 1, true, channels, 0, "scale");
  require_qparam(ctx, 2, false, channels, zp_type, "zero point");
  require_same_count(ctx, 1, 2);
}

int64_t axis_of(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const int64_t r = static_cast<int64_t>(in(g, n, 0).shape.size());
  return in(g, n, 1).elements() > 1 ? ctx.axis(ctx.attr_int("axis", 1), r) : 0;
}

// ONNX's TensorProto codes of the quantized types (output_dtype, opset 21).
ir::DType q8_of_onnx_code(int64_t code) {
  return code == 2 ? ir::DType::kU8 : code == 3 ? ir::DType::kI8 : code == 5 ? ir::DType::kI16 : ir::DType::kUnknown;
}

// uint8, int8, and int16 (opset 21; Mote's --int16 layers).
bool is_quantized_type(ir::DType t) { return is_q8(t) || t == ir::DType::kI16; }

void quantize_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "saturate", "block_size", "output_dtype"});
  ctx.require(ctx.dtype(0) == ir::DType::kF32, "x must be float32, not {}", ir::dtype_name(ctx.dtype(0)));
  // The output type is the zero point's, uint8 when absent (or output_dtype's).
  ir::DType y = ctx.has_input(2) ? ctx.dtype(2) : ir::DType::kU8;
  if (const int64_t code = ctx.attr_int("output_dtype", 0); code != 0) {
    ctx.require(q8_of_onnx_code(code) != ir::DType::kUnknown, "output_dtype {} is not supported", code);
    ctx.require(!ctx.has_input(2) || q8_of_onnx_code(code) == y, "output_dtype {} differs from the zero point's type", code);
    y = q8_of_onnx_code(code);
  }
  ctx.require(is_quantized_type(y), "quantizing to {} is not supported (only uint8, int8 and int16)", ir::dtype_name(y));
  check_quant_params(ctx, 2);
  ctx.set_output(0, y, ctx.shape(0));
}

void dequantize_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "block_size", "output_dtype"});
  const ir::DType x = ctx.dtype(0);
  // int32 data (biases) has no zero point but 0; ONNX's reference then computes in
  // float too. onnxruntime's quantizer writes that 0 out, as ONNX allows.
  ctx.require(is_quantized_type(x) || x == ir::DType::kI32,
              "dequantizing {} is not supported (only uint8, int8, int16 and int32)", ir::dtype_name(x));
  if (x == ir::DType::kI32 && ctx.has_input(2)) {
    ctx.require(ctx.is_const(2), "an int32 zero point must be a constant 0, not computed at run time");
    for (int64_t z : ctx.const_ints_unbounded(2, "zero point"))
      ctx.require(z == 0, "an int32 zero point must be 0 (ONNX), not {}", z);
  }
  const int64_t code = ctx.attr_int("output_dtype", 0);
  ctx.require(code == 0 || code == 1, "output_dtype {} is not supported (only float32)", code);
  check_quant_params(ctx, 0);
  ctx.set_output(0, ir::DType::kF32, ctx.shape(0));
}

void dynamic_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.require(ctx.dtype(0) == ir::DType::kF32, "x must be float32, not {}", ir::dtype_name(ctx.dtype(0)));
  ctx.set_output(0, ir::DType::kU8, ctx.shape(0));
  ctx.set_output(1, ir::DType::kF32, {});
  ctx.set_output(2, ir::DType::kU8, {});
}

// The value of scale or zero point input i for channel c (0 for an absent zero point).
double qvalue(const std::vector<double>& v, int64_t c) {
  if (v.empty()) return 0;
  return v[v.size() == 1 ? 0 : static_cast<size_t>(c)];
}

// Folds QuantizeLinear (`quantize`) or DequantizeLinear when every input is constant.
template <bool quantize>
bool fold_linear(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (has_in(n, i) && !in(g, n, i).is_constant()) return false;
  const ir::Tensor& x = in(g, n, 0);
  const Layout l = layout_of(x.shape, in(g, n, 1).elements(), axis_of(g, n));
  const std::vector<double> xs = ir::data_as_double(x), sc = ir::data_as_double(in(g, n, 1));
  const std::vector<double> zp = has_in(n, 2) ? ir::data_as_double(in(g, n, 2)) : std::vector<double>{};
  const ir::DType yt = out(g, n, 0).dtype;
  std::vector<double> y(xs.size());
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.c; ++c) {
      const float s = static_cast<float>(qvalue(sc, c));
      const int32_t z = static_cast<int32_t>(qvalue(zp, c));
      for (int64_t i = 0; i < l.inner; ++i) {
        const size_t e = static_cast<size_t>((o * l.c + c) * l.inner + i);
        const float v = static_cast<float>(xs[e]);  // exact: x is float32, 8- or 16-bit
        if constexpr (quantize) {
          y[e] = yt == ir::DType::kU8    ? quant_eval::q_quantize<uint8_t>(v, s, z)
                 : yt == ir::DType::kI16 ? quant_eval::q_quantize<int16_t>(v, s, z)
                                         : quant_eval::q_quantize<int8_t>(v, s, z);
        } else if (x.dtype == ir::DType::kI32) {
          y[e] = static_cast<double>(static_cast<float>(static_cast<int32_t>(xs[e])) * s);
        } else {
          y[e] = x.dtype == ir::DType::kU8    ? quant_eval::q_dequantize<uint8_t>(static_cast<uint8_t>(xs[e]), s, z)
                 : x.dtype == ir::DType::kI16 ? quant_eval::q_dequantize<int16_t>(static_cast<int16_t>(xs[e]), s, z)
                                              : quant_eval::q_dequantize<int8_t>(static_cast<int8_t>(xs[e]), s, z);
        }
      }
    }
  outs = {ir::encode_double(yt, y)};
  return true;
}

KernelCall linear_lower(const ir::Graph& g, const ir::Node& n, const char* kernel, ir::DType q) {
  const Layout l = layout_of(in(g, n, 0).shape, in(g, n, 1).elements(), axis_of(g, n));
  KernelCall k{"quant.h", kernel, {ir::dtype_ctype(q)}, {}, {}, {}};
  k.params = {{"outer", l.outer}, {"C", l.c}, {"inner", l.inner}};
  k.inputs = {n.inputs[0]};
  add_qparam(k, g, n, 1, "scale");
  add_qparam(k, g, n, 2, "zp");
  k.outputs = {n.outputs[0]};
  return k;
}

KernelCall quantize_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return linear_lower(g, n, "quantize_linear", out(g, n, 0).dtype);
}

KernelCall dequantize_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return linear_lower(g, n, "dequantize_linear", in(g, n, 0).dtype);
}

KernelCall dynamic_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"quant.h", "dynamic_quantize_linear", {}, {{"count", in(g, n, 0).elements()}}, {n.inputs[0]}, {}};
  for (size_t i = 0; i < 3; ++i) k.outputs.push_back(i < n.outputs.size() ? n.outputs[i] : ir::kNoTensor);
  return k;
}

Cost no_cost(const ir::Graph&, const ir::Node&) { return {}; }

}  // namespace

extern const OpDef op_QuantizeLinear = {"QuantizeLinear", quantize_infer, fold_linear<true>, no_cost, quantize_lower};
extern const OpDef op_DequantizeLinear = {"DequantizeLinear", dequantize_infer, fold_linear<false>, no_cost,
                                          dequantize_lower};
extern const OpDef op_DynamicQuantizeLinear = {"DynamicQuantizeLinear", dynamic_infer, nullptr, no_cost, dynamic_lower};

}  // namespace mote::ops
