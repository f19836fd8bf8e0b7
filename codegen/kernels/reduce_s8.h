// needs: requant.h
// Int8 ReduceMean (TFLite's integer Mean): reduce.h's two odometers over merged
// groups of kept and reduced axes; each output sums x - in_zp over its
// red_count elements in int32 and brings the sum to the output's scale and zero
// point by (mult, shift) = in_scale / (red_count * out_scale), one rounding.
// Parameters: reduce.h's (out_count, red_count, kept_rank, kept_shape,
// kept_strides, red_rank, red_shape, red_strides) and in_zp, out_zp, mult, shift.

template <class P>
void reduce_mean_s8(const int8_t* x, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127 && P::out_zp >= -128 && P::out_zp <= 127, "int8 zero points");
  static_assert(P::red_count > 0 && P::red_count <= 8388608, "255 per element must fit an int32 sum");
  idx_t kept[P::kept_rank > 0 ? P::kept_rank : 1] = {};
  idx_t base = 0;
  for (idx_t i = 0; i < P::out_count; ++i) {
    idx_t red[P::red_rank > 0 ? P::red_rank : 1] = {};
    idx_t ix = base;
    int32_t sum = 0;
    for (idx_t j = 0; j < P::red_count; ++j) {
      sum += static_cast<int32_t>(x[ix]) - P::in_zp;
      for (idx_t d = P::red_rank - 1; d >= 0; --d) {
        ix += P::red_strides[d];
        if (++red[d] < P::red_shape[d]) break;
        ix -= P::red_strides[d] * P::red_shape[d];
        red[d] = 0;
      }
    }
    y[i] = k_requantize_s8(sum, P::mult, P::shift, P::out_zp, -128, 127);
    for (idx_t d = P::kept_rank - 1; d >= 0; --d) {
      base += P::kept_strides[d];
      if (++kept[d] < P::kept_shape[d]) break;
      base -= P::kept_strides[d] * P::kept_shape[d];
      kept[d] = 0;
    }
  }
}
