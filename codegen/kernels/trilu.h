// Trilu: `batches` matrices of rows x cols; keeps the elements on and above
// (upper) or on and below (lower) diagonal k, zeroes the rest. k is read at
// run time (null means 0), since it does not change any shape.

template <class P, class T>
void trilu(const T* x, const int64_t* kp, T* y) {
  const int64_t k = kp ? kp[0] : 0;
  for (idx_t b = 0; b < P::batches; ++b)
    for (idx_t i = 0; i < P::rows; ++i)
      for (idx_t j = 0; j < P::cols; ++j) {
        const idx_t at = (b * P::rows + i) * P::cols + j;
        const int64_t diag = static_cast<int64_t>(j) - i;
        const bool keep = P::upper ? diag >= k : diag <= k;
        y[at] = keep ? x[at] : T(0);
      }
}
