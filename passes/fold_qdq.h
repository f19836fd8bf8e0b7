#pragma once
// Pass `fold-qdq` (always, after fuse-activation): a pre-quantized ONNX model in
// QDQ form (QuantizeLinear/DequantizeLinear pairs around float operators, as
// onnxruntime's quantizer writes) computes those operators in float between a
// Dequantize and a Quantize. This pass rewrites each such pattern into the int8
// IR form pass quantize-int8 produces, so the integer kernels run it:
//
//  - DQ(x int8, per tensor) -> Conv / Gemm / MatMul by a constant (the layers
//    quantize-int8 takes), weights from a DQ of int8 with zero point 0 (per tensor,
//    or per output channel), optional bias (a DQ of int32, requantized to
//    x_scale * w_scale when its scale differs), fused Relu/Clip or not -> Q(y int8,
//    per tensor): one int8 layer reading x's int8 tensor and writing the Q's.
//  - DQ(a), DQ(b) -> Add (same shapes) [-> Relu] -> Q: int8 Add (clamped at real 0
//    when the Relu is folded in).
//  - DQ(x) -> MaxPool / GlobalMaxPool / AveragePool / GlobalAveragePool -> Q: int8
//    pool; the Q must keep x's scale and zero point unless the average's windows
//    all hold the same count (then it is requantized).
//  - DQ(x) -> Flatten / Reshape -> Q with x's parameters: int8 pass-through.
//
// Anything else keeps its exact ONNX semantics: uint8 data, weight zero points
// other than 0, a float result with other readers than the Q or that is a graph
// output, an int8 tensor read by anything but DequantizeLinear. A DequantizeLinear
// whose float value is still read stays; those nobody reads are removed.
//
// The weights come from resolve: a folded DequantizeLinear of int8 leaves its
// scale and zero point on the float constant, and the int8 values are recovered
// from it and checked to dequantize back to exactly those floats.
#include "compiler/ir/graph.h"

namespace mote::passes {

struct FoldQdqReport {
  int layers = 0;  // Conv / Gemm / MatMul now int8
  int adds = 0;    // Adds now int8 (with their Relu when one followed)
  int pools = 0;   // pooling now int8
  int views = 0;   // Flatten / Reshape passing int8 through
};

FoldQdqReport fold_qdq(ir::Graph& g);

}  // namespace mote::passes
