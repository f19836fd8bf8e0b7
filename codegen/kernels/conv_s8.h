// needs: requant.h
// Int8 convolution, NCHW, in TFLite's integer-only form (TFLM's reference
// conv / depthwise_conv with per-channel quantization). Uses requant.h.
// The parameters of conv.h (N, C, M, G, H, W, OH, OW, KH, KW, SH, SW, DH, DW,
// PT, PL, has_bias; PB and PR only size OH and OW) plus:
//   in_zp            input zero point (TFLite's input_offset is -in_zp)
//   out_zp           output zero point
//   act_min, act_max the activation clamp, in int8 output units
// Weights are symmetric per output channel (zero point 0), bias is int32 at
// scale input_scale * weight_scale[oc], and mult[oc], shift[oc] requantize
// output channel oc (compiler/quant/fixed_point.h: channel_multipliers).
// Depthwise is G = C (M = C * depth multiplier). Padding reads as the input
// zero point, i.e. real 0, so padded taps are skipped.

// T = int16_t: TFLite's 16x8 form (int16 x and y, zero points 0, int64 bias and
// accumulator, k_requantize_s16); the same loop, k_layer<T> picks the types.
template <class P, class T>
void conv2d_int(const T* x, const int8_t* w, const typename k_layer<T>::bias_t* b, const int32_t* mult,
                const int32_t* shift, T* y) {
  typedef typename k_layer<T>::acc_t acc_t;
  constexpr idx_t CG = P::C / P::G;  // input channels per group
  constexpr idx_t MG = P::M / P::G;  // output channels per group
  // Every product (x - in_zp) * w is at most 255 * 128 in magnitude: this many
  // fit an int32 accumulator.
  static_assert(sizeof(T) == 2 || (P::in_zp >= -128 && P::in_zp <= 127), "int8 zero points");
  static_assert(sizeof(T) == 2 || static_cast<int64_t>(CG) * P::KH * P::KW <= 65793,
                "int8 conv reduction too deep for int32");
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t m = 0; m < MG; ++m) {
        const idx_t oc = g * MG + m;
        const int8_t* wm = w + oc * CG * P::KH * P::KW;
        T* yo = y + (n * P::M + oc) * P::OH * P::OW;
        for (idx_t oh = 0; oh < P::OH; ++oh)
          for (idx_t ow = 0; ow < P::OW; ++ow) {
            acc_t acc = 0;
            for (idx_t c = 0; c < CG; ++c) {
              const T* xc = x + (n * P::C + g * CG + c) * P::H * P::W;
              const int8_t* wc = wm + c * P::KH * P::KW;
              for (idx_t kh = 0; kh < P::KH; ++kh) {
                const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
                if (ih < 0 || ih >= P::H) continue;
                for (idx_t kw = 0; kw < P::KW; ++kw) {
                  const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
                  if (iw < 0 || iw >= P::W) continue;
                  acc += (static_cast<acc_t>(xc[ih * P::W + iw]) - P::in_zp) * static_cast<acc_t>(wc[kh * P::KW + kw]);
                }
              }
            }
            if (P::has_bias) acc = k_layer<T>::add_bias(acc, b[oc]);
            yo[oh * P::OW + ow] = k_layer<T>::requantize(acc, mult[oc], shift[oc], P::out_zp, P::act_min, P::act_max);
          }
      }
}

template <class P>
void conv2d_s8(const int8_t* x, const int8_t* w, const int32_t* b, const int32_t* mult, const int32_t* shift,
               int8_t* y) {
  conv2d_int<P, int8_t>(x, w, b, mult, shift, y);
}

// The forms generated code calls: the per-channel multipliers and shifts are
// compile-time arrays of the parameter struct, P::mult and P::shift.
template <class P>
void conv2d_s8_baked(const int8_t* x, const int8_t* w, const int32_t* b, int8_t* y) {
  conv2d_int<P, int8_t>(x, w, b, P::mult, P::shift, y);
}
template <class P>
void conv2d_s16_baked(const int16_t* x, const int8_t* w, const int64_t* b, int16_t* y) {
  conv2d_int<P, int16_t>(x, w, b, P::mult, P::shift, y);
}
