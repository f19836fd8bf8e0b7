#pragma once
// Integer-only requantization parameters for int8 post-training quantization,
// computed the way TensorFlow Lite (and so CMSIS-NN) computes them: a real scale
// becomes a 32-bit fixed-point multiplier in [2^30, 2^31) and a power-of-two
// shift, real ~= multiplier * 2^(shift - 31). The run-time side is
// codegen/kernels/requant.h; docs/int8.md describes both.
//
// No exceptions: a scale that cannot be represented (negative, NaN, infinite)
// gives std::nullopt and, when `error` is given, a sentence saying why.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mote::quant {

struct FixedPointMultiplier {
  int32_t multiplier = 0;  // Q0.31, in [2^30, 2^31) unless the scale is 0 (then 0)
  int32_t shift = 0;       // > 0 shifts left, < 0 shifts right
};

// TFLite's QuantizeMultiplier: frexp(real) = fraction * 2^shift with fraction in
// [0.5, 1); multiplier = round(fraction * 2^31) (half away from zero); when that
// rounds up to 2^31 it is halved and shift grows by one. 0 gives {0, 0}; a scale
// so small that shift < -31 flushes to {0, 0}. Negative or non-finite: nullopt.
std::optional<FixedPointMultiplier> quantize_multiplier(double real, std::string* error = nullptr);

// One multiplier per output channel of a conv or fully connected layer with
// symmetric per-channel weights: real[c] = input_scale * weight_scales[c] /
// output_scale, computed in double from the float scales as TFLite does.
// A single weight scale is the per-tensor case.
std::optional<std::vector<FixedPointMultiplier>> channel_multipliers(float input_scale,
                                                                     const std::vector<float>& weight_scales,
                                                                     float output_scale,
                                                                     std::string* error = nullptr);

// The int32 bias of a conv or fully connected layer: round(bias / (input_scale *
// weight_scale)), half away from zero, saturated to [-INT32_MAX, INT32_MAX] as
// TFLite's converter does. A NaN quotient (NaN bias, or 0/0) gives 0; the caller
// validates scales first (quantize_multiplier refuses the ones it cannot use).
int32_t quantize_bias(float bias, float input_scale, float weight_scale);

// TFLite's rescaling for the int8 Add of two tensors with different scales:
// both inputs are moved to a common scale (2 * max(s1, s2)) with `left_shift`
// bits of headroom, summed, and brought to the output scale.
struct AddRescale {
  int32_t left_shift = 20;
  FixedPointMultiplier input1, input2, output;
};
std::optional<AddRescale> add_rescale(float input1_scale, float input2_scale, float output_scale,
                                      std::string* error = nullptr);

}  // namespace mote::quant
