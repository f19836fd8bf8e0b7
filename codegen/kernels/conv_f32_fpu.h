// needs: im2col.h dwconv_plane.h
// Float convolution and fully connected layers for cores with an FPU (and the
// host): register-blocked, no bounds checks in their inner loops. conv.h and
// gemm.h are the references these match bit for bit (tests/kernels): each output
// adds the same products in the same order, multiply then add (no fused
// multiply-add: Mote's builds use -std=c++17, which does not contract). Padding
// taps, which the reference skips, add 0 * w here: the compiler picks these
// kernels only when every weight is finite and no bias is -0.0, and then
// acc + (+-0) is acc exactly (acc is never -0.0).
// Parameters: conv.h's, plus K (C/G * KH * KW).

template <class P, class T>
inline T k_act(T v) {
  return k_max(T(P::act_lo), k_min(T(P::act_hi), v));
}

// Two pixels by four output channels (an odd end repeats its last channel or
// pixel): each patch value feeds four MACs, each weight two.
template <class P>
K_NOINLINE void conv2d_f32_gemm_2x4_fpu(const float* x, const float* w, const float* b, float* y, uint8_t* scratch) {
  constexpr idx_t MG = P::M / P::G, HW = P::OH * P::OW;
  float* patch = reinterpret_cast<float*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t p0 = 0; p0 < HW; p0 += 2) {
        const idx_t p1 = p0 + 1 < HW ? p0 + 1 : p0;
        k_patch<P>(x, n, g, p0, 0.0f, [&](idx_t k, float v) { patch[k] = v; });
        k_patch<P>(x, n, g, p1, 0.0f, [&](idx_t k, float v) { patch[P::K + k] = v; });
        for (idx_t m = 0; m < MG; m += 4) {
          idx_t oc[4];
          for (idx_t j = 0; j < 4; ++j) oc[j] = g * MG + (m + j < MG ? m + j : MG - 1);
          const float *w0 = w + oc[0] * P::K, *w1 = w + oc[1] * P::K, *w2 = w + oc[2] * P::K, *w3 = w + oc[3] * P::K;
          float a0 = P::has_bias ? b[oc[0]] : 0.0f, a1 = P::has_bias ? b[oc[1]] : 0.0f;
          float a2 = P::has_bias ? b[oc[2]] : 0.0f, a3 = P::has_bias ? b[oc[3]] : 0.0f;
          float c0 = a0, c1 = a1, c2 = a2, c3 = a3;
          const float* x1 = patch + P::K;
          for (idx_t k = 0; k < P::K; ++k) {
            const float u = patch[k], v = x1[k];
            const float q0 = w0[k], q1 = w1[k], q2 = w2[k], q3 = w3[k];
            a0 += u * q0;
            c0 += v * q0;
            a1 += u * q1;
            c1 += v * q1;
            a2 += u * q2;
            c2 += v * q2;
            a3 += u * q3;
            c3 += v * q3;
          }
          const float r0[4] = {a0, a1, a2, a3}, r1[4] = {c0, c1, c2, c3};
          for (idx_t j = 0; j < 4 && m + j < MG; ++j) {
            float* yo = y + (n * P::M + oc[j]) * HW;
            yo[p0] = k_act<P>(r0[j]);
            yo[p1] = k_act<P>(r1[j]);
          }
        }
      }
}

// Depthwise 3x3 (dilation 1, any stride): the zero-padded plane (dwconv_plane.h
// with 0.0f), nine weights in registers, two outputs of a row at a time.
template <class P>
K_NOINLINE void dwconv3x3_f32_fpu(const float* x, const float* w, const float* b, float* y, uint8_t* scratch) {
  static_assert(P::KH == 3 && P::KW == 3 && P::DH == 1 && P::DW == 1 && P::G == P::C && P::M == P::C,
                "depthwise 3x3 only");
  constexpr idx_t PW = k_plane<P>::PW;
  float* plane = reinterpret_cast<float*>(scratch);
  for (idx_t i = 0; i < k_plane<P>::bytes; ++i) plane[i] = 0.0f;
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const float* src = x + (n * P::C + c) * P::H * P::W;
      for (idx_t h = 0; h < P::H; ++h)
        memcpy(plane + (h + P::PT) * PW + P::PL, src + h * P::W, sizeof(float) * static_cast<size_t>(P::W));
      const float* wc = w + c * 9;
      const float w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4], w5 = wc[5], w6 = wc[6], w7 = wc[7],
                  w8 = wc[8];
      const float bias = P::has_bias ? b[c] : 0.0f;
      float* yc = y + (n * P::C + c) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh) {
        const float* r0 = plane + oh * P::SH * PW;
        const float* r1 = r0 + PW;
        const float* r2 = r1 + PW;
        for (idx_t ow = 0; ow < P::OW; ++ow) {
          const idx_t i = ow * P::SW;
          float a = bias;
          a += r0[i] * w0;
          a += r0[i + 1] * w1;
          a += r0[i + 2] * w2;
          a += r1[i] * w3;
          a += r1[i + 1] * w4;
          a += r1[i + 2] * w5;
          a += r2[i] * w6;
          a += r2[i + 1] * w7;
          a += r2[i + 2] * w8;
          yc[oh * P::OW + ow] = k_act<P>(a);
        }
      }
    }
}

// Fully connected (Gemm with alpha = beta = 1, A not transposed): weights re-laid
// as N rows of K, four output units per pass over the input row.
template <class P>
K_NOINLINE void fc_f32_1x4_fpu(const float* a, const float* w, const float* c, float* y) {
  constexpr idx_t K = P::K, N = P::N;
  for (idx_t i = 0; i < P::M; ++i) {
    const float* ai = a + i * K;
    for (idx_t j = 0; j < N; j += 4) {
      const idx_t j1 = j + 1 < N ? j + 1 : N - 1, j2 = j + 2 < N ? j + 2 : N - 1, j3 = j + 3 < N ? j + 3 : N - 1;
      const float *w0 = w + j * K, *w1 = w + j1 * K, *w2 = w + j2 * K, *w3 = w + j3 * K;
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
      for (idx_t k = 0; k < K; ++k) {
        const float v = ai[k];
        s0 += v * w0[k];
        s1 += v * w1[k];
        s2 += v * w2[k];
        s3 += v * w3[k];
      }
      const float r[4] = {s0, s1, s2, s3};
      const idx_t js[4] = {j, j1, j2, j3};
      for (idx_t u = 0; u < 4 && j + u < N; ++u) {
        float v = r[u];
        if (P::has_c) v += c[i * P::c_row_stride + js[u] * P::c_col_stride];
        y[i * N + j + u] = k_act<P>(v);
      }
    }
  }
}
