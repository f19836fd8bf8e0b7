// ArgMax and ArgMin: the input is [outer, n, inner]; for each (outer, inner)
// the position along n of the largest (smallest) element, the first one on
// ties or the last with select_last.

template <class P, class T>
void arg_extreme(const T* x, int64_t* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const T* const row = x + o * P::n * P::inner + i;
      idx_t best = 0;
      T bv = row[0];
      for (idx_t j = 1; j < P::n; ++j) {
        const T v = row[j * P::inner];
        const bool better = P::is_max ? (P::select_last ? v >= bv : v > bv) : (P::select_last ? v <= bv : v < bv);
        if (better) {
          bv = v;
          best = j;
        }
      }
      y[o * P::inner + i] = best;
    }
}
