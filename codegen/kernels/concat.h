// Concat: the output is `outer` rows, each the rows of the inputs in turn
// (input j's row has chunks[j] elements). Inputs come as an array of pointers.

template <class P, class T>
void concat(const T* const* xs, T* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t j = 0; j < P::inputs; ++j) {
      memcpy(y, xs[j] + o * P::chunks[j], sizeof(T) * static_cast<size_t>(P::chunks[j]));
      y += P::chunks[j];
    }
}
