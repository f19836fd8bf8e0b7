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

// TFLite's doubling high multiply without a 64-bit multiply (ARMv6-M has none:
// gcc would call __aeabi_lmul): for |a| < 2^30 and 0 <= b < 2^31, from four 16x16
// products, floor((a b + 2^30) / 2^31) -- for negative a, -floor((|a| b + 2^30 -
// 1) / 2^31), the same value.
inline int32_t k_srdhm_v6m(int32_t a, int32_t b) {
  const uint32_t neg = a < 0 ? 1u : 0u;
  const uint32_t ua = neg ? 0u - static_cast<uint32_t>(a) : static_cast<uint32_t>(a);
  const uint32_t al = ua & 0xFFFFu, ah = ua >> 16, bl = static_cast<uint32_t>(b) & 0xFFFFu,
                 bh = static_cast<uint32_t>(b) >> 16;
  const uint32_t ll = al * bl, mid = al * bh + ah * bl;  // mid < 2^31 + 2^30
  uint32_t lo = ll + ((1u << 30) - neg);
  uint32_t hi = ah * bh + (lo < ll ? 1u : 0u);
  const uint32_t mlo = mid << 16;
  lo += mlo;
  hi += (lo < mlo ? 1u : 0u) + (mid >> 16);
  const uint32_t q = (hi << 1) | (lo >> 31);
  return neg ? -static_cast<int32_t>(q) : static_cast<int32_t>(q);
}

// requant.h's fast form with that multiply, for layers that shift right only;
// the general form otherwise.
template <class P>
inline int8_t k_requantize_v6m(int32_t acc, idx_t c) {
  if (!P::rq_fast || P::rq_left) return k_requantize_channel<P>(acc, c);
  const int32_t x = k_srdhm_v6m(acc, P::rq_mult[c]);
  return k_clamp_s8<P>(((x + (x < 0 ? -1 : 0) + P::rq_add[c]) >> P::rq_shift[c]) + P::out_zp);
}

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
        const idx_t ps[2] = {p0, p1};
        for (idx_t j = 0; j < 2; ++j) {
          if (const int8_t* base = k_window_inside<P>(x, n, g, ps[j])) {
            for (idx_t k = 0; k < P::K; ++k) patch[2 * k + j] = base[P::tap_off[k]];  // no bounds to check
          } else {
            k_patch<P>(x, n, g, ps[j], pad, [&](idx_t k, int8_t v) { patch[2 * k + j] = v; });
          }
        }
        for (idx_t m = 0; m < MG; m += 2) {
          const idx_t oc0 = g * MG + m, oc1 = m + 1 < MG ? oc0 + 1 : oc0;
          int32_t acc[4] = {P::fbias[oc0], P::fbias[oc0], P::fbias[oc1], P::fbias[oc1]};
          k_gemm_2x2_v6m(patch, w + oc0 * P::K, w + oc1 * P::K, P::K, acc);
          int8_t* y0 = y + (n * P::M + oc0) * HW;
          int8_t* y1 = y + (n * P::M + oc1) * HW;
          y0[p0] = k_requantize_v6m<P>(acc[0], oc0);
          y0[p1] = k_requantize_v6m<P>(acc[1], oc0);
          y1[p0] = k_requantize_v6m<P>(acc[2], oc1);
          y1[p1] = k_requantize_v6m<P>(acc[3], oc1);
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
          yc[oh * P::OW + ow] = k_requantize_v6m<P>(a, c);
        }
    }
}

// Depthwise 3x3, any stride, dilation 1: the nine weights widened once per
// channel, the taps unrolled (each an LDRB and SXTB, a MULS and an ADD: ARMv6-M's
// LDRSB takes register offsets only).
template <class P>
K_NOINLINE void dwconv3x3_s8_v6m(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::KH == 3 && P::KW == 3 && P::DH == 1 && P::DW == 1 && P::G == P::C && P::M == P::C,
                "depthwise 3x3 only");
  constexpr idx_t PW = k_plane<P>::PW;
  int8_t* plane = reinterpret_cast<int8_t*>(scratch);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      k_pad_plane_s8<P>(x + (n * P::C + c) * P::H * P::W, plane);
      const int8_t* wc = w + c * 9;
      const int32_t w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4], w5 = wc[5], w6 = wc[6], w7 = wc[7],
                    w8 = wc[8];
      int8_t* yc = y + (n * P::C + c) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh) {
        const int8_t* r = plane + oh * P::SH * PW;
        for (idx_t ow = 0; ow < P::OW; ++ow, r += P::SW) {
          int32_t a = P::fbias[c];
          a += r[0] * w0 + r[1] * w1 + r[2] * w2;
          a += r[PW] * w3 + r[PW + 1] * w4 + r[PW + 2] * w5;
          a += r[2 * PW] * w6 + r[2 * PW + 1] * w7 + r[2 * PW + 2] * w8;
          yc[oh * P::OW + ow] = k_requantize_v6m<P>(a, c);
        }
      }
    }
}
