#pragma once
// The int8 form of an elementwise function y = f(x) (Sigmoid, Tanh, HardSwish,
// HardSigmoid, LeakyRelu, GELU's Erf, Exp, ...): x and y int8 per tensor, and the
// 256 outputs x can have computed at compile time with f as the float kernel
// computes it, held in a 256-byte table in flash; an element costs one load.
// TFLite's int8 Logistic, Tanh and HardSwish tabulate the same way.
#include <string>
#include <vector>

#include "compiler/ops/op_def.h"

namespace mote::ops {

// The op's float function, as its float kernel computes it, for node n's attributes.
using FloatFn = float (*)(const ir::Node& n, float x);

// For an op's infer: true, with the output set, when n is in the int8 form
// (input 0 int8 per tensor); the output must carry its own parameters.
bool lut_s8_infer(InferContext& ctx);

// Entry q + 128 of the table: clamp(round(f(s_x * (q - z_x)) / s_y) + z_y) in int8,
// +-infinity to the ends of the range.
std::vector<int64_t> lut_s8_table(const ir::Node& n, FloatFn f, const ir::QuantParams& x, const ir::QuantParams& y);

// The table variant's pieces: it applies to the int8 form, adds the table to the
// graph as a constant (one per distinct table) and calls lut_s8.h.
std::string applies_lut_s8(const ir::Graph& g, const ir::Node& n);
std::string applies_float_unary(const ir::Graph& g, const ir::Node& n);  // "" unless the int8 form
KernelCall lut_s8_call(ir::Graph& g, const ir::Node& n, FloatFn f);
// lut_s8.h on int8 tensor x (one of n's inputs) with the given 256 entries, the
// table added to the graph as a constant (shared by nodes with equal tables).
KernelCall lut_s8_table_call(ir::Graph& g, const ir::Node& n, ir::TensorId x, const std::vector<int64_t>& table);
// lut_s8.h's lut_s8_channels: x (outer, channels, inner), channel c through entries
// [256 c, 256 c + 256) of `tables`, added to the graph as one constant.
KernelCall lut_s8_channels_call(ir::Graph& g, const ir::Node& n, ir::TensorId x, int64_t outer, int64_t channels,
                                int64_t inner, const std::vector<int64_t>& tables);
// A table per channel costs 256 bytes of flash: worth it when the channel holds at
// least as many elements as its table has entries.
constexpr int64_t kMinElementsPerChannelTable = 256;
template <FloatFn F>
KernelCall make_lut_s8(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lut_s8_call(g, n, F);
}

// The int8 rule of these ops: one input, int8 already (a Quantize in front would
// cost what the table saves), the output's calibrated range.
extern const Int8Rule kLutInt8Rule;

}  // namespace mote::ops
