#pragma once
// Pass `quantize-int8` (only with `--quantize int8`, after fuse-activation):
// int8 post-training quantization. The pass knows no op: each operator's
// definition carries its int8 rule (compiler/ops/int8_rule.h), and a node goes
// int8 when its rule's form takes it and what it reads is at hand:
//
//  - its activation inputs are int8 already, or have a calibrated range and the
//    op quantizes its inputs (layers, Add); a pool, a view or a Softmax goes
//    int8 only when its input already is;
//  - its output has a calibrated range (per-tensor asymmetric int8,
//    quant::affine_int8), unless the op imposes the output's parameters (pooling
//    and views keep the input's, Softmax takes 1/256 and -128 as TFLite);
//  - its constants are rewritten by the rule: weights int8 symmetric per output
//    channel (QuantParams with axis 0), bias int32 at input_scale * weight_scale[c].
//
//  - Nodes named in keep_float stay float (an unknown name is refused).
//  - Nodes named in int16 whose op has TFLite's 16x8 form (Conv, Gemm, MatMul by
//    a constant) get int16 activations instead (symmetric, zero point 0, scale
//    max|range| / 32767), int8 weights and an int64 bias. Their input is
//    quantized to int16 from float unless an int16 layer produced it; int8
//    readers of their output requantize through float the same way.
//  - A QuantizeLinear is inserted where a float tensor enters an int8 node, and
//    a DequantizeLinear where an int8 tensor is read by a float node or is a
//    graph output (which keeps its name and float type: the C API is unchanged).
//  - Everything else stays float, and the report says why (FloatLayer).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/calibration.h"

namespace mote::passes {

struct QuantizeOptions {
  // The calibrated range of each float tensor, by tensor name (mote calibrate).
  std::map<std::string, quant::Range> ranges;
  // Nodes (by name) that stay float whatever their ranges (mixed precision).
  std::set<std::string> keep_float;
  // Nodes (by name) with int16 activations (TFLite's 16x8: Conv, Gemm, MatMul).
  std::set<std::string> int16;
};

// A node an int8 build leaves computing in float, and why.
struct FloatLayer {
  std::string name, op;
  std::string reason;  // "Mote has no int8 Sigmoid yet", "no calibrated range for 'x'"
  std::string flag;    // what would change it, when a flag would ("" when none)
};

struct QuantizeReport {
  int quantized_nodes = 0;   // nodes now in their op's int8 (or int16) form
  int kept_float_nodes = 0;  // nodes named in keep_float
  int int16_nodes = 0;       // of quantized_nodes, those with int16 activations
  int quantize_nodes = 0;    // QuantizeLinear inserted
  int dequantize_nodes = 0;  // DequantizeLinear inserted
  std::vector<FloatLayer> float_layers;  // in schedule order
};

QuantizeReport quantize_int8(ir::Graph& g, const QuantizeOptions& opts);

}  // namespace mote::passes
