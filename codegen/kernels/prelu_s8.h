// needs: requant.h
// Int8 PRelu (TFLite's reference): x - in_zp is brought to the output's scale by
// (pos_mult, pos_shift) = in_scale / out_scale where it is not negative, and
// multiplied by the slope's alpha - alpha_zp and brought there by (neg_mult,
// neg_shift) = in_scale * alpha_scale / out_scale where it is; then out_zp is
// added and the result clamped to int8. The slope broadcasts to x (one way):
// P::rank, P::shape (x's), P::a_strides (x's own), P::b_strides (0 along the
// axes the slope is broadcast on), as common.h's k_broadcast_next walks them.
// |(x - in_zp) * (alpha - alpha_zp)| <= 255 * 255, so int32 holds it.
// Parameters: count, in_zp, alpha_zp, out_zp, pos_mult, pos_shift, neg_mult,
// neg_shift, rank, shape, a_strides, b_strides.

// One element, the parameters as values: the compiler tabulates a slope with this
// same function (prelu_s8_lut: lut_s8.h).
inline int8_t k_prelu_s8_elem(int8_t x, int8_t alpha, int32_t in_zp, int32_t alpha_zp, int32_t out_zp, int32_t pos_mult,
                              int32_t pos_shift, int32_t neg_mult, int32_t neg_shift) {
  const int32_t v = static_cast<int32_t>(x) - in_zp;
  return v >= 0 ? k_requantize_s8(v, pos_mult, pos_shift, out_zp, -128, 127)
                : k_requantize_s8(v * (static_cast<int32_t>(alpha) - alpha_zp), neg_mult, neg_shift, out_zp, -128, 127);
}

template <class P>
void prelu_s8(const int8_t* x, const int8_t* alpha, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127 && P::alpha_zp >= -128 && P::alpha_zp <= 127, "int8 zero points");
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = k_prelu_s8_elem(x[ia], alpha[ib], P::in_zp, P::alpha_zp, P::out_zp, P::pos_mult, P::pos_shift, P::neg_mult,
                           P::neg_shift);
    k_broadcast_next<P>(index, ia, ib);
  }
}
