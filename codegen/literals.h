#pragma once
// Exact, deterministic C literals for constants: floats print in their shortest
// form that reads back to the same bits.
#include <cstdint>
#include <string>

#include "compiler/ir/tensor.h"

namespace mote::codegen {

std::string float_literal(float v);
std::string double_literal(double v);
std::string int_literal(int64_t v, ir::DType t);
// All elements of a constant tensor, `per_line` to a line, indented.
std::string array_body(const ir::Tensor& t, int per_line, const std::string& indent);

}  // namespace mote::codegen
