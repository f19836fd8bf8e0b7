// TopK: the input is [outer, n, inner]; for each (outer, inner) the k largest
// (smallest) elements along n in order, and their positions. An insertion into
// the k kept so far: on equal values the earlier position stays first.

template <class P, class T>
void topk(const T* x, T* values, int64_t* indices) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const T* const row = x + o * P::n * P::inner + i;
      T* const vs = values + o * P::k * P::inner + i;
      int64_t* const is = indices + o * P::k * P::inner + i;
      idx_t kept = 0;
      for (idx_t j = 0; j < P::n; ++j) {
        const T v = row[j * P::inner];
        idx_t p = kept;
        while (p > 0 && (P::largest ? v > vs[(p - 1) * P::inner] : v < vs[(p - 1) * P::inner])) --p;
        if (p >= P::k) continue;
        for (idx_t q = (kept < P::k ? kept : P::k - 1); q > p; --q) {
          vs[q * P::inner] = vs[(q - 1) * P::inner];
          is[q * P::inner] = is[(q - 1) * P::inner];
        }
        vs[p * P::inner] = v;
        is[p * P::inner] = j;
        if (kept < P::k) ++kept;
      }
    }
}
