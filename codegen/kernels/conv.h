// Direct convolution, NCHW, with groups, strides, dilations and padding.
// 1-D convolutions run as 2-D with H = 1. The reference form: obviously right,
// every bound a constant of this layer.

template <class P, class T>
void conv2d(const T* x, const T* w, const T* b, T* y) {
  constexpr idx_t CG = P::C / P::G;  // input channels per group
  constexpr idx_t MG = P::M / P::G;  // output channels per group
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t m = 0; m < MG; ++m) {
        const idx_t oc = g * MG + m;
        const T* wm = w + oc * CG * P::KH * P::KW;
        T* yo = y + (n * P::M + oc) * P::OH * P::OW;
        for (idx_t oh = 0; oh < P::OH; ++oh)
          for (idx_t ow = 0; ow < P::OW; ++ow) {
            T acc = P::has_bias ? b[oc] : T(0);
            for (idx_t c = 0; c < CG; ++c) {
              const T* xc = x + (n * P::C + g * CG + c) * P::H * P::W;
              const T* wc = wm + c * P::KH * P::KW;
              for (idx_t kh = 0; kh < P::KH; ++kh) {
                const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
                if (ih < 0 || ih >= P::H) continue;
                for (idx_t kw = 0; kw < P::KW; ++kw) {
                  const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
                  if (iw < 0 || iw >= P::W) continue;
                  acc += xc[ih * P::W + iw] * wc[kh * P::KW + kw];
                }
              }
            }
            yo[oh * P::OW + ow] = k_max(T(P::act_lo), k_min(T(P::act_hi), acc));
          }
      }
}
