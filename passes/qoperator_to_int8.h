#pragma once
// Pass `qoperator-to-int8`: pre-quantized QOperator layers onto the integer
// kernels. A QLinearConv or a 2-D QLinearMatMul by a constant matrix whose
// activations are int8 with constant per-tensor scales and zero points, whose
// weights are constant int8 with zero points 0 (per tensor or per output channel)
// and whose bias is a constant int32, becomes the int8 Conv / Gemm form that
// quantize-int8 writes (parameters on the tensors; QLinearMatMul's B transposed
// to (N, K)), and so runs on conv_s8.h / fully_connected_s8.h with TFLite's
// fixed-point requantization: integer-only, within one unit of ONNX's float
// requantization. uint8 activations, asymmetric weights and run-time scales keep
// the exact-semantics kernels of quant.h.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns how many nodes were rewritten.
int qoperator_to_int8(ir::Graph& g);

}  // namespace mote::passes
