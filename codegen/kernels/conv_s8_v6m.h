// needs: requant.h im2col.h dwconv_plane.h
// Int8 convolution and fully connected layers for ARMv6-M (Cortex-M0/M0+): no
// SIMD, no multiply-accumulate, eight low registers for most instructions.
// conv_s8.h and fully_connected_s8.h are the references these match bit for bit
// (tests/kernels). Parameters: as conv_s8_dsp.h (fbias, K, rq_*); weights in
// their own order, rows of K.
//
// Speed on v6-M comes from fewer loads and no spills: the accumulators live in the
// high registers r8-r11 (ADD reaches them), the patch of two pixels is int32 pairs
// in scratch (one LDR each, immediate offsets), and each weight is one LDRSB.

#if defined(__ARM_ARCH) && __ARM_ARCH >= 7
#error "this code was generated for an ARMv6-M core (mote compile --target cortex-m0); build it for that core"
#endif

// Two pixels by two output channels over K: per element 2 LDRSB, 4 LDR, 4 MULS,
// 4 ADD to high registers and the loop (18 instructions for 4 MACs). `patch`
// holds (x pixel 0, x pixel 1) per element.
inline void k_gemm_2x2_v6m(const int32_t* patch, const int8_t* w0, const int8_t* w1, int32_t k, int32_t acc[4]) {
  register int32_t a00 __asm__("r8") = acc[0];
  register int32_t a01 __asm__("r9") = acc[1];
  register int32_t a10 __asm__("r10") = acc[2];
  register int32_t a11 __asm__("r11") = acc[3];
  const int32_t* p = patch + 2 * k;
  int32_t t, u, v;
  __asm__ volatile(
      ".syntax unified\n"
      "1:\n"
      "subs %[k], %[k], #1\n"
      "subs %[p], %[p], #8\n"
      "ldrsb %[u], [%[w0], %[k]]\n"
      "ldrsb %[v], [%[w1], %[k]]\n"
      "ldr %[t], [%[p], #0]\n"
      "muls %[t], %[u], %[t]\n"
      "add %[a00], %[t]\n"
      "ldr %[t], [%[p], #0]\n"
      "muls %[t], %[v], %[t]\n"
      "add %[a10], %[t]\n"
      "ldr %[t], [%[p], #4]\n"
      "muls %[t], %[u], %[t]\n"
      "add %[a01], %[t]\n"
      "ldr %[t], [%[p], #4]\n"
      "muls %[t], %[v], %[t]\n"
      "add %[a11], %[t]\n"
      "cmp %[k], #0\n"
      "bne 1b\n"
      : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [p] "+l"(p), [k] "+l"(k),
        [t] "=&l"(t), [u] "=&l"(u), [v] "=&l"(v)
      : [w0] "l"(w0), [w1] "l"(w1)
      : "cc", "memory");
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

template <class P>
K_NOINLINE void conv2d_s8_gemm_2x2_v6m(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::K >= 1, "a reduction of one element at least");
  constexpr idx_t MG = P::M / P::G, HW = P::OH * P::OW;
  int32_t* patch = reinterpret_cast<int32_t*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t p0 = 0; p0 < HW; p0 += 2) {
        const idx_t p1 = p0 + 1 < HW ? p0 + 1 : p0;
        const int8_t pad = static_cast<int8_t>(P::in_zp);
        k_patch<P>(x, n, g, p0, pad, [&](idx_t k, int8_t v) { patch[2 * k] = v; });
        k_patch<P>(x, n, g, p1, pad, [&](idx_t k, int8_t v) { patch[2 * k + 1] = v; });
        for (idx_t m = 0; m < MG; m += 2) {
          const idx_t oc0 = g * MG + m, oc1 = m + 1 < MG ? oc0 + 1 : oc0;
          int32_t acc[4] = {P::fbias[oc0], P::fbias[oc0], P::fbias[oc1], P::fbias[oc1]};
          k_gemm_2x2_v6m(patch, w + oc0 * P::K, w + oc1 * P::K, P::K, acc);
          int8_t* y0 = y + (n * P::M + oc0) * HW;
          int8_t* y1 = y + (n * P::M + oc1) * HW;
          y0[p0] = k_requantize_channel<P>(acc[0], oc0);
          y0[p1] = k_requantize_channel<P>(acc[1], oc0);
          y1[p0] = k_requantize_channel<P>(acc[2], oc1);
          y1[p1] = k_requantize_channel<P>(acc[3], oc1);
        }
      }
}

// Depthwise, any window: the zero-point-padded plane (dwconv_plane.h), then
// plain loops without bounds checks.
template <class P>
K_NOINLINE void dwconv_s8_v6m(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::G == P::C && P::M == P::C, "depthwise (one output per channel) only");
  constexpr idx_t PW = k_plane<P>::PW;
  int8_t* plane = reinterpret_cast<int8_t*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      k_pad_plane_s8<P>(x + (n * P::C + c) * P::H * P::W, plane);
      const int8_t* wc = w + c * P::KH * P::KW;
      int8_t* yc = y + (n * P::C + c) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh)
        for (idx_t ow = 0; ow < P::OW; ++ow) {
          int32_t a = P::fbias[c];
          const int8_t* base = plane + oh * P::SH * PW + ow * P::SW;
          for (idx_t kh = 0; kh < P::KH; ++kh)
            for (idx_t kw = 0; kw < P::KW; ++kw)
              a += static_cast<int32_t>(base[kh * P::DH * PW + kw * P::DW]) * wc[kh * P::KW + kw];
          yc[oh * P::OW + ow] = k_requantize_channel<P>(a, c);
        }
    }
}
