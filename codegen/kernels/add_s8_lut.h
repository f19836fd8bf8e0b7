// needs: requant.h
// Int8 Add with compile-time tables; add_s8.h is the reference it matches bit for
// bit (tests/kernels). Each input's part of TFLite's sum, k_mul_by_quantized_
// multiplier((x - zp) << left_shift, mult, shift), depends on that one int8 value
// only: the compiler tabulates it for the 256 values (lut1, lut2, indexed by
// x + 128), so an element costs two loads, an add and the output
// requantization. Parameters: add_s8.h's, lut1[256], lut2[256], and requant.h's
// rq_* for the output (one channel). The compiler picks this kernel only when
// the two table entries' sum cannot overflow int32 (where the reference would
// saturate).

template <class P>
K_NOINLINE void add_s8_lut(const int8_t* a, const int8_t* b, int8_t* y) {
  for (idx_t i = 0; i < P::count; ++i) {
    const int32_t sum = P::lut1[a[i] + 128] + P::lut2[b[i] + 128];
    y[i] = k_requantize_channel<P>(sum, 0);
  }
}
