// needs: requant.h
// Int8 fully connected layer in TFLite's integer-only form (TFLM's reference
// fully_connected), per tensor or per output channel. Uses requant.h.
//   x: (M, K) int8, w: (N, K) int8 (one row per output unit, as TFLite and as
//   ONNX Gemm with transB = 1), symmetric (zero point 0), b: (N) int32 at scale
//   input_scale * weight_scale, y: (M, N) int8.
// Parameters: M, K, N, has_bias, in_zp, out_zp, act_min, act_max, and
// per_channel: mult[n], shift[n] per output unit when true, mult[0], shift[0]
// for all when false.

// T = int16_t: TFLite's 16x8 form (int16 x and y, zero points 0, int64 bias and
// accumulator, k_requantize_s16); the same loop, k_layer<T> picks the types.
template <class P, class T>
void fully_connected_int(const T* x, const int8_t* w, const typename k_layer<T>::bias_t* b, const int32_t* mult,
                         const int32_t* shift, T* y) {
  typedef typename k_layer<T>::acc_t acc_t;
  static_assert(sizeof(T) == 2 || (P::in_zp >= -128 && P::in_zp <= 127), "int8 zero points");
  static_assert(sizeof(T) == 2 || static_cast<int64_t>(P::K) <= 65793, "int8 fully connected reduction too deep for int32");
  for (idx_t i = 0; i < P::M; ++i)
    for (idx_t j = 0; j < P::N; ++j) {
      acc_t acc = 0;
      for (idx_t k = 0; k < P::K; ++k)
        acc += (static_cast<acc_t>(x[i * P::K + k]) - P::in_zp) * static_cast<acc_t>(w[j * P::K + k]);
      if (P::has_bias) acc = k_layer<T>::add_bias(acc, b[j]);
      const idx_t q = P::per_channel ? j : 0;
      y[i * P::N + j] = k_layer<T>::requantize(acc, mult[q], shift[q], P::out_zp, P::act_min, P::act_max);
    }
}

template <class P>
void fully_connected_s8(const int8_t* x, const int8_t* w, const int32_t* b, const int32_t* mult,
                        const int32_t* shift, int8_t* y) {
  fully_connected_int<P, int8_t>(x, w, b, mult, shift, y);
}

// The forms generated code calls: the requantization multipliers and shifts are
// compile-time arrays of the parameter struct, P::mult and P::shift.
template <class P>
void fully_connected_s8_baked(const int8_t* x, const int8_t* w, const int32_t* b, int8_t* y) {
  fully_connected_int<P, int8_t>(x, w, b, P::mult, P::shift, y);
}
template <class P>
void fully_connected_s16_baked(const int16_t* x, const int8_t* w, const int64_t* b, int16_t* y) {
  fully_connected_int<P, int16_t>(x, w, b, P::mult, P::shift, y);
}
