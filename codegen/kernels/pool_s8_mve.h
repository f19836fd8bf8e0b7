// needs: pool_s8_fast.h
// includes: <arm_mve.h>
// pool_s8_fast.h's sums with Helium: VADDVA adds sixteen int8 lanes into a 32-bit
// sum in one instruction; the last vector is predicated.

struct k_sum_s8_mve {
  static int32_t sum(const int8_t* x, idx_t n) {
    int32_t s = 0;
    for (idx_t i = 0; i < n; i += 16) {
      const mve_pred16_t live = vctp8q(static_cast<uint32_t>(n - i));
      s = vaddvaq_p_s8(s, vld1q_z_s8(x + i, live), live);
    }
    return s;
  }
};

template <class P>
void avg_pool2d_s8_mve(const int8_t* x, int8_t* y) {
  avg_pool2d_s8_inside<P, k_sum_s8_mve>(x, y);
}
template <class P>
void global_avg_pool_s8_mve(const int8_t* x, int8_t* y) {
  global_avg_pool_s8_fast<P, k_sum_s8_mve>(x, y);
}
