// Int8 Softmax along one axis (the tensor viewed as outer, axis, inner), integer
// arithmetic only. exp_table[d] = round(2^16 * exp(-x_scale * d)) for d = max - x
// in [0, 255] quantization steps, computed by the compiler; each output is
// out_zp + round(exp_table[d] * inv_out_scale / sum), clamped to int8, where
// inv_out_scale = 1 / out_scale is an integer (256 for the usual 1/256 scale).
// The maximum's entry is 2^16, so the sum is never 0; the compiler allows at most
// 32768 elements along the axis so every product and sum fits 32 bits.

template <class P>
void softmax_s8(const int8_t* x, int8_t* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t base = o * P::axis_len * P::inner + i;
      int32_t mx = x[base];
      for (idx_t a = 1; a < P::axis_len; ++a) mx = k_max<int32_t>(mx, x[base + a * P::inner]);
      uint32_t sum = 0;
      for (idx_t a = 0; a < P::axis_len; ++a) sum += static_cast<uint32_t>(P::exp_table[mx - x[base + a * P::inner]]);
      for (idx_t a = 0; a < P::axis_len; ++a) {
        const uint32_t e = static_cast<uint32_t>(P::exp_table[mx - x[base + a * P::inner]]);
        const int32_t q = P::out_zp + static_cast<int32_t>((e * static_cast<uint32_t>(P::inv_out_scale) + sum / 2) / sum);
        y[base + a * P::inner] = static_cast<int8_t>(k_min<int32_t>(127, k_max<int32_t>(-128, q)));
      }
    }
}
