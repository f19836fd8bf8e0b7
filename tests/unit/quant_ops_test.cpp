// The quantized kernels against values worked out by hand from ONNX's formulas:
// QuantizeLinear y = saturate(round_half_even(x / scale) + zp); QLinear* y =
// saturate(round_half_even(acc * a_scale * b_scale / y_scale + y_zp)).
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

namespace quant_kernels {
#include "codegen/kernels/common.h"
#include "codegen/kernels/quant.h"
}  // namespace quant_kernels

using namespace quant_kernels;

TEST_CASE("requantization rounds ties to even and saturates", "[quant]") {
  // 5 * 0.5 = 2.5 -> 2; 7 * 0.5 = 3.5 -> 4 (ties to even, not away from zero).
  CHECK(q_requantize<uint8_t>(5, 0.5f, 0) == 2);
  CHECK(q_requantize<uint8_t>(7, 0.5f, 0) == 4);
  // The zero point is added before rounding: -5 * 0.5 + 10 = 7.5 -> 8; 3 * 0.5 + 10 = 11.5 -> 12.
  CHECK(q_requantize<uint8_t>(-5, 0.5f, 10) == 8);
  CHECK(q_requantize<uint8_t>(3, 0.5f, 10) == 12);
  CHECK(q_requantize<int8_t>(-3, 0.5f, 0) == -2);  // -1.5 -> -2
  // Saturation at both ends of both types.
  CHECK(q_requantize<uint8_t>(1000, 1.0f, 0) == 255);
  CHECK(q_requantize<uint8_t>(-1000, 1.0f, 0) == 0);
  CHECK(q_requantize<int8_t>(1000, 1.0f, 0) == 127);
  CHECK(q_requantize<int8_t>(-1000, 1.0f, 0) == -128);
  CHECK(q_requantize<int8_t>(2147483647, 1.0f, 0) == 127);
  // 255.5 rounds to 256 (even), which saturates; 254.5 rounds to 254.
  CHECK(q_requantize<uint8_t>(511, 0.5f, 0) == 255);
  CHECK(q_requantize<uint8_t>(509, 0.5f, 0) == 254);
}

TEST_CASE("QuantizeLinear rounds ties to even and saturates", "[quant]") {
  // ONNX's example: x = [0, 2, 3, 1000, -254, -1000], scale 2, zero point 128.
  CHECK(q_quantize<uint8_t>(0.0f, 2.0f, 128) == 128);
  CHECK(q_quantize<uint8_t>(2.0f, 2.0f, 128) == 129);
  CHECK(q_quantize<uint8_t>(3.0f, 2.0f, 128) == 130);  // 1.5 -> 2
  CHECK(q_quantize<uint8_t>(1000.0f, 2.0f, 128) == 255);
  CHECK(q_quantize<uint8_t>(-254.0f, 2.0f, 128) == 1);
  CHECK(q_quantize<uint8_t>(-1000.0f, 2.0f, 128) == 0);
  CHECK(q_quantize<uint8_t>(1.0f, 2.0f, 128) == 128);  // 0.5 -> 0
  CHECK(q_quantize<int8_t>(5.0f, 2.0f, -1) == 1);      // 2.5 -> 2, - 1
  CHECK(q_quantize<int8_t>(-5.0f, 2.0f, 0) == -2);     // -2.5 -> -2
  CHECK(q_quantize<int8_t>(NAN, 1.0f, 0) == -128);     // no UB: NaN goes to the low end
  CHECK(q_dequantize<uint8_t>(130, 2.0f, 128) == 4.0f);
  CHECK(q_dequantize<int8_t>(-128, 0.5f, 1) == -64.5f);
}

namespace {
// A 1x2 by 2x2 QLinearMatMul: a's zero point and y's scale read at run time,
// the rest baked, b per column.
struct MatMulP {
  static constexpr int32_t batch = 1, M = 1, N = 2, K = 2;
  static constexpr int32_t a_offsets[1] = {0}, b_offsets[1] = {0};
  static constexpr int32_t a_scale_const = 1, a_scale_pc = 0;
  static constexpr float a_scale[1] = {1.0f};
  static constexpr int32_t a_zp_const = 0, a_zp_pc = 0, a_zp[1] = {0};
  static constexpr int32_t b_scale_const = 1, b_scale_pc = 1;
  static constexpr float b_scale[2] = {0.5f, 0.25f};
  static constexpr int32_t b_zp_const = 1, b_zp_pc = 1, b_zp[2] = {-1, 0};
  static constexpr int32_t y_scale_const = 0, y_scale_pc = 0;
  static constexpr float y_scale[1] = {0.0f};
  static constexpr int32_t y_zp_const = 1, y_zp_pc = 0, y_zp[1] = {10};
};
}  // namespace

TEST_CASE("QLinearMatMul requantizes per column", "[quant]") {
  const uint8_t a[2] = {131, 130}, a_zp = 128;  // a - a_zp = [3, 2]
  const int8_t b[4] = {0, 100, 0, 100};         // column 0 less -1: [1, 1]; column 1: [100, 100]
  const float y_scale = 1.0f;
  uint8_t y[2] = {0, 0};
  qlinear_matmul<MatMulP>(a, static_cast<const float*>(nullptr), &a_zp, b, static_cast<const float*>(nullptr),
                          static_cast<const int8_t*>(nullptr), &y_scale, static_cast<const uint8_t*>(nullptr), y);
  // Column 0: acc 3 + 2 = 5, times 1 * 0.5 / 1, plus 10 = 12.5 -> 12.
  CHECK(y[0] == 12);
  // Column 1: acc 500, times 0.25, plus 10 = 135.
  CHECK(y[1] == 135);
}

namespace {
struct DynamicP {
  static constexpr int32_t count = 6;
};
}  // namespace

TEST_CASE("DynamicQuantizeLinear matches ONNX's example", "[quant]") {
  // From the operator's documentation: range [-3, 2], scale 5 / 255, zero point 153.
  const float x[6] = {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f};
  uint8_t y[6];
  float scale = 0;
  uint8_t zp = 0;
  dynamic_quantize_linear<DynamicP>(x, y, &scale, &zp);
  CHECK(scale == 5.0f / 255.0f);
  CHECK(zp == 153);
  const uint8_t want[6] = {153, 255, 0, 26, 221, 179};
  for (int i = 0; i < 6; ++i) CHECK(y[i] == want[i]);
}
