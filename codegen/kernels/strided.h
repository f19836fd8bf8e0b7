// Strided copies. Slice, Expand, Tile, DepthToSpace and SpaceToDepth are all an
// odometer over the output reading the input at offset + sum(index[d] *
// strides[d]): strides may be negative (reversed slices) or 0 (broadcast), and
// Tile and the depth/space shuffles split an axis into two digits.

template <class P, class T>
void strided_copy(const T* x, T* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ix = P::offset;
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

// Split: the input is `outer` rows, each the outputs' rows one after another
// (output j's row has chunks[j] elements). Outputs the model does not use
// arrive as null pointers.
template <class P, class T, class... Ys>
void split(const T* x, Ys... ys) {
  T* const outs[] = {ys...};
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t j = 0; j < P::outputs; ++j) {
      if (outs[j]) memcpy(outs[j] + o * P::chunks[j], x, sizeof(T) * static_cast<size_t>(P::chunks[j]));
      x += P::chunks[j];
    }
}
