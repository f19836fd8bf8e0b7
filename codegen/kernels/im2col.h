// The patch of input an output pixel of a convolution reads (im2col), in the
// order of the weights' reduction (input channel of the group, kh, kw), with
// `pad` where the window leaves the input. Kernels pass `put(k, value)` to place
// each element where their inner loop wants it. Parameters: conv.h's.

// The first input element of output pixel p's window in image n, group g, when the
// whole window lies inside the input (no padding to check), else nullptr.
template <class P, class T>
inline const T* k_window_inside(const T* x, idx_t n, idx_t g, idx_t p) {
  const idx_t oh = p / P::OW, ow = p % P::OW;
  const idx_t ih0 = oh * P::SH - P::PT, iw0 = ow * P::SW - P::PL;
  if (ih0 < 0 || ih0 + (P::KH - 1) * P::DH >= P::H || iw0 < 0 || iw0 + (P::KW - 1) * P::DW >= P::W) return nullptr;
  return x + (n * P::C + g * (P::C / P::G)) * P::H * P::W + ih0 * P::W + iw0;
}

template <class P, class T, class Put>
inline void k_patch(const T* x, idx_t n, idx_t g, idx_t p, T pad, Put put) {
  constexpr idx_t CG = P::C / P::G;
  const idx_t oh = p / P::OW, ow = p % P::OW;
  const T* xg = x + (n * P::C + g * CG) * P::H * P::W;
  if (P::KH == 1 && P::KW == 1 && P::SH == 1 && P::SW == 1 && P::PT == 0 && P::PL == 0 && P::OH == P::H &&
      P::OW == P::W) {
    // Pointwise: one element per channel, never padding.
    for (idx_t c = 0; c < CG; ++c) put(c, xg[c * P::H * P::W + p]);
    return;
  }
  idx_t k = 0;
  for (idx_t c = 0; c < CG; ++c)
    for (idx_t kh = 0; kh < P::KH; ++kh) {
      const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
      const bool row_in = ih >= 0 && ih < P::H;
      for (idx_t kw = 0; kw < P::KW; ++kw, ++k) {
        const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
        put(k, row_in && iw >= 0 && iw < P::W ? xg[(c * P::H + ih) * P::W + iw] : pad);
      }
    }
}
