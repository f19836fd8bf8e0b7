#pragma once
// Pass `fold-batch-norm`: an inference BatchNormalization with constant
// parameters whose input is read by nothing else and comes from a Gemm, a Conv,
// or a 2-D MatMul by a constant matrix is folded into that node's weights and
// bias (a MatMul becomes a Gemm with a bias). The float graph loses a kernel and
// a buffer per layer, and Gemm→BN→Relu becomes Gemm→Relu, which
// fuse-activation and quantize-int8 turn into one int8 layer.
#include "compiler/ir/graph.h"

namespace mote::passes {

void fold_batch_norm(ir::Graph& g);

}  // namespace mote::passes
