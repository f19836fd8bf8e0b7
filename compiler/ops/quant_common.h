#pragma once
// What the quantized operators (quantize_linear.cpp, qlinear.cpp) share: the
// 8-bit dtypes they take, the shape rules of scales and zero points, and how a
// scale or zero point reaches the kernels of codegen/kernels/quant.h.
#include <optional>

#include "compiler/ops/helpers.h"

namespace mote::ops {

// Quantized data Mote's kernels take: uint8 or int8 (int16, int4 and float8 are refused).
bool is_q8(ir::DType t);
void require_q8(const InferContext& ctx, size_t i, const char* what);

// Refuses unless input i (a scale when `scale`, else a zero point) is a scalar
// or a 1-D tensor of 1 or `channels` elements; a zero point must have the type
// of input `data`. An absent input passes (a zero point defaults to 0).
void require_qparam(const InferContext& ctx, size_t i, bool scale, int64_t channels, size_t data, const char* what);
// Refuses unless zero point input `zp` has as many elements as scale input `scale`.
void require_same_count(const InferContext& ctx, size_t scale, size_t zp);

// Elements of input i (1 when absent).
int64_t qparam_count(const ir::Graph& g, const ir::Node& n, size_t i);

// Emits the kernel parameters `<name>_const`, `<name>_pc` (per channel) and
// `<name>` (max(1, elements) entries) for input i, and appends the run-time
// operand to k.inputs: nullptr when the values are baked (constant or absent).
void add_qparam(KernelCall& k, const ir::Graph& g, const ir::Node& n, size_t i, const char* name);

}  // namespace mote::ops

namespace mote::ops {

// The int8 form of Conv and Gemm that pass quantize-int8 writes: input 0 int8
// per tensor, weight (input 1) constant int8 symmetric per tensor or per output
// channel (`channels` of them), bias (input 2, optional) constant int32 [channels],
// output 0 int8 per tensor, each with its QuantParams on the tensor. Or the int16
// form (--int16, TFLite's 16x8): input and output int16 with zero point 0, bias
// int64. Refuses otherwise.
void require_s8_layer(const InferContext& ctx, int64_t channels);

// An int8 tensor with one (per-tensor) scale and zero point: the activations
// pass quantize-int8 writes. Plain int8 tensors (no QuantParams) are integers.
bool is_s8_quantized(const ir::Tensor& t);

// For an elementwise op's infer in its int8 form: refuses unless output 0 carries
// one scale and zero point, and sets it int8 with `shape`.
void set_s8_output(InferContext& ctx, const ir::Shape& shape);

// The fused mote_act_min / mote_act_max clamp of node n in the units of its int8
// output 0 (zp + round(bound / scale), within int8), as TFLite's
// CalculateActivationRangeQuantized; no clamp gives [-128, 127].
std::pair<int64_t, int64_t> s8_activation_range(const ir::Graph& g, const ir::Node& n);

// The requantization parameters of such a layer for conv_s8.h / fully_connected_s8.h:
// in_zp, out_zp, act_min and act_max (the fused mote_act_min/max clamp in output
// units), per_channel, and mult[], shift[] (quant::channel_multipliers).
void add_s8_layer_params(std::vector<Param>& p, const ir::Graph& g, const ir::Node& n);

// For the optimized int8 kernels (conv_fast_s8.h, fully_connected_fast_s8.h): the
// int8 layer's bias with its input zero point folded in, one per output channel
// (quant::fold_input_zero_point), or nullopt when the layer is int16 or the fold
// could change a result; then the reference kernel runs.
std::optional<std::vector<int64_t>> s8_folded_bias(const ir::Graph& g, const ir::Node& n);

}  // namespace mote::ops
