// needs: requant.h
// Optimized int8 fully connected layer; fully_connected_s8.h is the reference it
// must match bit for bit (tests/unit/fast_kernels_test.cpp). Uses requant.h.
// Parameters: fully_connected_s8.h's plus
//   fbias[N]  the bias with the input zero point folded in (compiler/quant/
//             zero_point_fold.h): fbias[j] = bias[j] - in_zp * sum_k w[j][k].
// The compiler picks this kernel only when fbias[j] plus any partial sum of
// x * w fits int32, so the int32 accumulators below cannot overflow and the
// result equals the reference's saturating bias add exactly.

// Four output units per pass over x: each input load feeds 4 MACs. A last
// block of fewer than 4 units repeats its last row and stores only the real
// units, which keeps one loop body.
template <class P>
void fully_connected_s8_fast(const int8_t* x, const int8_t* w, const int32_t* fbias, const int32_t* mult,
                             const int32_t* shift, int8_t* y) {
  constexpr idx_t K = P::K, N = P::N;
  auto q = [&](int32_t acc, idx_t j) {
    const idx_t c = P::per_channel ? j : 0;
    return k_requantize_s8(acc, mult[c], shift[c], P::out_zp, P::act_min, P::act_max);
  };
  for (idx_t i = 0; i < P::M; ++i) {
    const int8_t* xi = x + i * K;
    int8_t* yi = y + i * N;
    for (idx_t j = 0; j < N; j += 4) {
      const idx_t j1 = j + 1 < N ? j + 1 : N - 1, j2 = j + 2 < N ? j + 2 : N - 1, j3 = j + 3 < N ? j + 3 : N - 1;
      const int8_t *w0 = w + j * K, *w1 = w + j1 * K, *w2 = w + j2 * K, *w3 = w + j3 * K;
      int32_t a0 = fbias[j], a1 = fbias[j1], a2 = fbias[j2], a3 = fbias[j3];
      for (idx_t k = 0; k < K; ++k) {
        const int32_t v = xi[k];
        a0 += v * w0[k];
        a1 += v * w1[k];
        a2 += v * w2[k];
        a3 += v * w3[k];
      }
      // One requantization site: inlined four times over it would bloat the code.
      const int32_t acc[4] = {a0, a1, a2, a3};
      for (idx_t u = 0; u < 4 && j + u < N; ++u) yi[j + u] = q(acc[u], j + u);
    }
  }
}

// The form generated code calls: fbias, mult and shift are compile-time arrays
// of the parameter struct. The bias tensor is not read (fbias replaces it).
template <class P>
void fully_connected_s8_fast_baked(const int8_t* x, const int8_t* w, int8_t* y) {
  fully_connected_s8_fast<P>(x, w, P::fbias, P::mult, P::shift, y);
}
