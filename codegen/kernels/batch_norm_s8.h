// needs: requant.h
// Int8 BatchNormalization: a per-channel affine y = k[c] * x + d[c] that no
// Conv before it could absorb, in the int8 layers' form (a depthwise 1x1 layer):
// weight w[c] int8 with its own scale (k[c] = w[c] * s_w[c]), bias[c] int32 at
// in_scale * s_w[c], the sum (x - in_zp) * w[c] + bias[c] requantized per
// channel by (mult[c], shift[c]) = in_scale * s_w[c] / out_scale and clamped.
// |(x - in_zp) * w[c]| <= 255 * 128, so int32 holds it with the bias.
// Parameters: N, C, inner (elements per channel), in_zp, out_zp, act_min,
// act_max, per_channel, mult, shift.

// One element, the parameters as values: the compiler tabulates a channel with this
// same function (batch_norm_s8_lut, lut_s8.h's lut_s8_channels).
inline int8_t k_batch_norm_s8_elem(int8_t x, int32_t w, int32_t bias, int32_t in_zp, int32_t mult, int32_t shift,
                                   int32_t out_zp, int32_t act_min, int32_t act_max) {
  return k_requantize_s8((static_cast<int32_t>(x) - in_zp) * w + bias, mult, shift, out_zp, act_min, act_max);
}

template <class P>
void batch_norm_s8(const int8_t* x, const int8_t* w, const int32_t* bias, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127 && P::out_zp >= -128 && P::out_zp <= 127, "int8 zero points");
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const idx_t base = (n * P::C + c) * P::inner;
      const int32_t wc = w[c], bc = bias[c];
      const int32_t m = P::mult[P::per_channel ? c : 0], s = P::shift[P::per_channel ? c : 0];
      for (idx_t i = 0; i < P::inner; ++i)
        y[base + i] = k_batch_norm_s8_elem(x[base + i], wc, bc, P::in_zp, m, s, P::out_zp, P::act_min, P::act_max);
    }
}

// The same with requant.h's fast requantization, per channel (rq_* parameters):
// bit for bit batch_norm_s8, chosen when the compiler finds rq_fast exact for the
// layer's accumulator bound.
template <class P>
void batch_norm_s8_fast(const int8_t* x, const int8_t* w, const int32_t* bias, int8_t* y) {
  static_assert(P::rq_fast, "the fast requantization must be exact for this layer");
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const idx_t base = (n * P::C + c) * P::inner;
      const int32_t wc = w[c], bc = bias[c] - P::in_zp * wc;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = k_requantize_channel<P>(x[base + i] * wc + bc, c);
    }
}
