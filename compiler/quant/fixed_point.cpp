#include "compiler/quant/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace mote::quant {

namespace {

bool usable_scale(double s, const char* what, std::string* error) {
  if (std::isfinite(s) && s > 0) return true;
  if (error) *error = fmt::format("{} {} is not a positive finite number", what, s);
  return false;
}

}  // namespace

std::optional<FixedPointMultiplier> quantize_multiplier(double real, std::string* error) {
  if (!std::isfinite(real) || real < 0) {
    if (error) *error = fmt::format("cannot requantize by {}: the scale must be finite and not negative", real);
    return std::nullopt;
  }
  if (real == 0) return FixedPointMultiplier{0, 0};
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t q = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) return FixedPointMultiplier{0, 0};  // every product would shift out to 0
  return FixedPointMultiplier{static_cast<int32_t>(q), static_cast<int32_t>(exponent)};
}

std::optional<std::vector<FixedPointMultiplier>> channel_multipliers(float input_scale,
                                                                     const std::vector<float>& weight_scales,
                                                                     float output_scale, std::string* error) {
  if (!usable_scale(input_scale, "the input scale", error) || !usable_scale(output_scale, "the output scale", error))
    return std::nullopt;
  std::vector<FixedPointMultiplier> r;
  r.reserve(weight_scales.size());
  for (size_t c = 0; c < weight_scales.size(); ++c) {
    // An all-zero channel may have scale 0: its multiplier is 0.
    const double ws = weight_scales[c];
    if (!std::isfinite(ws) || ws < 0) {
      if (error) *error = fmt::format("the weight scale {} of channel {} is not a finite number >= 0", ws, c);
      return std::nullopt;
    }
    const double real = static_cast<double>(input_scale) * ws / static_cast<double>(output_scale);
    std::string why;
    const auto m = quantize_multiplier(real, &why);
    if (!m) {
      if (error) *error = fmt::format("channel {}: {}", c, why);
      return std::nullopt;
    }
    r.push_back(*m);
  }
  return r;
}

int32_t quantize_bias(float bias, float input_scale, float weight_scale) {
  const double q = std::round(static_cast<double>(bias) /
                              (static_cast<double>(input_scale) * static_cast<double>(weight_scale)));
  if (std::isnan(q)) return 0;
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  if (q >= kMax) return std::numeric_limits<int32_t>::max();
  if (q <= -kMax) return -std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(q);
}

std::optional<AddRescale> add_rescale(float input1_scale, float input2_scale, float output_scale,
                                      std::string* error) {
  if (!usable_scale(input1_scale, "the first input's scale", error) ||
      !usable_scale(input2_scale, "the second input's scale", error) ||
      !usable_scale(output_scale, "the output scale", error))
    return std::nullopt;
  AddRescale r;
  const double twice_max = 2.0 * std::max(static_cast<double>(input1_scale), static_cast<double>(input2_scale));
  const auto m1 = quantize_multiplier(input1_scale / twice_max, error);
  const auto m2 = quantize_multiplier(input2_scale / twice_max, error);
  const auto mo = quantize_multiplier(twice_max / (static_cast<double>(int64_t{1} << r.left_shift) * output_scale), error);
  if (!m1 || !m2 || !mo) return std::nullopt;
  r.input1 = *m1;
  r.input2 = *m2;
  r.output = *mo;
  return r;
}

}  // namespace mote::quant
