// needs: requant.h
// Int8 Concat whose inputs have other scales or zero points than the output:
// concat.h's layout (`outer` rows, input j contributing chunks[j] elements to
// each), with input j's elements brought to the output's parameters,
// out_zp + (x - in_zp[j]) * s_j / s_out in fixed point (mult[j], shift[j]), as
// TFLite's Requantize; inputs with the output's own parameters (same[j]) are copied.

template <class P>
void concat_s8(const int8_t* const* xs, int8_t* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t j = 0; j < P::inputs; ++j) {
      const int8_t* x = xs[j] + o * P::chunks[j];
      if (P::same[j]) {
        memcpy(y, x, static_cast<size_t>(P::chunks[j]));
      } else {
        for (idx_t e = 0; e < P::chunks[j]; ++e)
          y[e] = k_requantize_s8(static_cast<int32_t>(x[e]) - P::in_zp[j], P::mult[j], P::shift[j], P::out_zp, -128,
                                 127);
      }
      y += P::chunks[j];
    }
}
