// needs: requant.h conv_s8_dsp.h dwconv_plane.h
// includes: <arm_acle.h>
// Int8 depthwise convolution (G = C = M) for cores with the DSP extension.
// conv_s8.h is the reference these match bit for bit (tests/kernels).
// Parameters: conv_s8.h's plus fbias[M] (the bias with the input zero point
// folded in over all KH * KW taps) and requant.h's rq_*.
//
// Each channel's plane is first copied into scratch (dwconv_plane.h): every
// output then reads only real bytes, no tap is skipped, and fbias cancels the padding.

// 3x3, stride 1 or 2, dilation 1. Stride 1 computes two outputs per word load:
// with (x0, x2) and (x1, x3) unpacked from one row's four bytes and the row's
// weights as (w0, w2) and w1, out0 = SMLAD((x0,x2),(w0,w2)) + x1 w1 and out1 =
// SMLAD((x1,x3),(w0,w2)) + x2 w1: 7 instructions for 6 MACs.
template <class P>
K_NOINLINE void dwconv3x3_s8_dsp(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::KH == 3 && P::KW == 3 && P::DH == 1 && P::DW == 1 && P::G == P::C && P::M == P::C,
                "depthwise 3x3 only");
  static_assert(P::SW == 1 || P::SW == 2, "stride 1 or 2 along W");
  constexpr idx_t PW = k_plane<P>::PW;
  int8_t* plane = reinterpret_cast<int8_t*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      k_pad_plane_s8<P>(x + (n * P::C + c) * P::H * P::W, plane);
      const int8_t* wc = w + c * 9;
      int32_t w02[3], w1[3];
      for (idx_t r = 0; r < 3; ++r) {
        w02[r] = static_cast<int32_t>((static_cast<uint32_t>(wc[r * 3]) & 0xFFFFu) |
                                      (static_cast<uint32_t>(wc[r * 3 + 2]) << 16));
        w1[r] = wc[r * 3 + 1];
      }
      const int32_t bias = P::fbias[c];
      int8_t* yc = y + (n * P::C + c) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh) {
        const int8_t* r0 = plane + oh * P::SH * PW;
        int8_t* yr = yc + oh * P::OW;
        if (P::SW == 1) {
          for (idx_t ow = 0; ow < P::OW; ow += 2) {
            int32_t a0 = bias, a1 = bias;
            for (idx_t r = 0; r < 3; ++r) {
              const int32_t v = k_ld32(r0 + r * PW + ow);
              const int32_t lo = __sxtb16(v), hi = k_sxtb16_ror8(v);
              a0 = __smlabb(hi, w1[r], __smlad(lo, w02[r], a0));
              a1 = __smlatb(lo, w1[r], __smlad(hi, w02[r], a1));
            }
            yr[ow] = k_requantize_dsp<P>(a0, c);
            if (ow + 1 < P::OW) yr[ow + 1] = k_requantize_dsp<P>(a1, c);
          }
        } else {
          for (idx_t ow = 0; ow < P::OW; ++ow) {
            int32_t a = bias;
            for (idx_t r = 0; r < 3; ++r) {
              const int32_t v = k_ld32(r0 + r * PW + 2 * ow);
              a = __smlabb(k_sxtb16_ror8(v), w1[r], __smlad(__sxtb16(v), w02[r], a));
            }
            yr[ow] = k_requantize_dsp<P>(a, c);
          }
        }
      }
    }
}

// Any window, stride and dilation, 1-D or 2-D: one MAC an instruction or so
// from the padded plane, no bounds checks.
template <class P>
K_NOINLINE void dwconv_s8_dsp(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::G == P::C && P::M == P::C, "depthwise (one output per channel) only");
  constexpr idx_t PW = k_plane<P>::PW;
  int8_t* plane = reinterpret_cast<int8_t*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      k_pad_plane_s8<P>(x + (n * P::C + c) * P::H * P::W, plane);
      const int8_t* wc = w + c * P::KH * P::KW;
      int8_t* yc = y + (n * P::C + c) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh)
        for (idx_t ow = 0; ow < P::OW; ++ow) {
          int32_t a = P::fbias[c];
          const int8_t* base = plane + oh * P::SH * PW + ow * P::SW;
          for (idx_t kh = 0; kh < P::KH; ++kh)
            for (idx_t kw = 0; kw < P::KW; ++kw)
              a += static_cast<int32_t>(base[kh * P::DH * PW + kw * P::DW]) * wc[kh * P::KW + kw];
          yc[oh * P::OW + ow] = k_requantize_dsp<P>(a, c);
        }
    }
}
