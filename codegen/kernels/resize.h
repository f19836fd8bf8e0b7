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
