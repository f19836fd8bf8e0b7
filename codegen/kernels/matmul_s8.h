// needs: requant.h
// Int8 MatMul of two activations (TFLite's int8 BatchMatMul: attention's Q K^T and
// its weighted sum of V): gemm.h's matmul layout (`batch` products of (M, K) by
// (K, N), each operand found at a_offsets[i] / b_offsets[i], so batch dimensions
// broadcast), the int32 sum of (a - in1_zp)(b - in2_zp) requantized by (mult,
// shift) = s_a s_b / s_y, plus out_zp, clamped to int8.
// Parameters: batch, M, N, K, a_offsets, b_offsets, in1_zp, in2_zp, out_zp, mult, shift.

template <class P>
void matmul_s8(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::in1_zp >= -128 && P::in1_zp <= 127 && P::in2_zp >= -128 && P::in2_zp <= 127, "int8 zero points");
  static_assert(P::K <= 33025, "255 * 255 per product must fit an int32 sum");
  for (idx_t i = 0; i < P::batch; ++i) {
    const int8_t* ai = a + P::a_offsets[i];
    const int8_t* bi = b + P::b_offsets[i];
    int8_t* yi = y + i * P::M * P::N;
    for (idx_t m = 0; m < P::M; ++m)
      for (idx_t n = 0; n < P::N; ++n) {
        int32_t acc = 0;
        for (idx_t k = 0; k < P::K; ++k)
          acc += (static_cast<int32_t>(ai[m * P::K + k]) - P::in1_zp) * (static_cast<int32_t>(bi[k * P::N + n]) - P::in2_zp);
        yi[m * P::N + n] = k_requantize_s8(acc, P::mult, P::shift, P::out_zp, -128, 127);
      }
  }
}

// The same product on raw bytes: sum (a - za)(b - zb) = sum ab - zb sum_k a
// - za sum_k b + K za zb. Each batch's B is copied once into scratch as B^T
// (N rows of K bytes, contiguous for the inner loop) with its column sums, so
// an output costs K multiply-adds of raw int8 values. Bit for bit matmul_s8: the
// compiler takes it for K <= 16384, where no partial sum leaves int32
// (|ab| <= 2^14 per product, four such sums). The sum is requantized as a
// one-channel layer's (requant.h's rq_* and mult[1], shift[1], act_min,
// act_max, per_channel = 0). Scratch: N K bytes, then N int32.
struct k_dot_s8_scalar {
  static int32_t dot(const int8_t* a, const int8_t* b, idx_t n) {
    int32_t s = 0;
    for (idx_t i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * b[i];
    return s;
  }
};

// Dot: the raw dot product of two runs of K bytes, as the core does it fastest
// (this file's scalar form; matmul_s8_dsp.h's SMLAD).
template <class P, class Dot>
K_NOINLINE void matmul_s8_bt_with(const int8_t* a, const int8_t* b, int8_t* y, uint8_t* scratch) {
  static_assert(P::K <= 16384, "raw sums within int32");
  int8_t* bt = reinterpret_cast<int8_t*>(scratch);
  int32_t* col_sum = reinterpret_cast<int32_t*>(scratch + ((P::N * P::K + 3) & ~static_cast<idx_t>(3)));
  idx_t loaded = -1;  // the B offset whose transpose is in scratch
  for (idx_t i = 0; i < P::batch; ++i) {
    if (P::b_offsets[i] != loaded) {
      const int8_t* bi = b + P::b_offsets[i];
      for (idx_t n = 0; n < P::N; ++n) {
        int32_t s = 0;
        for (idx_t k = 0; k < P::K; ++k) {
          bt[n * P::K + k] = bi[k * P::N + n];
          s += bi[k * P::N + n];
        }
        col_sum[n] = s;
      }
      loaded = P::b_offsets[i];
    }
    const int8_t* ai = a + P::a_offsets[i];
    int8_t* yi = y + i * P::M * P::N;
    for (idx_t m = 0; m < P::M; ++m) {
      const int8_t* row = ai + m * P::K;
      int32_t row_sum = 0;
      for (idx_t k = 0; k < P::K; ++k) row_sum += row[k];
      const int32_t base = P::K * P::in1_zp * P::in2_zp - P::in2_zp * row_sum;
      for (idx_t n = 0; n < P::N; ++n) {
        const int32_t acc = Dot::dot(row, bt + n * P::K, P::K);
        yi[m * P::N + n] = k_requantize_channel<P>(acc + base - P::in1_zp * col_sum[n], 0);
      }
    }
  }
}

template <class P>
void matmul_s8_bt(const int8_t* a, const int8_t* b, int8_t* y, uint8_t* scratch) {
  matmul_s8_bt_with<P, k_dot_s8_scalar>(a, b, y, scratch);
}
