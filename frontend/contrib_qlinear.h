#pragma once
// The com.microsoft operators onnxruntime's quantizer writes in QOperator form
// (QLinearAdd, QLinearMul, QLinearConcat, QLinearSigmoid, QLinearLeakyRelu,
// QLinearGlobalAveragePool, QLinearAveragePool, QLinearSoftmax) lower to the ONNX
// operator they quantize (Add, Mul, Concat, ...) on int8 tensors that carry the
// node's constant scales and zero points: the IR's int8 form, which each op's own
// rule then checks and runs on the same int8 kernels as post-training quantization.
// Their scale and zero point inputs are dropped.
#include <string>

#include "compiler/ir/graph.h"

namespace mote::frontend {

// Whether op_type of domain com.microsoft is one of these.
bool is_contrib_qlinear(const std::string& op_type);

// Rewrites node n, lowered as written (inputs, outputs, attributes), into its ONNX
// operator on int8 tensors. Returns "" or why it cannot (a uint8 or missing zero
// point, a scale computed at run time, a tensor given two scales).
std::string lower_contrib_qlinear(ir::Graph& g, ir::Node& n);

}  // namespace mote::frontend
