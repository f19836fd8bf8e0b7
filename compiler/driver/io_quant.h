#pragma once
// Float test data for a model whose C API is int8 (--io int8): inputs quantized
// and outputs dequantized with the scale and zero point the header publishes,
// so verify and bench take the same float files as for a float API. Such a tensor
// is an int8 one with one scale and zero point: ops::is_s8_quantized.
#include <cstdint>
#include <vector>

#include "compiler/ir/tensor.h"
#include "compiler/ops/quant_common.h"

namespace mote::driver {

// float data -> int8 as ONNX QuantizeLinear: saturate(rint(x / scale) + zero_point).
ir::Tensor quantize_for(const ir::Tensor& data, const ir::Tensor& model);

// The real values of an int8 output's bytes: scale * (q - zero_point).
std::vector<double> dequantize_from(const ir::Tensor& model, const std::vector<uint8_t>& bytes);

}  // namespace mote::driver
