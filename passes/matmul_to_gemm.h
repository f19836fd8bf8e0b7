#pragma once
// Pass `matmul-to-gemm`: a MatMul of a float32 input by a constant float32 2-D
// matrix is a fully connected layer. It becomes a Gemm (transB = 0), on a 2-D view
// of its input when that has more dimensions: a Reshape to (rows, K) in front and a
// Reshape back to the MatMul's output shape behind, both views, which cost no copy.
// A Linear layer applied to a sequence exports this way (x (1, T, D) @ W (D, N)).
// The Gemm then runs on the fully connected kernels in float, and its int8 rule
// (quantize-int8) makes it an int8 layer with per-channel weights, where a batched
// MatMul has no int8 form. An Add of a constant bias (one value per output column)
// that is the MatMul's only reader becomes the Gemm's C, as a Linear layer's bias.
// MatMuls of two activations stay as they are.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns the number of MatMul nodes rewritten.
int matmul_to_gemm(ir::Graph& g);

}  // namespace mote::passes
