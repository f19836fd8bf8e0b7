// needs: requant.h
// Int8 elementwise Mul of two tensors of P::count elements each, in TFLite's
// integer-only form (TFLM's reference mul): the product of the two inputs offset
// to zero, brought to the output scale by (out_mult, out_shift) =
// quantize_multiplier(s_a * s_b / s_y), offset by out_zp and clamped to
// [act_min, act_max]. |product| <= 256 * 256, so int32 holds it.
// Parameters: count, in1_zp, in2_zp, out_zp, out_mult, out_shift, act_min, act_max;
// and for mul_s8_broadcast rank, shape, a_strides, b_strides.

// One element, the parameters as values: the compiler computes the table of a Mul
// by a constant with this same function.
inline int8_t k_mul_s8_elem(int8_t a, int8_t b, int32_t in1_zp, int32_t in2_zp, int32_t out_mult, int32_t out_shift,
                            int32_t out_zp, int32_t act_min, int32_t act_max) {
  const int32_t prod = (static_cast<int32_t>(a) - in1_zp) * (static_cast<int32_t>(b) - in2_zp);
  return k_requantize_s8(prod, out_mult, out_shift, out_zp, act_min, act_max);
}

template <class P>
inline int8_t k_mul_s8_one(int8_t a, int8_t b) {
  return k_mul_s8_elem(a, b, P::in1_zp, P::in2_zp, P::out_mult, P::out_shift, P::out_zp, P::act_min, P::act_max);
}

template <class P>
K_NOINLINE void mul_s8(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::in1_zp >= -128 && P::in1_zp <= 127 && P::in2_zp >= -128 && P::in2_zp <= 127, "int8 zero points");
  for (idx_t i = 0; i < P::count; ++i) y[i] = k_mul_s8_one<P>(a[i], b[i]);
}

// The same with numpy broadcasting (squeeze-excite's per-channel scale, a
// constant): P::rank, P::shape (the output's) and each input's P::a_strides /
// P::b_strides, 0 along the axes it is broadcast on.
template <class P>
K_NOINLINE void mul_s8_broadcast(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::in1_zp >= -128 && P::in1_zp <= 127 && P::in2_zp >= -128 && P::in2_zp <= 127, "int8 zero points");
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = k_mul_s8_one<P>(a[ia], b[ib]);
    k_broadcast_next<P>(index, ia, ib);
  }
}

// Squeeze-excite's scale: x in P::outer groups of P::inner elements, times one gate
// value per group, g[o] (a (N, C, 1, 1) tensor over (N, C, H, W)). The gate's
// offset is taken once per group and requant.h's fast requantization replaces the
// general one: |(x - zx)(g - zg)| <= 255 * 255 keeps it exact when the compiler
// finds rq_fast. Bit for bit mul_s8_broadcast (tests/kernels, family mul_channel_s8).
template <class P>
K_NOINLINE void mul_s8_channel_fast(const int8_t* x, const int8_t* g, int8_t* y) {
  static_assert(P::rq_fast, "the fast requantization must be exact for this layer");
  for (idx_t o = 0; o < P::outer; ++o) {
    const int32_t gate = static_cast<int32_t>(g[o]) - P::in2_zp;
    const int8_t* xo = x + o * P::inner;
    int8_t* yo = y + o * P::inner;
    for (idx_t i = 0; i < P::inner; ++i) {
      const int32_t prod = (static_cast<int32_t>(xo[i]) - P::in1_zp) * gate;
      yo[i] = k_clamp_s8<P>(k_requantize_fast(prod, P::rq_mult[0], P::rq_add[0], P::rq_shift[0], P::rq_pre[0]) +
                            P::out_zp);
    }
  }
}
