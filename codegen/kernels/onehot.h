// OneHot: the output is [outer, depth, inner] for indices [outer, inner]; an
// element is values[1] where its depth position equals the index (negative
// indices count from the end), values[0] elsewhere. Out-of-range indices give
// a row of values[0].

template <class P, class I, class T>
void onehot(const I* indices, const T* values, T* y) {
  const T off = values[0], on = values[1];
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t k = k_index(indices[o * P::inner + i], P::depth);
      for (idx_t d = 0; d < P::depth; ++d) y[(o * P::depth + d) * P::inner + i] = d == k ? on : off;
    }
}
