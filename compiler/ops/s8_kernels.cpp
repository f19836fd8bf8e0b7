#include "compiler/ops/s8_kernels.h"

#include <algorithm>
#include <cstdlib>

#include "compiler/ir/tensor_data.h"

namespace mote::ops {

int64_t s8_accumulator_bound(const std::vector<int64_t>& w, int64_t rows, int64_t cols,
                             const std::vector<int64_t>& folded_bias) {
  int64_t bound = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t sum = 0;
    for (int64_t c = 0; c < cols; ++c) sum += std::abs(w[static_cast<size_t>(r * cols + c)]);
    const int64_t f = r < static_cast<int64_t>(folded_bias.size()) ? std::abs(folded_bias[static_cast<size_t>(r)]) : 0;
    bound = std::max(bound, f + 128 * sum);
  }
  return bound;
}

void add_fast_requant(std::vector<Param>& p, const std::vector<int64_t>& mult, const std::vector<int64_t>& shift,
                      int64_t channels, int64_t acc_bound) {
  std::vector<int64_t> rq_mult, rq_add, rq_shift, rq_pre;
  bool fast = true, left = false;
  for (int64_t c = 0; c < channels; ++c) {
    const size_t i = mult.size() == 1 ? 0 : static_cast<size_t>(c);
    rq_mult.push_back(mult[i]);
    if (shift[i] < 0) {
      // A right shift e: the doubled accumulator (SMMULR's operand) must fit; then
      // |x| < 2^30 and x + rounding stays below 2^31 for any e up to 31.
      const int64_t e = std::min<int64_t>(-shift[i], 31);
      fast = fast && -shift[i] <= 31 && acc_bound < (int64_t{1} << 30);
      rq_pre.push_back(1);
      rq_shift.push_back(e);
      rq_add.push_back(int64_t{1} << (e - 1));
    } else {
      // A left shift s >= 0 rides in the operand: acc << (s + 1) must fit int32.
      const int64_t s = std::min<int64_t>(shift[i], 30);
      fast = fast && shift[i] <= 30 && acc_bound < (int64_t{1} << (30 - s));
      left = true;
      rq_pre.push_back(s + 1);
      rq_shift.push_back(0);
      rq_add.push_back(0);
    }
  }
  p.push_back({"rq_fast", int64_t{fast}});
  p.push_back({"rq_left", int64_t{left}});
  p.push_back({"rq_mult", rq_mult});
  p.push_back({"rq_add", rq_add});
  p.push_back({"rq_shift", rq_shift});
  p.push_back({"rq_pre", rq_pre});
}

bool fast_requant_exact(const std::vector<int64_t>& shift, int64_t acc_bound) {
  if (acc_bound >= (int64_t{1} << 30)) return false;
  for (int64_t s : shift)
    if (-s < 1 || -s > 31) return false;
  return true;
}

ir::TensorId padded_rows(ir::Graph& g, ir::TensorId w, int64_t rows, int64_t cols, int64_t padded,
                         const std::string& tag) {
  if (padded == cols) return w;
  const ir::Tensor& src = g.tensor(w);
  std::vector<uint8_t> data(static_cast<size_t>(rows * padded), 0);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(src.data->begin() + r * cols, cols, data.begin() + r * padded);
  ir::Tensor t;
  t.name = src.name + "_" + tag;
  t.dtype = src.dtype;
  t.shape = {rows, padded};
  t.shape_known = true;
  t.quant = src.quant;
  t.data = std::move(data);
  // The same weights re-laid for another node (pass patch runs one layer on
  // several tiles) are one constant in flash, not one per node.
  return add_or_reuse_constant(g, std::move(t));
}

}  // namespace mote::ops
