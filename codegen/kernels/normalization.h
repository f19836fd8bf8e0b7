// BatchNormalization in inference mode: per channel,
// y = (x - mean) / sqrt(var + epsilon) * scale + bias.

template <class P, class T>
void batch_norm(const T* x, const T* scale, const T* bias, const T* mean, const T* var, T* y) {
  for (idx_t c = 0; c < P::C; ++c) {
    const T k = scale[c] / k_sqrt(var[c] + T(P::epsilon));
    const T d = bias[c] - mean[c] * k;
    for (idx_t n = 0; n < P::N; ++n) {
      const idx_t base = (n * P::C + c) * P::inner;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = x[base + i] * k + d;
    }
  }
}
