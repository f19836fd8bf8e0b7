// Resize by gathering. Along axis d, output index o reads the input at offset
// lo[table_at[d] + o] (already multiplied by the input stride). Linear mode also
// reads hi[...] on the interpolated axes (lerp_axes) and blends every corner of
// that small hypercube with the product of its per-axis weights.

template <class P, class T>
void resize_nearest(const T* x, T* y) {
  constexpr idx_t W = P::out_shape[P::rank - 1];
  const auto* const col = P::lo + P::table_at[P::rank - 1];
  for (idx_t r = 0; r < P::count / W; ++r) {
    idx_t rem = r, base = 0;
    for (idx_t d = P::rank - 2; d >= 0; --d) {
      base += P::lo[P::table_at[d] + rem % P::out_shape[d]];
      rem /= P::out_shape[d];
    }
    for (idx_t o = 0; o < W; ++o) y[r * W + o] = x[base + col[o]];
  }
}

template <class P, class T>
void resize_linear(const T* x, T* y) {
  idx_t index[P::rank] = {};
  for (idx_t i = 0; i < P::count; ++i) {
    idx_t base = 0;
    for (idx_t d = 0; d < P::rank; ++d) base += P::lo[P::table_at[d] + index[d]];
    T acc = T(0);
    for (idx_t corner = 0; corner < (1 << P::num_lerp); ++corner) {
      idx_t ix = base;
      T w = T(1);
      for (idx_t k = 0; k < P::num_lerp; ++k) {
        const idx_t t = P::table_at[P::lerp_axes[k]] + index[P::lerp_axes[k]];
        if ((corner >> k) & 1) {
          ix += P::hi[t] - P::lo[t];
          w *= T(P::w_hi[t]);
        } else {
          w *= T(P::w_lo[t]);
        }
      }
      acc += w * x[ix];
    }
    y[i] = acc;
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      if (++index[d] < P::out_shape[d]) break;
      index[d] = 0;
    }
  }
}

// resize_linear on int8 values with the input's scale and zero point: real values
// are affine in q, so blending the q's blends the reals. The weights are Q10 per
// interpolated axis (P::w_lo[t] + P::w_hi[t] = 1024), at most two axes (their
// product and the sum stay within 2^27), and the blend is rounded once, halves
// away from zero: within half a step of the exact blend plus the weights' own
// rounding (2^-11 of the span per axis).
template <class P>
void resize_linear_s8(const int8_t* x, int8_t* y) {
  static_assert(P::num_lerp >= 1 && P::num_lerp <= 2, "one or two interpolated axes");
  constexpr int32_t half = int32_t(1) << (P::shift - 1);
  idx_t index[P::rank] = {};
  for (idx_t i = 0; i < P::count; ++i) {
    idx_t base = 0;
    for (idx_t d = 0; d < P::rank; ++d) base += P::lo[P::table_at[d] + index[d]];
    int32_t acc = 0;
    for (idx_t corner = 0; corner < (1 << P::num_lerp); ++corner) {
      idx_t ix = base;
      int32_t w = 1;
      for (idx_t k = 0; k < P::num_lerp; ++k) {
        const idx_t t = P::table_at[P::lerp_axes[k]] + index[P::lerp_axes[k]];
        if ((corner >> k) & 1) {
          ix += P::hi[t] - P::lo[t];
          w *= static_cast<int32_t>(P::w_hi[t]);
        } else {
          w *= static_cast<int32_t>(P::w_lo[t]);
        }
      }
      acc += w * static_cast<int32_t>(x[ix]);
    }
    y[i] = static_cast<int8_t>(acc >= 0 ? (acc + half) >> P::shift : -((half - acc) >> P::shift));
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      if (++index[d] < P::out_shape[d]) break;
      index[d] = 0;
    }
  }
}

// resize_linear_s8 when it interpolates the last two axes (H and W, or one of
// them) and the leading axes map one to one: per plane, per output row, the two
// input rows and their weights are read once, and each output blends two column
// blends. Both axes' Q10 weights multiply (P::shift = 20); an axis not
// interpolated has weights (1024, 0), which scales the sum by 2^10 and the
// rounding with it. Integer sums are exact in any order, so this is
// resize_linear_s8 bit for bit (tests/kernels, family resize_s8). P::plane_in: the
// input plane's H * W.
template <class P>
void resize_bilinear_s8_rows(const int8_t* x, int8_t* y) {
  static_assert(P::rank >= 2 && P::shift == 20, "Q10 weights on the last two axes");
  constexpr idx_t OH = P::out_shape[P::rank - 2], OW = P::out_shape[P::rank - 1];
  constexpr idx_t rows_at = P::table_at[P::rank - 2], cols_at = P::table_at[P::rank - 1];
  constexpr int32_t half = int32_t(1) << (P::shift - 1);
  for (idx_t p = 0; p < P::count / (OH * OW); ++p) {
    const int8_t* xp = x + p * P::plane_in;
    int8_t* yp = y + p * OH * OW;
    for (idx_t oh = 0; oh < OH; ++oh) {
      const int8_t* r0 = xp + P::lo[rows_at + oh];
      const int8_t* r1 = xp + P::hi[rows_at + oh];
      const int32_t wr0 = static_cast<int32_t>(P::w_lo[rows_at + oh]), wr1 = static_cast<int32_t>(P::w_hi[rows_at + oh]);
      for (idx_t ow = 0; ow < OW; ++ow) {
        const idx_t c0 = P::lo[cols_at + ow], c1 = P::hi[cols_at + ow];
        const int32_t wc0 = static_cast<int32_t>(P::w_lo[cols_at + ow]), wc1 = static_cast<int32_t>(P::w_hi[cols_at + ow]);
        const int32_t acc = wr0 * (wc0 * r0[c0] + wc1 * r0[c1]) + wr1 * (wc0 * r1[c0] + wc1 * r1[c1]);
        yp[oh * OW + ow] = static_cast<int8_t>(acc >= 0 ? (acc + half) >> P::shift : -((half - acc) >> P::shift));
      }
    }
  }
}
