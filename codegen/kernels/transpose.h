// Transpose: an odometer over the output. `strides` are the input's strides in
// output axis order, so each step is one add and the input is read in place.

template <class P, class T>
void transpose(const T* x, T* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ix = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = x[ix];
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      ix += P::strides[d];
      if (++index[d] < P::shape[d]) break;
      ix -= P::strides[d] * P::shape[d];
      index[d] = 0;
    }
  }
}
