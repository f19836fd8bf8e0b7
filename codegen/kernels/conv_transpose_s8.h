// needs: requant.h
// Int8 transposed convolution, NCHW, group 1 (TFLite's int8 TransposeConv with
// per-channel weights): weights channel-major M x C x KH x KW (quantize-int8 re-lays
// the model's C x M x KH x KW), int32 bias at in_scale * w_scale[m]. Each output
// gathers the input positions whose window reaches it, oh = ih * SH - PT + kh * DH,
// so it sums (x - in_zp) * w in int32 and is requantized once, like conv_s8.h:
// no scratch. 1-D runs as 2-D with H = 1. Parameters: N, C, M, H, W, OH, OW, KH,
// KW, SH, SW, DH, DW, PT, PL, has_bias, in_zp, out_zp, act_min, act_max,
// per_channel, mult, shift.

template <class P>
void conv_transpose2d_s8(const int8_t* x, const int8_t* w, const int32_t* b, int8_t* y) {
  static_assert(P::in_zp >= -128 && P::in_zp <= 127, "int8 zero point");
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t m = 0; m < P::M; ++m) {
      const int8_t* wm = w + m * P::C * P::KH * P::KW;
      const int32_t mult = static_cast<int32_t>(P::mult[P::per_channel ? m : 0]);
      const int32_t shift = static_cast<int32_t>(P::shift[P::per_channel ? m : 0]);
      int8_t* ym = y + (n * P::M + m) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh)
        for (idx_t ow = 0; ow < P::OW; ++ow) {
          int32_t acc = P::has_bias ? b[m] : 0;
          for (idx_t kh = 0; kh < P::KH; ++kh) {
            const idx_t th = oh + P::PT - kh * P::DH;
            if (th < 0 || th % P::SH != 0 || th / P::SH >= P::H) continue;
            const idx_t ih = th / P::SH;
            for (idx_t kw = 0; kw < P::KW; ++kw) {
              const idx_t tw = ow + P::PL - kw * P::DW;
              if (tw < 0 || tw % P::SW != 0 || tw / P::SW >= P::W) continue;
              const idx_t iw = tw / P::SW;
              const int8_t* xp = x + (n * P::C * P::H + ih) * P::W + iw;
              const int8_t* wp = wm + kh * P::KW + kw;
              for (idx_t c = 0; c < P::C; ++c)
                acc += (static_cast<int32_t>(xp[c * P::H * P::W]) - P::in_zp) *
                       static_cast<int32_t>(wp[c * P::KH * P::KW]);
            }
          }
          ym[oh * P::OW + ow] = k_requantize_s8(acc, mult, shift, P::out_zp, P::act_min, P::act_max);
        }
    }
}
