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

// LogSoftmax: (x - max) - log(sum(exp(x - max))), never forming the softmax
// itself so large negative results keep their precision; x - max is taken first
// because it is exact for large x while x - (max + log(sum)) would round.
template <class P, class T>
void log_softmax(const T* x, T* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t base = o * P::axis_len * P::inner + i;
      T mx = x[base];
      for (idx_t a = 1; a < P::axis_len; ++a) mx = k_max(mx, x[base + a * P::inner]);
      T sum = T(0);
      for (idx_t a = 0; a < P::axis_len; ++a) sum += k_exp(x[base + a * P::inner] - mx);
      const T log_sum = k_log(sum);
      for (idx_t a = 0; a < P::axis_len; ++a) y[base + a * P::inner] = (x[base + a * P::inner] - mx) - log_sum;
    }
}

// Hardmax: 1 at the first maximum along the axis, 0 elsewhere.
template <class P, class T>
void hardmax(const T* x, T* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t base = o * P::axis_len * P::inner + i;
      idx_t best = 0;
      for (idx_t a = 1; a < P::axis_len; ++a)
        if (x[base + a * P::inner] > x[base + best * P::inner]) best = a;
      for (idx_t a = 0; a < P::axis_len; ++a) y[base + a * P::inner] = a == best ? T(1) : T(0);
    }
}
