#pragma once
// Activation ranges for post-training quantization, gathered over representative
// inputs. One RangeObserver per tensor sees every value the tensor takes; the
// range it reports is what the tensor's int8 scale and zero point cover.
//
//  - minmax:     the smallest and largest value seen. Nothing clips, but one
//                outlier stretches the scale for every other value.
//  - percentile: the p-th and (100-p)-th percentiles of all values seen, so rare
//                outliers clip and the common values keep their resolution.
//
// Either way the range is widened to include 0, so that 0 (padding, ReLU's floor)
// is exactly representable.
#include <cstdint>
#include <string>
#include <vector>

namespace mote::quant {

enum class CalibrationMethod { kMinMax, kPercentile };

// "minmax" or "percentile"; false for anything else.
bool parse_calibration_method(const std::string& text, CalibrationMethod& out);
const char* calibration_method_name(CalibrationMethod m);

struct Range {
  float lo = 0, hi = 0;
};

// Affine int8 parameters for a range: real = scale * (q - zero_point), q in [-128, 127].
struct AffineInt8 {
  float scale = 1;
  int32_t zero_point = 0;
};
AffineInt8 affine_int8(Range r);

class RangeObserver {
 public:
  // Percentile samples kept per tensor; past this, each batch is thinned by a
  // deterministic stride so memory stays bounded whatever the number of inputs.
  static constexpr size_t kMaxSamples = size_t(1) << 21;

  void observe(const float* values, size_t count);
  bool empty() const { return count_ == 0; }
  uint64_t count() const { return count_; }
  float min() const { return min_; }
  float max() const { return max_; }
  // `percentile` in (50, 100]: the fraction of values kept inside the range.
  Range range(CalibrationMethod m, double percentile = 99.99) const;

 private:
  uint64_t count_ = 0;
  float min_ = 0, max_ = 0;
  std::vector<float> samples_;
};

}  // namespace mote::quant
