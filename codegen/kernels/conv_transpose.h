// Transposed convolution, NCHW, weights C x M/G x KH x KW: the output starts at
// the bias, then every input element scatters into its KH x KW window of each
// output channel of its group. H/W are the input, OH/OW the output sizes; 1-D
// runs as 2-D with H = 1.

template <class P, class T>
void conv_transpose2d(const T* x, const T* w, const T* b, T* y) {
  constexpr idx_t CG = P::C / P::G;  // input channels per group
  constexpr idx_t MG = P::M / P::G;  // output channels per group
  constexpr idx_t out_plane = P::OH * P::OW;
  for (idx_t nm = 0; nm < P::N * P::M; ++nm) {
    const T init = P::has_bias ? b[nm % P::M] : T(0);
    for (idx_t i = 0; i < out_plane; ++i) y[nm * out_plane + i] = init;
  }
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t c = 0; c < CG; ++c) {
        const idx_t ic = g * CG + c;
        const T* xc = x + (n * P::C + ic) * P::H * P::W;
        for (idx_t m = 0; m < MG; ++m) {
          const T* wm = w + (ic * MG + m) * P::KH * P::KW;
          T* ym = y + (n * P::M + g * MG + m) * out_plane;
          for (idx_t ih = 0; ih < P::H; ++ih)
            for (idx_t iw = 0; iw < P::W; ++iw) {
              const T v = xc[ih * P::W + iw];
              for (idx_t kh = 0; kh < P::KH; ++kh) {
                const idx_t oh = ih * P::SH - P::PT + kh * P::DH;
                if (oh < 0 || oh >= P::OH) continue;
                for (idx_t kw = 0; kw < P::KW; ++kw) {
                  const idx_t ow = iw * P::SW - P::PL + kw * P::DW;
                  if (ow < 0 || ow >= P::OW) continue;
                  ym[oh * P::OW + ow] += v * wm[kh * P::KW + kw];
                }
              }
            }
        }
      }
}
