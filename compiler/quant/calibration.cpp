#include "compiler/quant/calibration.h"

#include <algorithm>
#include <cmath>

namespace mote::quant {

bool parse_calibration_method(const std::string& text, CalibrationMethod& out) {
  if (text == "minmax") out = CalibrationMethod::kMinMax;
  else if (text == "percentile") out = CalibrationMethod::kPercentile;
  else return false;
  return true;
}

const char* calibration_method_name(CalibrationMethod m) {
  return m == CalibrationMethod::kMinMax ? "minmax" : "percentile";
}

AffineInt8 affine_int8(Range r) {
  const double lo = std::min(0.0, double(r.lo)), hi = std::max(0.0, double(r.hi));
  AffineInt8 a;
  if (hi - lo <= 0) return a;  // an all-zero tensor: any scale represents it exactly
  a.scale = static_cast<float>((hi - lo) / 255.0);
  // The zero point makes real 0 exactly representable; it lies in [-128, 127]
  // because the range contains 0.
  const double zp = -128.0 - lo / a.scale;
  a.zero_point = static_cast<int32_t>(std::clamp(std::nearbyint(zp), -128.0, 127.0));
  return a;
}

void RangeObserver::observe(const float* values, size_t count) {
  if (count == 0) return;
  size_t stride = 1;
  if (samples_.size() + count > kMaxSamples) {
    const size_t room = std::max<size_t>(1, (kMaxSamples - std::min(kMaxSamples, samples_.size())) / 4);
    stride = std::max<size_t>(1, count / room);
  }
  for (size_t i = 0; i < count; ++i) {
    const float v = values[i];
    if (std::isnan(v)) continue;
    if (count_ == 0) min_ = max_ = v;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
    ++count_;
    if (i % stride == 0 && samples_.size() < kMaxSamples) samples_.push_back(v);
  }
}

Range RangeObserver::range(CalibrationMethod m, double percentile) const {
  Range r{std::min(0.0f, min_), std::max(0.0f, max_)};
  if (m == CalibrationMethod::kMinMax || samples_.empty()) return r;
  std::vector<float> s = samples_;
  const double tail = std::clamp((100.0 - percentile) / 100.0, 0.0, 0.5);
  // Nearest-rank percentiles from each end.
  const size_t k = static_cast<size_t>(std::floor(tail * static_cast<double>(s.size() - 1)));
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
  const float lo = s[k];
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(s.size() - 1 - k), s.end());
  const float hi = s[s.size() - 1 - k];
  return {std::min(0.0f, lo), std::max(0.0f, hi)};
}

}  // namespace mote::quant
