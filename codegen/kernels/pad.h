// Pad by gathering: along axis d, output index o reads the input at offset
// src[table_at[d] + o] (already multiplied by the input stride), or is the
// constant when that entry is -1. Outer axes resolve once per output row.

template <class P, class T>
void pad(const T* x, T* y) {
  constexpr idx_t W = P::out_shape[P::rank - 1];
  const auto* const row_src = P::src + P::table_at[P::rank - 1];
  for (idx_t r = 0; r < P::count / W; ++r) {
    idx_t rem = r, base = 0;
    bool inside = true;
    for (idx_t d = P::rank - 2; d >= 0; --d) {
      const idx_t s = P::src[P::table_at[d] + rem % P::out_shape[d]];
      rem /= P::out_shape[d];
      inside = inside && s >= 0;
      base += s;
    }
    T* yr = y + r * W;
    for (idx_t o = 0; o < W; ++o) yr[o] = inside && row_src[o] >= 0 ? x[base + row_src[o]] : T(P::value);
  }
}
