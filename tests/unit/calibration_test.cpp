#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "compiler/quant/calibration.h"

using namespace mote;

TEST_CASE("minmax calibration covers every value seen, and zero", "[calibration]") {
  quant::RangeObserver o;
  const std::vector<float> a = {0.5f, 2.0f, 1.0f}, b = {3.5f, 0.25f};
  o.observe(a.data(), a.size());
  o.observe(b.data(), b.size());
  CHECK(o.count() == 5);
  CHECK(o.min() == 0.25f);
  CHECK(o.max() == 3.5f);
  const quant::Range r = o.range(quant::CalibrationMethod::kMinMax);
  CHECK(r.lo == 0.0f);  // widened to include 0
  CHECK(r.hi == 3.5f);
}

TEST_CASE("percentile calibration clips rare outliers", "[calibration]") {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> all;
  quant::RangeObserver o;
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<float> v(10000);
    for (float& x : v) x = normal(rng);
    if (batch == 4) v[17] = 1000.0f;  // one outlier in 100,000 values
    o.observe(v.data(), v.size());
    all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  const quant::Range mm = o.range(quant::CalibrationMethod::kMinMax);
  CHECK(mm.hi == 1000.0f);
  const quant::Range p = o.range(quant::CalibrationMethod::kPercentile, 99.9);
  // Nearest rank from each end of the sorted values, computed here independently.
  const size_t k = static_cast<size_t>(std::floor(0.001 * double(all.size() - 1)));
  CHECK(p.lo == all[k]);
  CHECK(p.hi == all[all.size() - 1 - k]);
  CHECK(p.hi < 4.0f);  // the outlier is gone
  CHECK(p.hi > 2.5f);  // ~3.1 sigma for a normal distribution
}

TEST_CASE("int8 parameters map the range onto [-128, 127] with 0 exact", "[calibration]") {
  for (const quant::Range r : {quant::Range{-1.0f, 3.0f}, quant::Range{0.0f, 6.0f}, quant::Range{-2.5f, 0.0f},
                               quant::Range{-0.001f, 100.0f}}) {
    const quant::AffineInt8 a = quant::affine_int8(r);
    INFO(r.lo << " .. " << r.hi);
    CHECK(a.zero_point >= -128);
    CHECK(a.zero_point <= 127);
    CHECK(a.scale == Approx((r.hi - r.lo) / 255.0).epsilon(1e-6));
    // The ends of the range land within half a step of the ends of int8.
    CHECK(r.lo / a.scale + a.zero_point == Approx(-128.0).margin(0.5));
    CHECK(r.hi / a.scale + a.zero_point == Approx(127.0).margin(0.5));
  }
  CHECK(quant::affine_int8({0.0f, 6.0f}).zero_point == -128);  // ReLU6: all of int8 for [0, 6]
  const quant::AffineInt8 zero = quant::affine_int8({0.0f, 0.0f});
  CHECK(zero.scale > 0.0f);
}

TEST_CASE("calibration method names", "[calibration]") {
  quant::CalibrationMethod m;
  CHECK(quant::parse_calibration_method("percentile", m));
  CHECK(m == quant::CalibrationMethod::kPercentile);
  CHECK(quant::parse_calibration_method("minmax", m));
  CHECK(m == quant::CalibrationMethod::kMinMax);
  CHECK_FALSE(quant::parse_calibration_method("entropy", m));
}
