// Gemm: Y = alpha * A' * B' + beta * C, with A' = A or A^T and B' = B or B^T.
// C broadcasts to (M, N) through its row and column strides (0 when broadcast).

template <class P, class T>
void gemm(const T* a, const T* b, const T* c, T* y) {
  for (idx_t i = 0; i < P::M; ++i)
    for (idx_t j = 0; j < P::N; ++j) {
      T acc = T(0);
      for (idx_t k = 0; k < P::K; ++k) {
        const T av = P::trans_a ? a[k * P::M + i] : a[i * P::K + k];
        const T bv = P::trans_b ? b[j * P::K + k] : b[k * P::N + j];
        acc += av * bv;
      }
      T r = T(P::alpha) * acc;
      if (P::has_c) r += T(P::beta) * c[i * P::c_row_stride + j * P::c_col_stride];
      y[i * P::N + j] = k_max(T(P::act_lo), k_min(T(P::act_hi), r));
    }
}

// MatMul with numpy semantics: a batch of (M, K) x (K, N) products; the offsets
// of each batch's operands are precomputed (0 strides where a side broadcasts).
template <class P, class T>
void matmul(const T* a, const T* b, T* y) {
  for (idx_t bt = 0; bt < P::batch; ++bt) {
    const T* ab = a + P::a_offsets[bt];
    const T* bb = b + P::b_offsets[bt];
    T* yb = y + bt * P::M * P::N;
    for (idx_t i = 0; i < P::M; ++i)
      for (idx_t j = 0; j < P::N; ++j) {
        T acc = T(0);
        for (idx_t k = 0; k < P::K; ++k) acc += ab[i * P::K + k] * bb[k * P::N + j];
        yb[i * P::N + j] = acc;
      }
  }
}
