// needs: pool_s8.h
// Int8 average pooling whose every window lies inside the input (no padding taps):
// pool_s8.h's avg_pool2d_s8 and global_avg_pool_s8 are the references these match
// bit for bit (tests/kernels). A window's sum of (x - in_zp) is its sum of raw x
// minus count * in_zp, exact in int32, so the rows sum raw bytes with whatever the
// core does fastest (Sum: the scalar form here; pool_s8_dsp.h, pool_s8_mve.h).
// Parameters: pool_s8.h's.

struct k_sum_s8_scalar {
  static int32_t sum(const int8_t* x, idx_t n) {
    int32_t s = 0;
    for (idx_t i = 0; i < n; ++i) s += x[i];
    return s;
  }
};

template <class P>
inline int8_t k_avg_s8(int32_t raw, int32_t count) {
  const int32_t sum = raw - count * P::in_zp;
  return P::requant ? k_requantize_s8(sum, P::mult, P::shift, P::out_zp, -128, 127)
                    : k_mean_s8(sum, count, P::out_zp);
}

template <class P, class Sum>
K_NOINLINE void avg_pool2d_s8_inside(const int8_t* x, int8_t* y) {
  static_assert(P::PT == 0 && P::PL == 0 && (P::OH - 1) * P::SH + P::KH <= P::H &&
                    (P::OW - 1) * P::SW + P::KW <= P::W,
                "every window inside the input");
  for (idx_t nc = 0; nc < P::N * P::C; ++nc) {
    const int8_t* xc = x + nc * P::H * P::W;
    int8_t* yc = y + nc * P::OH * P::OW;
    for (idx_t oh = 0; oh < P::OH; ++oh)
      for (idx_t ow = 0; ow < P::OW; ++ow) {
        const int8_t* w0 = xc + oh * P::SH * P::W + ow * P::SW;
        int32_t raw = 0;
        if (P::KW == P::W) {
          raw = Sum::sum(w0, P::KH * P::W);  // whole rows: one run of bytes
        } else {
          for (idx_t kh = 0; kh < P::KH; ++kh) raw += Sum::sum(w0 + kh * P::W, P::KW);
        }
        yc[oh * P::OW + ow] = k_avg_s8<P>(raw, P::KH * P::KW);
      }
  }
}

template <class P, class Sum>
K_NOINLINE void global_avg_pool_s8_fast(const int8_t* x, int8_t* y) {
  for (idx_t nc = 0; nc < P::NC; ++nc) y[nc] = k_avg_s8<P>(Sum::sum(x + nc * P::spatial, P::spatial), P::spatial);
}

template <class P>
void avg_pool2d_s8_scalar(const int8_t* x, int8_t* y) {
  avg_pool2d_s8_inside<P, k_sum_s8_scalar>(x, y);
}
template <class P>
void global_avg_pool_s8_scalar(const int8_t* x, int8_t* y) {
  global_avg_pool_s8_fast<P, k_sum_s8_scalar>(x, y);
}
