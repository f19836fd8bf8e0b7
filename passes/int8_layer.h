#pragma once
// What passes quantize-int8 and fold-qdq share about the layers Mote has int8
// kernels for: which Gemm / Conv / MatMul / pooling nodes fit those kernels, and
// the (channels, taps) weight layout the int8 Gemm wants.
#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::passes {

// The int8 kernels accumulate in int32: deeper reductions are refused by them.
constexpr int64_t kMaxInt8Taps = 65793;

// Gemm (transA = 0, alpha = 1, B constant, C constant of one value per output unit
// with beta = 1), Conv (1-D/2-D, constant W and B) or MatMul of a 2-D input by a
// constant matrix, within the int8 kernels' depth: the attributes and shapes the
// int8 form takes. Element types are the caller's business.
bool int8_layer_shape_ok(const ir::Graph& g, const ir::Node& n);

// An average pool whose every window holds the same count (no ceil_mode, no
// auto_pad other than VALID, no padding unless it counts): its int8 form may
// requantize to another output scale than its input's.
bool uniform_average(const ir::Node& n);

// A layer's weights as (channels, taps), output channel first. A Gemm with
// transB = 0 (and a MatMul, which becomes that Gemm) gets its B transposed at
// compile time and transB = 1, the form fully_connected_s8 takes; `transposed`
// says so (a per-channel axis 1 of B is then axis 0).
struct ChannelMajorWeights {
  std::vector<double> values;
  ir::Shape shape;
  bool transposed = false;
};
ChannelMajorWeights channel_major_weights(ir::Node& n, const ir::Tensor& w);

}  // namespace mote::passes
