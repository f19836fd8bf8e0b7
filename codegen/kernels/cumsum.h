// CumSum along an axis read at run time (it does not change any shape): the
// input seen as [outer, n, inner] for that axis, from per-axis tables. An axis
// out of range (an error in ONNX) copies the input.

template <class P, class T, class A>
void cumsum(const T* x, const A* axis, T* y) {
  int64_t a = static_cast<int64_t>(axis[0]);
  if (a < 0) a += P::rank;
  if (a < 0 || a >= P::rank) {
    memcpy(y, x, sizeof(T) * static_cast<size_t>(P::count));
    return;
  }
  const idx_t outer = P::outer[a], n = P::n[a], inner = P::inner[a];
  for (idx_t o = 0; o < outer; ++o)
    for (idx_t i = 0; i < inner; ++i) {
      T acc = T(0);
      for (idx_t s = 0; s < n; ++s) {
        const idx_t j = P::reverse ? n - 1 - s : s;
        const idx_t at = (o * n + j) * inner + i;
        const T v = x[at];
        if (P::exclusive) {
          y[at] = acc;
          acc = static_cast<T>(acc + v);
        } else {
          acc = static_cast<T>(acc + v);
          y[at] = acc;
        }
      }
    }
}
