// needs: requant.h
// Int8 pooling over the two spatial dimensions of NCHW (1-D pools run with
// H = 1), pool.h's window parameters (N C H W OH OW KH KW SH SW DH DW PT PL PB PR).
// Max: the output has the input's scale and zero point (exact, no requantization).
// Average: sums x - in_zp in int32; with requant = 0 the output has the input's
// scale (as TFLite) and the sum is divided by the window count rounding half away
// from zero, plus out_zp (= in_zp); with requant = 1 (every window holds the same
// count, which quantize-int8 guarantees) the sum is requantized by (mult, shift) =
// in_scale / (count * out_scale) to the output's own scale and zero point
// (requant.h). Padding is real 0 (q = in_zp) and counts toward the average only
// with count_include_pad, as ONNX. Integer arithmetic only (no floating point).

template <class P>
void max_pool2d_s8(const int8_t* x, int8_t* y) {
  for (idx_t nc = 0; nc < P::N * P::C; ++nc) {
    const int8_t* xc = x + nc * P::H * P::W;
    int8_t* yc = y + nc * P::OH * P::OW;
    for (idx_t oh = 0; oh < P::OH; ++oh)
      for (idx_t ow = 0; ow < P::OW; ++ow) {
        int8_t best = -128;
        for (idx_t kh = 0; kh < P::KH; ++kh) {
          const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
          if (ih < 0 || ih >= P::H) continue;
          for (idx_t kw = 0; kw < P::KW; ++kw) {
            const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
            if (iw < 0 || iw >= P::W) continue;
            const int8_t v = xc[ih * P::W + iw];
            if (v > best) best = v;
          }
        }
        yc[oh * P::OW + ow] = best;
      }
  }
}

// round(sum / count), ties away from zero, count > 0; zp added, clamped to int8.
inline int8_t k_mean_s8(int32_t sum, int32_t count, int32_t zp) {
  const int32_t q = sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
  const int32_t v = q + zp;
  return static_cast<int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
}

template <class P>
void avg_pool2d_s8(const int8_t* x, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127 && P::out_zp >= -128 && P::out_zp <= 127, "int8 zero points");
  static_assert(P::KH * P::KW <= 8388608, "255 per tap must fit an int32 sum");
  for (idx_t nc = 0; nc < P::N * P::C; ++nc) {
    const int8_t* xc = x + nc * P::H * P::W;
    int8_t* yc = y + nc * P::OH * P::OW;
    for (idx_t oh = 0; oh < P::OH; ++oh)
      for (idx_t ow = 0; ow < P::OW; ++ow) {
        const idx_t h0 = oh * P::SH - P::PT, w0 = ow * P::SW - P::PL;
        // Window clipped to the padded input, then to the real input.
        const idx_t h1 = k_min<idx_t>(h0 + P::KH, P::H + P::PB), w1 = k_min<idx_t>(w0 + P::KW, P::W + P::PR);
        const idx_t padded = (h1 - h0) * (w1 - w0);
        const idx_t hs = k_max<idx_t>(h0, 0), ws = k_max<idx_t>(w0, 0);
        const idx_t he = k_min<idx_t>(h1, P::H), we = k_min<idx_t>(w1, P::W);
        int32_t sum = 0;
        for (idx_t ih = hs; ih < he; ++ih)
          for (idx_t iw = ws; iw < we; ++iw) sum += static_cast<int32_t>(xc[ih * P::W + iw]) - P::in_zp;
        const idx_t count = P::count_include_pad ? padded : (he - hs) * (we - ws);
        if (P::requant) yc[oh * P::OW + ow] = k_requantize_s8(sum, P::mult, P::shift, P::out_zp, -128, 127);
        else yc[oh * P::OW + ow] = count > 0 ? k_mean_s8(sum, static_cast<int32_t>(count), P::out_zp)
                                             : static_cast<int8_t>(P::out_zp);
      }
  }
}

template <class P>
void global_avg_pool_s8(const int8_t* x, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127 && P::out_zp >= -128 && P::out_zp <= 127, "int8 zero points");
  static_assert(P::spatial > 0 && P::spatial <= 8388608, "255 per element must fit an int32 sum");
  for (idx_t nc = 0; nc < P::NC; ++nc) {
    int32_t sum = 0;
    for (idx_t i = 0; i < P::spatial; ++i) sum += static_cast<int32_t>(x[nc * P::spatial + i]) - P::in_zp;
    y[nc] = P::requant ? k_requantize_s8(sum, P::mult, P::shift, P::out_zp, -128, 127)
                       : k_mean_s8(sum, static_cast<int32_t>(P::spatial), P::out_zp);
  }
}

template <class P>
void global_max_pool_s8(const int8_t* x, int8_t* y) {
  for (idx_t nc = 0; nc < P::NC; ++nc) {
    int8_t best = x[nc * P::spatial];
    for (idx_t i = 1; i < P::spatial; ++i) best = k_max(best, x[nc * P::spatial + i]);
    y[nc] = best;
  }
}
