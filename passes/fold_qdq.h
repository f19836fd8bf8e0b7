#pragma once
// Pass `fold-qdq` (always, after fuse-activation): a pre-quantized ONNX model in
// QDQ form (QuantizeLinear/DequantizeLinear pairs around float operators, as
// onnxruntime's quantizer writes) computes those operators in float between a
// Dequantize and a Quantize. This pass rewrites each such pattern into the int8
// IR form pass quantize-int8 produces, so the integer kernels run it:
//
// DQ(int8 per tensor) on each activation input -> node -> Q(int8 per tensor), where
// the node's op has an int8 rule (compiler/ops/int8_rule.h) whose form takes it:
// the same rule quantize-int8 asks, so the pass knows no op. The node then reads
// the DQs' int8 tensors and writes the Q's. Where the op imposes its output's
// parameters (pooling and views keep the input's, Softmax 1/256 and -128), the Q
// must carry those, unless the op requantizes (an average over equal windows).
// The rule rewrites the constants: for layers (Conv, Gemm, MatMul by a constant),
// weights from a DQ of int8 with zero point 0 (per tensor, or per output
// channel), a bias (a DQ of int32) requantized to x_scale * w_scale. A Relu or
// Clip between the node and the Q is fused into the node by fuse-activation
// before this pass, and its int8 form clamps in integers.
//
// Anything else keeps its exact ONNX semantics: uint8 data, weight zero points
// other than 0, a float result with other readers than the Q or that is a graph
// output, an int8 tensor read by anything but DequantizeLinear. A DequantizeLinear
// whose float value is still read stays; those nobody reads are removed.
//
// The weights come from resolve: a folded DequantizeLinear of int8 leaves its
// scale and zero point on the float constant, and the int8 values are recovered
// from it and checked to dequantize back to exactly those floats.
#include <map>
#include <string>

#include "compiler/ir/graph.h"

namespace mote::passes {

struct FoldQdqReport {
  std::map<std::string, int> folded;  // nodes now int8, by op
  int total() const {
    int t = 0;
    for (const auto& [op, count] : folded) t += count;
    return t;
  }
};

FoldQdqReport fold_qdq(ir::Graph& g);

}  // namespace mote::passes
