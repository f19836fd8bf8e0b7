#pragma once
// What the optimized int8 kernel variants of Conv, Gemm and MatMul share: the
// bound of their accumulators, the cheaper requantization it allows, weights
// re-laid with rows padded for SIMD loads, and the parameters of a layer's
// reduction (K per output, in the weights' own order).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ops/helpers.h"

namespace mote::ops {

// The largest |accumulator| an int8 layer can reach: |folded bias| plus 128 *
// sum |w| per output row, over all rows. `w` is rows x cols.
int64_t s8_accumulator_bound(const std::vector<int64_t>& w, int64_t rows, int64_t cols,
                             const std::vector<int64_t>& folded_bias);

// Parameters of the fast requantization (codegen/kernels/requant.h,
// k_requantize_fast): per output channel rq_mult, rq_pre (the left shift of the
// accumulator before the doubling high multiply: 1, or 1 + the layer's left
// shift), rq_shift (the rounding right shift, 0 for a left-shift channel) and
// rq_add (its rounding, 2^(shift-1), or 0); rq_left = 1 when some
// channel shifts left; rq_fast = 1 when every channel takes the fast form exactly
// (the accumulator bound keeps every operand within int32). Otherwise rq_fast = 0
// and the kernels call k_requantize_s8 with mult and shift.
void add_fast_requant(std::vector<Param>& p, const std::vector<int64_t>& mult, const std::vector<int64_t>& shift,
                      int64_t channels, int64_t acc_bound);

// Whether every channel takes the fast form with a right shift (rq_fast = 1 and
// rq_left = 0): what the Helium vector requantization needs.
bool fast_requant_exact(const std::vector<int64_t>& shift, int64_t acc_bound);

// A constant with the rows of `w` (rows x cols int8) padded with zeros to `padded`
// columns, added to the graph and named after `w` and `tag`; `w` itself when no
// padding is needed.
ir::TensorId padded_rows(ir::Graph& g, ir::TensorId w, int64_t rows, int64_t cols, int64_t padded,
                         const std::string& tag);

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace mote::ops
