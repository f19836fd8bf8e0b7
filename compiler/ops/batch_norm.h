#pragma once
// What BatchNormalization's definition (batch_norm.cpp) lends the pass that folds
// it (passes/fold_batch_norm.cpp): its per-channel affine, computed in one place.
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::ops {

// y = scale[c] * x + shift[c] for an inference BatchNormalization whose inputs 1-4
// are constants: scale = Scale / sqrt(var + epsilon), shift = B - scale * mean, in
// double, with epsilon the float ONNX stores (the kernels and onnxruntime add that
// float). False when epsilon or a scale is not finite.
struct BatchNormAffine {
  std::vector<double> scale, shift;
};
bool batch_norm_affine(const ir::Graph& g, const ir::Node& n, BatchNormAffine& a);

}  // namespace mote::ops
