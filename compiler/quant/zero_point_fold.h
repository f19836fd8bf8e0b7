#pragma once
// The input zero point of an int8 conv or fully connected layer folded into its
// bias, for the optimized kernels (codegen/kernels/*_fast_s8.h): with
// folded[r] = bias[r] - in_zp * sum_c w[r][c], sum_c (x - in_zp) * w + bias
// equals folded[r] + sum_c x * w, so the inner loops multiply raw int8 values.
#include <cstdint>
#include <optional>
#include <vector>

namespace mote::quant {

// w holds `rows` rows of `cols` int8 weights; bias is empty (no bias) or one
// int32 per row. Returns the folded bias per row, or nullopt when the fold could
// change a result: the fast kernels start at folded[r] and add x * w terms one
// by one, and the reference adds the bias with int32 saturation, so both agree
// bit for bit exactly when folded[r] plus any partial sum of x * w over int8 x
// stays within int32 (then the reference never saturates either).
std::optional<std::vector<int64_t>> fold_input_zero_point(const std::vector<int64_t>& w, int64_t rows, int64_t cols,
                                                          const std::vector<int64_t>& bias, int64_t in_zp);

}  // namespace mote::quant
