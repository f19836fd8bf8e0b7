#pragma once
// Pass `qdq-signed` (always, before fold-qdq): uint8 activations of a QDQ model
// become int8. A QuantizeLinear to uint8 whose output is read only by
// DequantizeLinear nodes (not a graph output), all with constant zero points,
// gets every zero point z replaced by the int8 z - 128, so its tensor holds
// q - 128: QuantizeLinear's saturate(round(x / s) + z) over [0, 255] shifted by
// 128 is exactly saturate(round(x / s) + z - 128) over [-128, 127], and each
// DequantizeLinear's (q - z) * s is unchanged. The pairs then fold onto the int8
// kernels like those onnxruntime writes with int8 activations (onnxruntime's
// quantizer writes uint8 activations when asked for QUInt8). uint8 tensors read
// by anything else (QLinearConv, a graph output) keep their type.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns how many uint8 tensors became int8.
int qdq_signed(ir::Graph& g);

}  // namespace mote::passes
