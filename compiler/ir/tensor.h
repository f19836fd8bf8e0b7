#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/dtype.h"

namespace mote::ir {

using Shape = std::vector<int64_t>;  // every dimension static and >= 0 once the graph is resolved
using TensorId = int32_t;
constexpr TensorId kNoTensor = -1;  // an absent optional input

int64_t shape_elements(const Shape& s);
std::string shape_str(const Shape& s);  // "1x3x32x32", "scalar" for rank 0

// Affine quantization: real = scale * (q - zero_point). One entry per tensor,
// or one per channel along `axis` when scale has more than one entry.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int32_t axis = -1;
  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  std::string name;     // as in the source model, unique in the graph
  DType dtype = DType::kUnknown;
  Shape shape;
  bool shape_known = false;  // false until the type of the tensor has been inferred
  // Constant tensors own their data: little-endian elements of `dtype`, row-major.
  std::optional<std::vector<uint8_t>> data;
  QuantParams quant;
  // Byte offset in the arena, set by the memory planner; -1 for tensors not in the arena
  // (constants, graph inputs and outputs, which live in the caller's buffers).
  int64_t arena_offset = -1;

  bool is_constant() const { return data.has_value(); }
  int64_t elements() const { return shape_elements(shape); }
  int64_t bytes() const;  // saturates at INT64_MAX, as shape_elements does
};

}  // namespace mote::ir
