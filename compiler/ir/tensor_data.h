#pragma once
// Reading and writing the elements of a constant tensor without caring about its dtype.
// Compile-time work (constant folding, shape arithmetic, codegen of weights) goes through these.
#include <cstdint>
#include <vector>

#include "compiler/ir/tensor.h"

namespace mote::ir {

std::vector<double> data_as_double(const Tensor& t);
std::vector<int64_t> data_as_int(const Tensor& t);
// Elements are converted to `dtype` as a C cast would (integers wrap, floats round to nearest).
std::vector<uint8_t> encode_double(DType dtype, const std::vector<double>& values);
std::vector<uint8_t> encode_int(DType dtype, const std::vector<int64_t>& values);

}  // namespace mote::ir
