// Gather, GatherElements, GatherND. Indices come at run time: negative ones
// count from the end, out-of-range ones (an error in ONNX) yield zeros.

// Gather: the input is [outer, n, inner]; the output [outer, count, inner]
// takes row indices[j] of each outer block.
template <class P, class T, class I>
void gather(const T* x, const I* indices, T* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t j = 0; j < P::count; ++j) {
      const idx_t k = k_index(indices[j], P::n);
      T* const yr = y + (o * P::count + j) * P::inner;
      if (k < 0) {
        for (idx_t i = 0; i < P::inner; ++i) yr[i] = T(0);
      } else {
        memcpy(yr, x + (o * P::n + k) * P::inner, sizeof(T) * static_cast<size_t>(P::inner));
      }
    }
}

// GatherElements: an odometer over the indices (= output) shape; `strides` are
// the input's, 0 along the axis, whose coordinate comes from the index instead.
template <class P, class T, class I>
void gather_elements(const T* x, const I* indices, T* y) {
  idx_t index[P::rank] = {};
  idx_t base = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    const idx_t k = k_index(indices[i], P::axis_size);
    y[i] = k < 0 ? T(0) : x[base + k * P::axis_stride];
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      base += P::strides[d];
      if (++index[d] < P::shape[d]) break;
      base -= P::strides[d] * P::shape[d];
      index[d] = 0;
    }
  }
}

// GatherND: `batches` batches of `tuples` index tuples of `depth` entries each;
// a tuple picks a block of `block` elements inside its batch of the input.
template <class P, class T, class I>
void gather_nd(const T* x, const I* indices, T* y) {
  for (idx_t b = 0; b < P::batches; ++b)
    for (idx_t t = 0; t < P::tuples; ++t) {
      const I* const tuple = indices + (b * P::tuples + t) * P::depth;
      idx_t off = b * P::batch_stride;
      bool inside = true;
      for (idx_t j = 0; j < P::depth; ++j) {
        const idx_t k = k_index(tuple[j], P::dims[j]);
        inside = inside && k >= 0;
        off += k * P::strides[j];
      }
      T* const yb = y + (b * P::tuples + t) * P::block;
      if (inside) {
        memcpy(yb, x + off, sizeof(T) * static_cast<size_t>(P::block));
      } else {
        for (idx_t i = 0; i < P::block; ++i) yb[i] = T(0);
      }
    }
}
