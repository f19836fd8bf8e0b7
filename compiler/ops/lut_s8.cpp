#include "compiler/ops/lut_s8.h"

#include <algorithm>
#include <cmath>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"

namespace mote::ops {

bool lut_s8_infer(InferContext& ctx) {
  if (ctx.num_inputs() != 1 || !is_s8_quantized(ctx.input(0))) return false;
  set_s8_output(ctx, ctx.shape(0));
  return true;
}

std::vector<int64_t> lut_s8_table(const ir::Node& n, FloatFn f, const ir::QuantParams& x, const ir::QuantParams& y) {
  std::vector<int64_t> t;
  t.reserve(256);
  for (int q = -128; q <= 127; ++q) {
    const float v = f(n, x.scale[0] * static_cast<float>(q - x.zero_point[0]));
    double r = std::round(static_cast<double>(v) / static_cast<double>(y.scale[0]));
    if (std::isnan(r)) r = 0;  // no tabulated op gives NaN on finite input; keep the table defined
    t.push_back(static_cast<int64_t>(std::clamp(r + y.zero_point[0], -128.0, 127.0)));
  }
  return t;
}

std::string applies_lut_s8(const ir::Graph& g, const ir::Node& n) {
  return is_s8_quantized(in(g, n, 0)) ? "" : "not the int8 form";
}
std::string applies_float_unary(const ir::Graph& g, const ir::Node& n) {
  return is_s8_quantized(in(g, n, 0)) ? "the int8 form" : "";
}

KernelCall lut_s8_call(ir::Graph& g, const ir::Node& n, FloatFn f) {
  return lut_s8_table_call(g, n, n.inputs[0], lut_s8_table(n, f, in(g, n, 0).quant, out(g, n, 0).quant));
}

KernelCall lut_s8_table_call(ir::Graph& g, const ir::Node& n, ir::TensorId x, const std::vector<int64_t>& values) {
  // Nodes with the same function and parameters (pass patch's tiles, repeated
  // blocks) share one table in flash.
  const ir::TensorId table =
      add_or_reuse_constant(g, int8_constant_tensor(n.name + "_table", ir::DType::kI8, {256}, values, {}));
  KernelCall k{"lut_s8.h", "lut_s8", {}, {{"count", out(g, n, 0).elements()}}, {x, table}, {n.outputs[0]}};
  k.in_place_inputs = {0};  // y[i] is written after x[i] is read
  return k;
}

KernelCall lut_s8_channels_call(ir::Graph& g, const ir::Node& n, ir::TensorId x, int64_t outer, int64_t channels,
                                int64_t inner, const std::vector<int64_t>& tables) {
  const ir::TensorId table = add_or_reuse_constant(
      g, int8_constant_tensor(n.name + "_tables", ir::DType::kI8, {channels * 256}, tables, {}));
  KernelCall k{"lut_s8.h", "lut_s8_channels", {}, {}, {x, table}, {n.outputs[0]}};
  k.params = {{"outer", outer}, {"C", channels}, {"inner", inner}};
  k.in_place_inputs = {0};  // y[i] is written after x[i] is read
  return k;
}

namespace {
std::string lut_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.size() != 1) return "its int8 form takes one input";
  return single_output_form(g, n);
}
}  // namespace

const Int8Rule kLutInt8Rule = {lut_form, 1, /*quantizes_inputs=*/false};

}  // namespace mote::ops
