#pragma once
// Pass `quantize-int8` (only with `--quantize int8`, after fuse-activation):
// int8 post-training quantization of the layers Mote has int8 kernels for.
//
//  - Gemm (transA = 0, alpha = beta = 1, constant B and C; transB = 0 is
//    transposed at compile time) and Conv (1-D/2-D, grouped and depthwise,
//    constant W and B), fused activation or not, and MatMul of a 2-D input by a
//    constant matrix (it becomes a Gemm), whose input and output have a
//    calibrated range, become int8: weights int8 symmetric per output channel
//    (QuantParams with axis 0), bias int32 at input_scale * weight_scale[c],
//    activations int8 with the per-tensor asymmetric scale and zero point of
//    their calibrated range (quant::affine_int8).
//  - Add of two same-shape float tensors (int8 already or calibrated) with a
//    calibrated output becomes int8 (TFLite's rescaling, add_s8.h); a Relu that
//    is the Add's only reader is folded in (the Add writes the Relu's output,
//    clamped at real 0, with the Relu's range).
//  - MaxPool / GlobalMaxPool / AveragePool / GlobalAveragePool of an int8 tensor
//    stay int8: the input's parameters, except averages whose windows all hold
//    the same count, requantized to their output's calibrated range.
//  - Flatten and Reshape whose input is int8 pass int8 through (same params).
//  - Softmax of an int8 tensor becomes int8 (softmax_s8.h, integer only): output
//    scale 1/256, zero point -128, as TFLite's int8 Softmax.
//  - Nodes named in keep_float stay float (an unknown name is refused).
//  - Conv / Gemm / MatMul nodes named in int16 get int16 activations instead
//    (symmetric, zero point 0, scale max|range| / 32767), int8 weights and an
//    int64 bias, as TFLite's 16x8 layers. Their input is quantized to int16 from
//    float (a DequantizeLinear of an int8 producer, or the float tensor) unless
//    an int16 layer produced it; int8 readers of their output requantize
//    through float the same way. Only Conv, Gemm and MatMul have an int16 form.
//  - A QuantizeLinear is inserted where a float tensor enters an int8 node, and
//    a DequantizeLinear where an int8 tensor is read by a float node or is a
//    graph output (which keeps its name and float type: the C API is unchanged).
//  - Everything else stays float.
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
  // Conv / Gemm / MatMul nodes (by name) with int16 activations (TFLite's 16x8).
  std::set<std::string> int16;
};

// A node an int8 build leaves computing in float, and why.
struct FloatLayer {
  std::string name, op;
  std::string reason;  // "Mote has no int8 Sigmoid yet", "no calibrated range for 'x'"
  std::string flag;    // what would change it, when a flag would ("" when none)
};

struct QuantizeReport {
  int quantized_nodes = 0;   // Gemm / Conv / MatMul / Add now int8
  int passthrough_nodes = 0; // Flatten / Reshape / pooling now int8 (parameters of the input)
  int fused_relus = 0;       // Relus folded into the int8 Add they follow
  int kept_float_nodes = 0;  // nodes named in keep_float
  int int16_nodes = 0;       // of quantized_nodes, those with int16 activations
  int quantize_nodes = 0;    // QuantizeLinear inserted
  int dequantize_nodes = 0;  // DequantizeLinear inserted
  std::vector<FloatLayer> float_layers;  // in schedule order
};

QuantizeReport quantize_int8(ir::Graph& g, const QuantizeOptions& opts);

}  // namespace mote::passes
