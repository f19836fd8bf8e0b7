// Softmax along one axis: the tensor viewed as (outer, axis, inner).
// The maximum is subtracted first so exp never overflows.

template <class P, class T>
void softmax(const T* x, T* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t base = o * P::axis_len * P::inner + i;
      T mx = x[base];
      for (idx_t a = 1; a < P::axis_len; ++a) mx = k_max(mx, x[base + a * P::inner]);
      T sum = T(0);
      for (idx_t a = 0; a < P::axis_len; ++a) {
        const T e = k_exp(x[base + a * P::inner] - mx);
        y[base + a * P::inner] = e;
        sum += e;
      }
      for (idx_t a = 0; a < P::axis_len; ++a) y[base + a * P::inner] /= sum;
    }
}
