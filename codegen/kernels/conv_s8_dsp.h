// needs: requant.h im2col.h
// includes: <arm_acle.h>
// Int8 convolution and fully connected layers for cores with the DSP extension
// (Cortex-M4, M7, M33, M55): SMLAD does two 16x16 MACs in one instruction.
// conv_s8.h and fully_connected_s8.h are the references these match bit for bit
// (tests/kernels). Parameters: theirs, plus
//   fbias[M]           the bias with the input zero point folded in
//   K, K4              the reduction per output (C/G * KH * KW) and K rounded up to 4
//   rq_fast, rq_mult[M], rq_add[M], rq_shift[M]   requant.h's fast requantization
// Weights arrive re-laid as M rows of K4 int8 (zeros after K).
//
// A convolution is a matrix product here: for two output pixels at a time, the
// patches of input they read (im2col.h, padding as the input zero point, which
// the folded bias cancels) go to scratch as 16-bit pairs in the order SXTB16
// unpacks weights: (x0, x2), (x1, x3) for every 4 reduction elements. Each
// weight word then feeds 4 SMLADs, each patch word 2, with 4 accumulators
// (2 pixels x 2 output channels) in registers.

#if !defined(__ARM_FEATURE_DSP)
#error "this code was generated for a core with the DSP extension (mote compile --target); build it for that core"
#endif

inline int32_t k_ld32(const void* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

// Bytes 1 and 3 sign-extended to two halfwords: one instruction with the rotation
// folded in (gcc 12 emits a separate ROR for the intrinsic form).
inline int32_t k_sxtb16_ror8(int32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

// Four reduction elements of one output channel against one pixel's patch pair.
inline int32_t k_dot4_dsp(int32_t acc, int32_t x02, int32_t x13, int32_t w02, int32_t w13) {
  return __smlad(x13, w13, __smlad(x02, w02, acc));
}

// Where reduction element k of pixel j goes in a block of two pixels' patches
// (int16 units). Each group of four elements takes four words, in the order the
// inner loop reads them: (x0, x2) of pixel 0, of pixel 1, then (x1, x3) of pixel
// 0, of pixel 1 -- the pairs SXTB16 makes of a weight word.
inline idx_t k_pair_slot(idx_t k, idx_t j) { return (k >> 2) * 8 + ((k & 1) * 2 + j) * 2 + ((k >> 1) & 1); }

// Writes the patch of output pixel p of image n, group g, as pixel j (0 or 1)
// of a two-pixel block.
template <class P>
inline void k_patch_pairs_dsp(const int8_t* x, idx_t n, idx_t g, idx_t p, idx_t j, int16_t* patch) {
  if (P::KH == 1 && P::KW == 1 && P::SH == 1 && P::SW == 1 && P::PT == 0 && P::PL == 0 && P::G == 1 &&
      P::OH == P::H && P::OW == P::W && P::K % 4 == 0) {
    // Pointwise: four channels of the pixel a column apart, packed two by two.
    constexpr idx_t HW = P::H * P::W;
    const int8_t* xc = x + n * P::C * HW + p;
    int32_t* words = reinterpret_cast<int32_t*>(patch) + j;
    for (idx_t c = 0; c < P::K; c += 4, xc += 4 * HW, words += 4) {
      const int32_t x0 = xc[0], x1 = xc[HW], x2 = xc[2 * HW], x3 = xc[3 * HW];
      words[0] = static_cast<int32_t>((static_cast<uint32_t>(x0) & 0xFFFFu) | (static_cast<uint32_t>(x2) << 16));
      words[2] = static_cast<int32_t>((static_cast<uint32_t>(x1) & 0xFFFFu) | (static_cast<uint32_t>(x3) << 16));
    }
    return;
  }
  if (const int8_t* base = k_window_inside<P>(x, n, g, p)) {
    // A window inside the input: no bounds to check. tap_off[k] is element k's
    // offset from the window's first byte (0 past K, where the weights are 0).
    int32_t* words = reinterpret_cast<int32_t*>(patch) + j;
    for (idx_t k = 0; k < P::K4; k += 4, words += 4) {
      const int32_t x0 = base[P::tap_off[k]], x1 = base[P::tap_off[k + 1]], x2 = base[P::tap_off[k + 2]],
                    x3 = base[P::tap_off[k + 3]];
      words[0] = static_cast<int32_t>((static_cast<uint32_t>(x0) & 0xFFFFu) | (static_cast<uint32_t>(x2) << 16));
      words[2] = static_cast<int32_t>((static_cast<uint32_t>(x1) & 0xFFFFu) | (static_cast<uint32_t>(x3) << 16));
    }
    return;
  }
  k_patch<P>(x, n, g, p, static_cast<int8_t>(P::in_zp), [&](idx_t k, int8_t v) { patch[k_pair_slot(k, j)] = v; });
}

// The requantization of requant.h's fast form with the DSP's rounding multiply:
// SMMULR(2 acc, mult) = floor((2 acc mult + 2^31) / 2^32), exact for |acc| < 2^30.
inline int32_t k_smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

template <class P>
inline int8_t k_requantize_dsp(int32_t acc, idx_t c) {
  if (!P::rq_fast) return k_requantize_channel<P>(acc, c);
  int32_t v = k_smmulr(static_cast<int32_t>(static_cast<uint32_t>(acc) << P::rq_pre[c]), P::rq_mult[c]);
  if (!P::rq_left || P::rq_shift[c] != 0) v = (v + (v < 0 ? -1 : 0) + P::rq_add[c]) >> P::rq_shift[c];
  v += P::out_zp;
  if (P::act_min <= -128 && P::act_max >= 127) return static_cast<int8_t>(__ssat(v, 8));
  return k_clamp_s8<P>(v);
}

// Output channels oc0 and oc1 (the same when the group has one left) for pixels
// p0 and p1 (the same at an odd end), from the patch block in scratch.
// The inner loop in assembly: 16 instructions for 16 MACs (2 LDR of weights,
// 2 LDRD of patch words, 4 SXTB16, 8 SMLAD), eight groups of four elements per
// pass. Written by hand because gcc 12 schedules the C form's loads early and
// spills accumulators. `w1_off` is the byte distance from channel oc0's weight
// row to oc1's (an immediate), `groups` a multiple of 2.
template <int32_t W1_OFF>
inline void k_gemm_2x2_dsp(const int32_t* patch, const int8_t* w0, int32_t groups, int32_t& a00, int32_t& a01,
                           int32_t& a10, int32_t& a11) {
  int32_t xa, xb, u, t, v;
  int32_t n = groups / 2;
  __asm__ volatile(
      "1:\n"
      "ldr    %[t], [%[w], %[off]]\n"
      "ldr    %[u], [%[w]], #4\n"
      "ldrd   %[xa], %[xb], [%[p]], #8\n"
      "sxtb16 %[v], %[u]\n"
      "smlad  %[a00], %[xa], %[v], %[a00]\n"
      "smlad  %[a01], %[xb], %[v], %[a01]\n"
      "sxtb16 %[v], %[t]\n"
      "smlad  %[a10], %[xa], %[v], %[a10]\n"
      "smlad  %[a11], %[xb], %[v], %[a11]\n"
      "ldrd   %[xa], %[xb], [%[p]], #8\n"
      "sxtb16 %[u], %[u], ror #8\n"
      "smlad  %[a00], %[xa], %[u], %[a00]\n"
      "smlad  %[a01], %[xb], %[u], %[a01]\n"
      "sxtb16 %[t], %[t], ror #8\n"
      "smlad  %[a10], %[xa], %[t], %[a10]\n"
      "smlad  %[a11], %[xb], %[t], %[a11]\n"
      "ldr    %[t], [%[w], %[off]]\n"
      "ldr    %[u], [%[w]], #4\n"
      "ldrd   %[xa], %[xb], [%[p]], #8\n"
      "sxtb16 %[v], %[u]\n"
      "smlad  %[a00], %[xa], %[v], %[a00]\n"
      "smlad  %[a01], %[xb], %[v], %[a01]\n"
      "sxtb16 %[v], %[t]\n"
      "smlad  %[a10], %[xa], %[v], %[a10]\n"
      "smlad  %[a11], %[xb], %[v], %[a11]\n"
      "ldrd   %[xa], %[xb], [%[p]], #8\n"
      "sxtb16 %[u], %[u], ror #8\n"
      "smlad  %[a00], %[xa], %[u], %[a00]\n"
      "smlad  %[a01], %[xb], %[u], %[a01]\n"
      "sxtb16 %[t], %[t], ror #8\n"
      "smlad  %[a10], %[xa], %[t], %[a10]\n"
      "smlad  %[a11], %[xb], %[t], %[a11]\n"
      "subs   %[n], %[n], #1\n"
      "bne    1b\n"
      : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [p] "+r"(patch), [w] "+r"(w0),
        [n] "+r"(n), [xa] "=&r"(xa), [xb] "=&r"(xb), [u] "=&r"(u), [t] "=&r"(t), [v] "=&r"(v)
      : [off] "i"(W1_OFF)
      : "cc", "memory");
}

template <class P>
K_NOINLINE void conv2d_s8_gemm_2x2_dsp(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::K4 % 8 == 0 && P::K4 >= P::K, "rows padded to 8");
  static_assert(P::K4 + 4 <= 4095, "the second row's offset is an LDR immediate");
  constexpr idx_t MG = P::M / P::G, HW = P::OH * P::OW;
  int16_t* patch = reinterpret_cast<int16_t*>(scratch);
  // The padding after K multiplies zero weights, but must not be uninitialised.
  for (idx_t k = P::K; k < P::K4; ++k)
    for (idx_t j = 0; j < 2; ++j) patch[k_pair_slot(k, j)] = 0;
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t p0 = 0; p0 < HW; p0 += 2) {
        const idx_t p1 = p0 + 1 < HW ? p0 + 1 : p0;
        k_patch_pairs_dsp<P>(x, n, g, p0, 0, patch);
        k_patch_pairs_dsp<P>(x, n, g, p1, 1, patch);
        for (idx_t m = 0; m < MG; m += 2) {
          const idx_t oc0 = g * MG + m, oc1 = m + 1 < MG ? oc0 + 1 : oc0;
          int32_t acc[4] = {P::fbias[oc0], P::fbias[oc0], P::fbias[oc1], P::fbias[oc1]};
          // oc1 == oc0 only for a last odd channel: its row is read twice, at offset 0.
          if (oc1 != oc0)
            k_gemm_2x2_dsp<P::K4>(reinterpret_cast<const int32_t*>(patch), w + oc0 * P::K4, P::K4 / 4, acc[0], acc[1],
                                  acc[2], acc[3]);
          else
            k_gemm_2x2_dsp<0>(reinterpret_cast<const int32_t*>(patch), w + oc0 * P::K4, P::K4 / 4, acc[0], acc[1],
                              acc[2], acc[3]);
          int8_t* y0 = y + (n * P::M + oc0) * HW;
          int8_t* y1 = y + (n * P::M + oc1) * HW;
          y0[p0] = k_requantize_dsp<P>(acc[0], oc0);
          y0[p1] = k_requantize_dsp<P>(acc[1], oc0);
          y1[p0] = k_requantize_dsp<P>(acc[2], oc1);
          y1[p1] = k_requantize_dsp<P>(acc[3], oc1);
        }
      }
}

// Four output units over the unpacked input row, in assembly for the same reason
// as k_gemm_2x2_dsp: per four elements one LDRD of the row and, per unit, an LDR,
// two SXTB16 and two SMLAD (21 instructions for 16 MACs). The units' rows are
// K4 bytes apart.
template <int32_t K4>
inline void k_fc_1x4_dsp(const int32_t* row, const int8_t* w, int32_t groups, int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], xa, xb, u, v;
#define MOTE_FC_UNIT(a, load)                      \
  load "sxtb16 %[v], %[u]\n"                        \
       "smlad  %[" a "], %[xa], %[v], %[" a "]\n"    \
       "sxtb16 %[u], %[u], ror #8\n"                \
       "smlad  %[" a "], %[xb], %[u], %[" a "]\n"
  __asm__ volatile(
      "1:\n"
      "ldrd   %[xa], %[xb], [%[row]], #8\n"
      MOTE_FC_UNIT("a1", "ldr %[u], [%[w], %[o1]]\n")
      MOTE_FC_UNIT("a2", "ldr %[u], [%[w], %[o2]]\n")
      MOTE_FC_UNIT("a3", "ldr %[u], [%[w], %[o3]]\n")
      MOTE_FC_UNIT("a0", "ldr %[u], [%[w]], #4\n")
      "subs   %[n], %[n], #1\n"
      "bne    1b\n"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [row] "+r"(row), [w] "+r"(w), [n] "+r"(groups),
        [xa] "=&r"(xa), [xb] "=&r"(xb), [u] "=&r"(u), [v] "=&r"(v)
      : [o1] "i"(K4), [o2] "i"(2 * K4), [o3] "i"(3 * K4)
      : "cc", "memory");
#undef MOTE_FC_UNIT
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

// Fully connected: the input row unpacked once into scratch as for one pixel,
// then four output units at a time share each of its words.
template <class P>
K_NOINLINE void fc_s8_1x4_dsp(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::K4 % 4 == 0 && P::K4 >= P::K, "rows padded to 4");
  int32_t* row = reinterpret_cast<int32_t*>(scratch);
  for (idx_t i = 0; i < P::M; ++i) {
    const int8_t* xi = x + i * P::K;
    int16_t* r16 = reinterpret_cast<int16_t*>(row);
    for (idx_t k = 0; k < P::K4; ++k) r16[(k >> 2) * 4 + (k & 1) * 2 + ((k >> 1) & 1)] = k < P::K ? xi[k] : 0;
    int8_t* yi = y + i * P::N;
    for (idx_t j = 0; j < P::N; j += 4) {
      const idx_t j1 = j + 1 < P::N ? j + 1 : P::N - 1, j2 = j + 2 < P::N ? j + 2 : P::N - 1,
                  j3 = j + 3 < P::N ? j + 3 : P::N - 1;
      const int8_t *w0 = w + j * P::K4, *w1 = w + j1 * P::K4, *w2 = w + j2 * P::K4, *w3 = w + j3 * P::K4;
      int32_t acc[4] = {P::fbias[j], P::fbias[j1], P::fbias[j2], P::fbias[j3]};
      if (j3 == j + 3 && 3 * P::K4 <= 4095)
        k_fc_1x4_dsp<P::K4>(row, w0, P::K4 / 4, acc);
      else  // the last, partial block: rows repeated, so not at fixed distances
        for (idx_t kq = 0; kq < P::K4 / 4; ++kq) {
          const int32_t x02 = row[kq * 2], x13 = row[kq * 2 + 1];
          const int8_t* rows[4] = {w0, w1, w2, w3};
          for (idx_t u = 0; u < 4; ++u) {
            const int32_t v = k_ld32(rows[u] + kq * 4);
            acc[u] = k_dot4_dsp(acc[u], x02, x13, __sxtb16(v), k_sxtb16_ror8(v));
          }
        }
      for (idx_t u = 0; u < 4 && j + u < P::N; ++u) yi[j + u] = k_requantize_dsp<P>(acc[u], j + u);
    }
  }
}
