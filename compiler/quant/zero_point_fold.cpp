#include "compiler/quant/zero_point_fold.h"

#include <algorithm>

namespace mote::quant {

std::optional<std::vector<int64_t>> fold_input_zero_point(const std::vector<int64_t>& w, int64_t rows, int64_t cols,
                                                          const std::vector<int64_t>& bias, int64_t in_zp) {
  if (rows < 0 || cols < 0 || static_cast<int64_t>(w.size()) != rows * cols) return std::nullopt;
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != rows) return std::nullopt;
  std::vector<int64_t> folded(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t sum = 0, lo = 0, hi = 0;  // lo, hi: the extreme partial sums of x * w, x in [-128, 127]
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t v = w[static_cast<size_t>(r * cols + c)];
      sum += v;
      lo += std::min(-128 * v, 127 * v);
      hi += std::max(-128 * v, 127 * v);
    }
    const int64_t f = (bias.empty() ? 0 : bias[static_cast<size_t>(r)]) - in_zp * sum;
    if (f + lo < INT32_MIN || f + hi > INT32_MAX) return std::nullopt;
    folded[static_cast<size_t>(r)] = f;
  }
  return folded;
}

}  // namespace mote::quant
