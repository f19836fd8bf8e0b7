// needs: requant.h
// Int8 elementwise Add of two tensors of P::count elements each, in TFLite's
// integer-only form (TFLM's reference add). Uses requant.h.
// Both inputs are offset to zero, shifted left by left_shift (20 in TFLite),
// scaled to the common scale 2 * max(s1, s2) by (in1_mult, in1_shift) and
// (in2_mult, in2_shift), summed, and brought to the output scale by
// (out_mult, out_shift); compiler/quant/fixed_point.h: add_rescale computes
// them. Parameters: count, in1_zp, in2_zp, out_zp, left_shift, in1_mult,
// in1_shift, in2_mult, in2_shift, out_mult, out_shift, act_min, act_max; and
// for add_s8_broadcast rank, shape, a_strides, b_strides.

// One element of the sum, the parameters as values: the compiler computes the
// tables of add_s8_lut.h and of an Add by a constant with this same function.
inline int8_t k_add_s8_elem(int8_t a, int8_t b, int32_t in1_zp, int32_t in2_zp, int32_t left_shift, int32_t in1_mult,
                            int32_t in1_shift, int32_t in2_mult, int32_t in2_shift, int32_t out_mult, int32_t out_shift,
                            int32_t out_zp, int32_t act_min, int32_t act_max) {
  const int32_t av = (static_cast<int32_t>(a) - in1_zp) * (static_cast<int32_t>(1) << left_shift);
  const int32_t bv = (static_cast<int32_t>(b) - in2_zp) * (static_cast<int32_t>(1) << left_shift);
  const int32_t sa = k_mul_by_quantized_multiplier(av, in1_mult, in1_shift);
  const int32_t sb = k_mul_by_quantized_multiplier(bv, in2_mult, in2_shift);
  const int32_t sum = k_sat32(static_cast<int64_t>(sa) + sb);
  return k_requantize_s8(sum, out_mult, out_shift, out_zp, act_min, act_max);
}

template <class P>
inline int8_t k_add_s8_one(int8_t a, int8_t b) {
  return k_add_s8_elem(a, b, P::in1_zp, P::in2_zp, P::left_shift, P::in1_mult, P::in1_shift, P::in2_mult, P::in2_shift,
                       P::out_mult, P::out_shift, P::out_zp, P::act_min, P::act_max);
}

template <class P>
void add_s8(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::in1_zp >= -128 && P::in1_zp <= 127 && P::in2_zp >= -128 && P::in2_zp <= 127, "int8 zero points");
  static_assert(P::left_shift >= 0 && P::left_shift <= 22, "255 << left_shift must fit an int32");
  for (idx_t i = 0; i < P::count; ++i) y[i] = k_add_s8_one<P>(a[i], b[i]);
}

// The same with numpy broadcasting (a constant per channel, a squeezed axis):
// P::rank, P::shape (the output's) and each input's P::a_strides / P::b_strides,
// 0 along the axes it is broadcast on.
template <class P>
void add_s8_broadcast(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::in1_zp >= -128 && P::in1_zp <= 127 && P::in2_zp >= -128 && P::in2_zp <= 127, "int8 zero points");
  static_assert(P::left_shift >= 0 && P::left_shift <= 22, "255 << left_shift must fit an int32");
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = k_add_s8_one<P>(a[ia], b[ib]);
    k_broadcast_next<P>(index, ia, ib);
  }
}
