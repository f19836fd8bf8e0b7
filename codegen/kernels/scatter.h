// ScatterElements and ScatterND: the output starts as a copy of the data, then
// each update is combined into the element its index names. Indices come at
// run time: negative ones count from the end, out-of-range ones are skipped.

struct scatter_none {
  template <class T> static void apply(T& d, T u) { d = u; }
};
struct scatter_add {
  template <class T> static void apply(T& d, T u) { d = static_cast<T>(d + u); }
};
struct scatter_mul {
  template <class T> static void apply(T& d, T u) { d = static_cast<T>(d * u); }
};

// An odometer over the indices (= updates) shape; `strides` are the data's,
// 0 along the axis, whose coordinate comes from the index instead.
template <class P, class T, class I, class R>
void scatter_elements(const T* x, const I* indices, const T* updates, T* y) {
  if (x != y) memcpy(y, x, sizeof(T) * static_cast<size_t>(P::data_count));
  idx_t index[P::rank] = {};
  idx_t base = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    const idx_t k = k_index(indices[i], P::axis_size);
    if (k >= 0) R::apply(y[base + k * P::axis_stride], updates[i]);
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      base += P::strides[d];
      if (++index[d] < P::shape[d]) break;
      base -= P::strides[d] * P::shape[d];
      index[d] = 0;
    }
  }
}

// `tuples` index tuples of `depth` entries; each names a block of `block`
// elements of the data, combined with the next `block` updates.
template <class P, class T, class I, class R>
void scatter_nd(const T* x, const I* indices, const T* updates, T* y) {
  if (x != y) memcpy(y, x, sizeof(T) * static_cast<size_t>(P::data_count));
  for (idx_t t = 0; t < P::tuples; ++t) {
    const I* const tuple = indices + t * P::depth;
    idx_t off = 0;
    bool inside = true;
    for (idx_t j = 0; j < P::depth; ++j) {
      const idx_t k = k_index(tuple[j], P::dims[j]);
      inside = inside && k >= 0;
      off += k * P::strides[j];
    }
    if (!inside) continue;
    for (idx_t i = 0; i < P::block; ++i) R::apply(y[off + i], updates[t * P::block + i]);
  }
}
