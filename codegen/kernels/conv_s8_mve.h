// needs: requant.h im2col.h conv_s8_dsp.h dwconv_plane.h
// includes: <arm_mve.h>
// Int8 convolution and fully connected layers for Helium (Cortex-M55): VMLADAVA
// does 16 int8 MACs into a scalar accumulator in one instruction. conv_s8.h and
// fully_connected_s8.h are the references these match bit for bit (tests/kernels).
// Parameters: as conv_s8_dsp.h, with K16 (K rounded up to 16) for K4: weight rows
// arrive padded to K16 with zeros.

#if !defined(__ARM_FEATURE_MVE)
#error "this code was generated for a core with Helium (mote compile --target cortex-m55); build it for that core"
#endif

// Two pixels by two output channels over K16: four VMLADAVA per 16 elements
// (64 MACs in 8 instructions), in assembly with a low-overhead loop: VMLADAVA
// wants its accumulators in even registers, which no constraint can ask gcc for,
// and gcc's C form hoists and spills the patch vectors. r6, r8, r10, r12: with
// r0 among them, gcc 12 sometimes finds no allocation for the statement.
inline void k_gemm_2x2_mve(const int8_t* x0p, const int8_t* x1p, const int8_t* w0, const int8_t* w1, int32_t groups,
                           int32_t acc[4]) {
  register int32_t a00 __asm__("r6") = acc[0];
  register int32_t a01 __asm__("r8") = acc[1];
  register int32_t a10 __asm__("r10") = acc[2];
  register int32_t a11 __asm__("r12") = acc[3];
  __asm__ volatile(
      "dls    lr, %[n]\n"
      "1:\n"
      "vldrb.8 q0, [%[x0]], #16\n"
      "vldrb.8 q1, [%[x1]], #16\n"
      "vldrb.8 q2, [%[w0]], #16\n"
      "vmladava.s8 %[a00], q0, q2\n"
      "vmladava.s8 %[a01], q1, q2\n"
      "vldrb.8 q3, [%[w1]], #16\n"
      "vmladava.s8 %[a10], q0, q3\n"
      "vmladava.s8 %[a11], q1, q3\n"
      "le     lr, 1b\n"
      : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [x0] "+r"(x0p), [x1] "+r"(x1p),
        [w0] "+r"(w0), [w1] "+r"(w1)
      : [n] "r"(groups)
      : "q0", "q1", "q2", "q3", "lr", "memory");
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

// TFLite's requantization of four lanes of one output channel, exactly as
// requant.h's fast form (rq_fast): VQRDMULH is k_srdhm, and VRSHL's round-half-up
// shift after adding -1 to negative lanes rounds ties away from zero.
template <class P>
inline int32x4_t k_requantize_mve(int32x4_t acc, idx_t c) {
  int32x4_t v = vqrdmulhq_n_s32(acc, P::rq_mult[c]);
  v = vaddq_s32(v, vshrq_n_s32(v, 31));
  v = vrshlq_s32(v, vdupq_n_s32(-P::rq_shift[c]));
  v = vaddq_n_s32(v, P::out_zp);
  constexpr int32_t lo = P::act_min > -128 ? P::act_min : -128, hi = P::act_max < 127 ? P::act_max : 127;
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// The same for lanes of two channels, oc and oc + 1, two lanes each: multipliers
// and shifts from rq2_mult / rq2_neg_shift (each channel's twice, in order).
template <class P>
inline int32x4_t k_requantize_mve2(int32x4_t acc, idx_t oc) {
  int32x4_t v = vqrdmulhq_s32(acc, vld1q_s32(P::rq2_mult + 2 * oc));
  v = vaddq_s32(v, vshrq_n_s32(v, 31));
  v = vrshlq_s32(v, vld1q_s32(P::rq2_neg_shift + 2 * oc));
  v = vaddq_n_s32(v, P::out_zp);
  constexpr int32_t lo = P::act_min > -128 ? P::act_min : -128, hi = P::act_max < 127 ? P::act_max : 127;
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// One pixel's patch, int8 and contiguous. Pointwise: a 16-bit-offset gather
// loads eight channels (a plane apart) and a narrowing store writes them, two
// instructions for eight elements; other windows: im2col.h element by element.
template <class P>
inline void k_patch_mve(const int8_t* x, idx_t n, idx_t g, idx_t p, int8_t* patch) {
  constexpr idx_t HW = P::H * P::W;
  if (P::KH == 1 && P::KW == 1 && P::SH == 1 && P::SW == 1 && P::PT == 0 && P::PL == 0 && P::G == 1 &&
      P::OH == P::H && P::OW == P::W && HW * 7 < 65536) {
    const uint16x8_t planes = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<uint16_t>(HW));
    const int8_t* xp = x + n * P::C * HW + p;
    for (idx_t c = 0; c < P::K; c += 8) {
      const mve_pred16_t live = vctp16q(static_cast<uint32_t>(P::K - c));
      vstrbq_p_s16(patch + c, vldrbq_gather_offset_z_s16(xp + c * HW, planes, live), live);
    }
    return;
  }
  constexpr idx_t CG = P::C / P::G, KK = P::KH * P::KW;
  if (CG >= 2 && HW * 7 < 65536 && KK * 7 < 65536) {
    // Any window, two channels or more: for each tap, eight channels at once -- a gather a plane apart
    // from the input, a scatter KH*KW apart into the patch (the weights' order).
    const idx_t oh = p / P::OW, ow = p % P::OW;
    const int8_t* xg = x + (n * P::C + g * CG) * HW;
    const uint16x8_t planes = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<uint16_t>(HW));
    const uint16x8_t slots = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<uint16_t>(KK));
    const int16x8_t pad = vdupq_n_s16(static_cast<int16_t>(P::in_zp));
    for (idx_t kh = 0; kh < P::KH; ++kh) {
      const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
      for (idx_t kw = 0; kw < P::KW; ++kw) {
        const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
        const bool inside = ih >= 0 && ih < P::H && iw >= 0 && iw < P::W;
        int8_t* dst = patch + kh * P::KW + kw;
        for (idx_t c = 0; c < CG; c += 8) {
          const mve_pred16_t live = vctp16q(static_cast<uint32_t>(CG - c));
          const int16x8_t v = inside ? vldrbq_gather_offset_z_s16(xg + c * HW + ih * P::W + iw, planes, live) : pad;
          vstrbq_scatter_offset_p_s16(dst + c * KK, slots, v, live);
        }
      }
    }
    return;
  }
  if (const int8_t* base = k_window_inside<P>(x, n, g, p)) {
    for (idx_t k = 0; k < P::K; ++k) patch[k] = base[P::tap_off[k]];  // no bounds to check
    return;
  }
  k_patch<P>(x, n, g, p, static_cast<int8_t>(P::in_zp), [&](idx_t k, int8_t v) { patch[k] = v; });
}

// A convolution as a matrix product over two pixels' patches, int8 and contiguous
// in scratch (im2col.h; padding as the input zero point, which fbias cancels).
template <class P>
K_NOINLINE void conv2d_s8_gemm_2x2_mve(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::K16 % 16 == 0 && P::K16 >= P::K, "rows padded to 16");
  constexpr idx_t MG = P::M / P::G, HW = P::OH * P::OW;
  int8_t* patch = reinterpret_cast<int8_t*>(scratch);
  memset(patch, 0, static_cast<size_t>(2 * P::K16));
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t g = 0; g < P::G; ++g)
      for (idx_t p0 = 0; p0 < HW; p0 += 2) {
        const idx_t p1 = p0 + 1 < HW ? p0 + 1 : p0;
        k_patch_mve<P>(x, n, g, p0, patch);
        k_patch_mve<P>(x, n, g, p1, patch + P::K16);
        for (idx_t m = 0; m < MG; m += 2) {
          const idx_t oc0 = g * MG + m, oc1 = m + 1 < MG ? oc0 + 1 : oc0;
          int32_t acc[4] = {P::fbias[oc0], P::fbias[oc0], P::fbias[oc1], P::fbias[oc1]};
          k_gemm_2x2_mve(patch, patch + P::K16, w + oc0 * P::K16, w + oc1 * P::K16, P::K16 / 16, acc);
          int8_t* y0 = y + (n * P::M + oc0) * HW;
          if (P::rq_fast && !P::rq_left) {
            // The four outputs as one vector: lanes (oc0 p0, oc0 p1, oc1 p0, oc1 p1),
            // each channel's multiplier and shift twice in rq2_*; a last odd channel
            // stores only its two lanes.
            int32x4_t v = vdupq_n_s32(0);
            v = vsetq_lane_s32(acc[0], v, 0);
            v = vsetq_lane_s32(acc[1], v, 1);
            v = vsetq_lane_s32(acc[2], v, 2);
            v = vsetq_lane_s32(acc[3], v, 3);
            v = k_requantize_mve2<P>(v, oc0);
            const uint32x4_t at = {0u, static_cast<uint32_t>(p1 - p0), static_cast<uint32_t>(HW),
                                   static_cast<uint32_t>(HW + p1 - p0)};
            vstrbq_scatter_offset_p_s32(y0 + p0, at, v, vctp32q(oc1 != oc0 ? 4u : 2u));
          } else {
            int8_t* y1 = y + (n * P::M + oc1) * HW;
            y0[p0] = k_requantize_dsp<P>(acc[0], oc0);
            y0[p1] = k_requantize_dsp<P>(acc[1], oc0);
            y1[p0] = k_requantize_dsp<P>(acc[2], oc1);
            y1[p1] = k_requantize_dsp<P>(acc[3], oc1);
          }
        }
      }
}

// Fully connected: the input row copied into scratch padded to K16, four output
// units at a time.
template <class P>
K_NOINLINE void fc_s8_1x4_mve(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::K16 % 16 == 0 && P::K16 >= P::K, "rows padded to 16");
  int8_t* row = reinterpret_cast<int8_t*>(scratch);
  memset(row + P::K, 0, static_cast<size_t>(P::K16 - P::K));
  for (idx_t i = 0; i < P::M; ++i) {
    memcpy(row, x + i * P::K, static_cast<size_t>(P::K));
    int8_t* yi = y + i * P::N;
    for (idx_t j = 0; j < P::N; j += 4) {
      const idx_t j1 = j + 1 < P::N ? j + 1 : P::N - 1, j2 = j + 2 < P::N ? j + 2 : P::N - 1,
                  j3 = j + 3 < P::N ? j + 3 : P::N - 1;
      const int8_t *w0 = w + j * P::K16, *w1 = w + j1 * P::K16, *w2 = w + j2 * P::K16, *w3 = w + j3 * P::K16;
      int32_t a0 = P::fbias[j], a1 = P::fbias[j1], a2 = P::fbias[j2], a3 = P::fbias[j3];
#pragma GCC unroll 2
      for (idx_t k = 0; k < P::K16; k += 16) {
        const int8x16_t xv = vld1q_s8(row + k);
        a0 = vmladavaq_s8(a0, xv, vld1q_s8(w0 + k));
        a1 = vmladavaq_s8(a1, xv, vld1q_s8(w1 + k));
        a2 = vmladavaq_s8(a2, xv, vld1q_s8(w2 + k));
        a3 = vmladavaq_s8(a3, xv, vld1q_s8(w3 + k));
      }
      const int32_t acc[4] = {a0, a1, a2, a3};
      for (idx_t u = 0; u < 4 && j + u < P::N; ++u) yi[j + u] = k_requantize_dsp<P>(acc[u], j + u);
    }
  }
}

// One output row of a depthwise 3x3 in assembly, four outputs a pass of a
// tail-predicated loop (DLSTP/LETP: the last pass stores only the outputs left):
// per pass nine widening loads (stride 2: a 16-bit load and VMOVLB keep bytes 0,
// 2, 4, 6) and nine vector-by-scalar MLAs with the weights read two at a time
// (LDRD), then requant.h's fast requantization on the vector (VQRDMULH,
// ties-away fix-up, VRSHL, zero point, clamp). In assembly because gcc 12 spills
// the weights and constants of the C form. Few registers, so that the statement
// fits wherever it is inlined; the widening loads and narrowing store take low
// registers only ("l"). w: the nine weights as int32 and a spare; cst: six vectors
// (mult, -shift, out_zp, lo, hi, bias), then the output count.
template <int SW, int PW>
inline void k_dw3x3_row_mve(const int8_t* r, int8_t* yo, const int32_t* w, const int32_t* cst) {
  int32_t t0, t1;
#define MOTE_DW_ROW_ASM(TAP)                                                                      \
  __asm__ volatile(                                                                              \
      "vldrw.32 q2, [%[cst]]\n"                                                                  \
      "vldrw.32 q3, [%[cst], #16]\n"                                                             \
      "vldrw.32 q4, [%[cst], #32]\n"                                                             \
      "vldrw.32 q5, [%[cst], #48]\n"                                                             \
      "vldrw.32 q6, [%[cst], #64]\n"                                                             \
      "vldrw.32 q7, [%[cst], #80]\n"                                                             \
      "ldr %[cst], [%[cst], #96]\n"                                                              \
      "dlstp.32 lr, %[cst]\n"                                                                    \
      "1:\n"                                                                                     \
      "vmov q0, q7\n"                                                                            \
      "ldrd %[t0], %[t1], [%[w]]\n" TAP(0, t0) TAP(1, t1)                                        \
      "ldrd %[t0], %[t1], [%[w], #8]\n" TAP(2, t0) "add %[r], %[r], %[pw]\n" TAP(0, t1)         \
      "ldrd %[t0], %[t1], [%[w], #16]\n" TAP(1, t0) TAP(2, t1) "add %[r], %[r], %[pw]\n"        \
      "ldrd %[t0], %[t1], [%[w], #24]\n" TAP(0, t0) TAP(1, t1)                                   \
      "ldr %[t0], [%[w], #32]\n" TAP(2, t0)                                                       \
      "sub %[r], %[r], %[back]\n"                                                                \
      "vqrdmulh.s32 q0, q0, q2\n"                                                                \
      "vshr.s32 q1, q0, #31\n"                                                                   \
      "vadd.i32 q0, q0, q1\n"                                                                    \
      "vrshl.s32 q0, q0, q3\n"                                                                   \
      "vadd.i32 q0, q0, q4\n"                                                                    \
      "vmax.s32 q0, q0, q5\n"                                                                    \
      "vmin.s32 q0, q0, q6\n"                                                                    \
      "vstrb.32 q0, [%[y]], #4\n"                                                                \
      "letp lr, 1b\n"                                                                            \
      : [r] "+l"(r), [y] "+l"(yo), [cst] "+r"(cst), [t0] "=&r"(t0), [t1] "=&r"(t1)               \
      : [w] "r"(w), [pw] "i"(PW), [back] "i"(2 * PW - 4 * SW)                                    \
      : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "lr", "memory")
#define MOTE_DW_TAP1(off, wr) "vldrb.s32 q1, [%[r], #" #off "]\nvmla.s32 q0, q1, %[" #wr "]\n"
#define MOTE_DW_TAP2(off, wr) "vldrb.s16 q1, [%[r], #" #off "]\nvmovlb.s16 q1, q1\nvmla.s32 q0, q1, %[" #wr "]\n"
  if (SW == 1) MOTE_DW_ROW_ASM(MOTE_DW_TAP1);
  else MOTE_DW_ROW_ASM(MOTE_DW_TAP2);
#undef MOTE_DW_TAP1
#undef MOTE_DW_TAP2
#undef MOTE_DW_ROW_ASM
}

// Depthwise 3x3 (dilation 1, stride 1 or 2 along W), four outputs of a row per
// vector: each tap one widening load of four input bytes (a gather for stride 2)
// and one vector-by-scalar MLA, from a zero-point-padded plane as in
// dwconv_s8_dsp.h. Its border is filled once per layer; each channel then only
// copies its rows in. Only with rq_fast (the vector requantization); else the DSP
// kernel runs.
template <class P>
K_NOINLINE void dwconv3x3_s8_mve(const int8_t* x, const int8_t* w, int8_t* y, uint8_t* scratch) {
  static_assert(P::KH == 3 && P::KW == 3 && P::DH == 1 && P::DW == 1 && P::G == P::C && P::M == P::C,
                "depthwise 3x3 only");
  static_assert(P::rq_fast && !P::rq_left, "the vector requantization needs the fast form's conditions");
  static_assert(P::SW == 1 || P::SW == 2, "stride 1 or 2 along W");
  constexpr idx_t PW = k_plane<P>::PW;
  constexpr int32_t lo = P::act_min > -128 ? P::act_min : -128, hi = P::act_max < 127 ? P::act_max : 127;
  int8_t* plane = reinterpret_cast<int8_t*>(scratch);
  memset(plane, static_cast<int8_t>(P::in_zp), static_cast<size_t>(k_plane<P>::bytes));
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const int8_t* src = x + (n * P::C + c) * P::H * P::W;
      for (idx_t h = 0; h < P::H; ++h)
        for (idx_t i = 0; i < P::W; i += 16) {
          const mve_pred16_t live = vctp8q(static_cast<uint32_t>(P::W - i));
          vstrbq_p_s8(plane + (h + P::PT) * PW + P::PL + i, vld1q_z_s8(src + h * P::W + i, live), live);
        }
      const int8_t* wc = w + c * 9;
      // mult, -shift, out_zp, lo, hi and the bias, four lanes each.
      alignas(16) const int32_t cst[7][4] = {{P::rq_mult[c], P::rq_mult[c], P::rq_mult[c], P::rq_mult[c]},
                                 {-P::rq_shift[c], -P::rq_shift[c], -P::rq_shift[c], -P::rq_shift[c]},
                                 {P::out_zp, P::out_zp, P::out_zp, P::out_zp},
                                 {lo, lo, lo, lo},
                                 {hi, hi, hi, hi},
                                 {P::fbias[c], P::fbias[c], P::fbias[c], P::fbias[c]},
                                 {P::OW, 0, 0, 0}};
      int8_t* yc = y + (n * P::C + c) * P::OH * P::OW;
      alignas(8) const int32_t wv[10] = {wc[0], wc[1], wc[2], wc[3], wc[4], wc[5], wc[6], wc[7], wc[8], 0};
      for (idx_t oh = 0; oh < P::OH; ++oh)
        k_dw3x3_row_mve<P::SW, PW>(plane + oh * P::SH * PW, yc + oh * P::OW, wv, &cst[0][0]);
    }
}

