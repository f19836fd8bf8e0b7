#pragma once
// Reading the constant scale and zero point inputs of ONNX's quantized operators
// (QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul) as the
// ir::QuantParams the int8 IR form carries on its tensors. Shared by the frontend (com.microsoft QLinear operators) and the passes
// that move such operators onto the integer kernels (int8-io, qoperator-to-int8).
#include <optional>

#include "compiler/ir/graph.h"

namespace mote::quant {

// Scale input `scale` (positive, finite; one value, or one per channel) and zero
// point input `zp` (kNoTensor means 0; else constant, of dtype `q`, one value or as
// many as the scales). nullopt when either is computed at run time or out of rule.
std::optional<ir::QuantParams> const_qparams(const ir::Graph& g, ir::TensorId scale, ir::TensorId zp, ir::DType q);

// The same, with exactly one scale and zero point.
std::optional<ir::QuantParams> const_qparams_per_tensor(const ir::Graph& g, ir::TensorId scale, ir::TensorId zp,
                                                        ir::DType q);

}  // namespace mote::quant
