// ReverseSequence: for batch entry b, the first lens[b] steps along the time
// axis are reversed, the rest copied. Lengths come at run time and are
// clamped to [0, steps]. Each (batch, time) pair addresses `inner` contiguous
// elements at b * batch_stride + t * time_stride.

template <class P, class T, class L>
void reverse_sequence(const T* x, const L* lens, T* y) {
  for (idx_t b = 0; b < P::batch; ++b) {
    const int64_t l = static_cast<int64_t>(lens[b]);
    const idx_t len = l < 0 ? 0 : l > P::steps ? P::steps : static_cast<idx_t>(l);
    for (idx_t t = 0; t < P::steps; ++t) {
      const idx_t src = t < len ? len - 1 - t : t;
      memcpy(y + b * P::batch_stride + t * P::time_stride, x + b * P::batch_stride + src * P::time_stride,
             sizeof(T) * static_cast<size_t>(P::inner));
    }
  }
}
