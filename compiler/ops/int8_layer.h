#pragma once
// The int8 form the weighted layers share (Conv, Gemm, MatMul by a constant):
// int8 input and output per tensor, weights int8 per output channel as
// (channels, taps), bias int32 at input_scale * weight_scale[c] (TFLite's int8
// layers), or int16 activations with an int64 bias (its 16x8 layers). Each op's
// own rule (conv.cpp, gemm.cpp) says which of its attributes and shapes take it.
#include <cstdint>
#include <string>

#include "compiler/ops/int8_rule.h"

namespace mote::ops {

// The int8 kernels accumulate in int32: deeper reductions are refused by them.
// By weights (|w| <= 127, |x - zp| <= 255): 65793 products; of two activations
// (both offset by their zero points, up to 255 * 255 each): 33025.
constexpr int64_t kMaxInt8Taps = 65793;
constexpr int64_t kMaxInt8ActivationTaps = 33025;

// Why a layer whose outputs each sum `taps` products has no int8 form.
std::string too_deep_for_int8(int64_t taps);

// The Conv and Gemm kernels apply any fused clamp (OpDef::takes_clamp).
bool takes_any_clamp(const ir::Graph& g, const ir::Node& n, double lo, double hi);

// "" when layer n's weights (input 1) and optional bias (input 2) are float32
// constants, else why the layer has no int8 form.
std::string layer_constants_form(const ir::Graph& g, const ir::Node& n);

// A layer's weights as (channels, taps), output channel first. A Gemm with
// transB = 0 (and a MatMul, which becomes that Gemm) gets its B transposed at
// compile time and transB = 1, the form fully_connected_s8 takes.
ChannelMajorWeights channel_major_weights(ir::Node& n, const ir::Tensor& w);

// Int8Rule::constants of the weighted layers: int8 weights from `c`, the bias
// requantized to in_scale * weight_scale[c] (int32, or int64 for int16).
bool layer_int8_constants(ir::Graph& g, ir::Node& n, float in_scale, bool int16, Int8Constants& c);

}  // namespace mote::ops
