// Einsum as one loop nest over every distinct label: the output's labels
// (slowest first, in output order) and then the summed ones. Each operand moves by
// its own stride per label, the sum of the strides of every axis carrying that
// label (which is what makes "ii->i" a diagonal), 0 where the label is absent or
// broadcast. The output index advances once per pass over the summed labels.

template <class P, class T>
void einsum(const T* const* xs, T* y) {
  idx_t digit[P::num_labels > 0 ? P::num_labels : 1] = {};
  idx_t off[P::num_inputs] = {};
  for (idx_t o = 0; o < P::out_count; ++o) {
    T acc = T(0);
    for (idx_t s = 0; s < P::sum_count; ++s) {
      T prod = T(1);
      for (idx_t k = 0; k < P::num_inputs; ++k) prod *= xs[k][off[k]];
      acc += prod;
      for (idx_t d = P::num_labels - 1; d >= 0; --d) {
        for (idx_t k = 0; k < P::num_inputs; ++k) off[k] += P::strides[k * P::num_labels + d];
        if (++digit[d] < P::dims[d]) break;
        for (idx_t k = 0; k < P::num_inputs; ++k) off[k] -= P::strides[k * P::num_labels + d] * P::dims[d];
        digit[d] = 0;
      }
    }
    y[o] = acc;
  }
}
