#pragma once
// How an operator computes in int8: the one rule that post-training quantization
// (pass quantize-int8) and the QDQ import (pass fold-qdq) both ask, so neither
// keeps a list of op names. An operator without a rule stays float and says so.
//
// The int8 form the rules describe is the IR's: activations int8 with per-tensor
// QuantParams on their tensors, constants re-laid and quantized as the op's int8
// kernels read them. Each op's infer accepts that form and its variants run it.
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::ops {

// A weighted layer's weights as (channels, taps), output channel first
// (int8_layer.h says how each layer gets there).
struct ChannelMajorWeights {
  std::vector<double> values;
  ir::Shape shape;
  bool transposed = false;  // the model's weight held the channels on axis 1
};

// Int8 weights: values as (channels, taps), scale per tensor or per channel (axis 0),
// zero point 0.
struct Int8Weights {
  std::vector<int64_t> values;
  ir::QuantParams params;
};

// What a pass lends an op's rule for rewriting the node's constant inputs.
class Int8Constants {
 public:
  virtual ~Int8Constants() = default;
  // A new constant tensor, named after `base` (made unique by the pass).
  virtual ir::TensorId add(const std::string& base, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& values,
                           ir::QuantParams params) = 0;
  // The int8 values of weights `w`, given as `cw`. Post-training quantization
  // computes them (symmetric, per channel); the QDQ import recovers those the model
  // dequantized, or returns nullopt when they cannot be recovered exactly.
  virtual std::optional<Int8Weights> weights(const ir::Tensor& w, const ChannelMajorWeights& cw) = 0;
};

constexpr int kAllInputs = -1;

struct Int8Rule {
  // "" when node n, still float, has an int8 form by its attributes, shapes and
  // constant inputs; otherwise why not, in words for the user ("an Add with
  // broadcasting has no int8 kernel yet").
  std::string (*form)(const ir::Graph& g, const ir::Node& n);
  // Inputs 0 .. activations-1 (kAllInputs: every input) are read in int8, per
  // tensor. The rest are constants: `constants` rewrites them, or the int8 form
  // reads them as they are.
  int activations = 1;
  // A float activation input is quantized in front of the node (layers, Add). An
  // op without this goes int8 only when its input already is int8: a
  // QuantizeLinear in front of a pool, a view or a Softmax costs more than it saves.
  bool quantizes_inputs = false;
  // The output's parameters as the op imposes them, from its int8 input 0's
  // (pooling and views keep them, Softmax fixes them); nullptr: the output's own
  // calibrated range gives them.
  ir::QuantParams (*imposed)(const ir::Node& n, const ir::QuantParams& in) = nullptr;
  // The imposed parameters may give way to the output's own (an average over
  // windows of equal count requantizes exactly as it divides).
  bool (*requantizes)(const ir::Node& n) = nullptr;
  // Rewrites the constant inputs for the int8 form, given input 0's scale; with
  // `int16`, for TFLite's 16x8 form. False (nothing added) when `c` cannot give
  // the weights.
  bool (*constants)(ir::Graph& g, ir::Node& n, float in_scale, bool int16, Int8Constants& c) = nullptr;
  // Has TFLite's 16x8 form (int16 activations, int8 weights, int64 bias): --int16.
  bool int16 = false;
  // When the count of int8 inputs depends on the node (a MatMul reads one
  // activation and constant weights, or two activations): it, instead of `activations`.
  int (*activations_of)(const ir::Graph& g, const ir::Node& n) = nullptr;
  // Every output, not only output 0, is int8 with the imposed parameters (Split:
  // each part keeps the input's).
  bool every_output = false;
};

// How many leading inputs of n rule r reads in int8.
inline int int8_activation_count(const Int8Rule& r, const ir::Graph& g, const ir::Node& n) {
  if (r.activations_of) return r.activations_of(g, n);
  return r.activations == kAllInputs ? static_cast<int>(n.inputs.size()) : r.activations;
}

// A constant tensor of integer type dt holding `values`, with parameters qp: what
// Int8Constants::add builds once the pass has made the name unique.
ir::Tensor int8_constant_tensor(std::string name, ir::DType dt, ir::Shape shape, const std::vector<int64_t>& values,
                                ir::QuantParams qp);

// A float constant operand in int8, per tensor, on its own range (0 included):
// q = clamp(round(v / scale) + zero_point). Every value must be finite.
Int8Weights int8_on_own_range(const std::vector<double>& values);

// Shared pieces of rules.
// The int8 output keeps the input's parameters (max pooling, views).
ir::QuantParams keep_input_params(const ir::Node& n, const ir::QuantParams& in);
// "" when n has one output (an optional second output left out counts as none).
std::string single_output_form(const ir::Graph& g, const ir::Node& n);

// The rule of the ops that only move bytes (views, Transpose, Slice, Gather,
// DepthToSpace, ...): an int8 input passes through, the output keeps its
// parameters, and the op's kernel, written for any element type, runs as it is.
extern const Int8Rule kMovesBytesInt8Rule;

}  // namespace mote::ops
