// needs: requant.h
// Optimized int8 convolutions, NCHW: pointwise and depthwise 3x3. conv_s8.h is
// the reference they must match bit for bit (tests/unit/fast_kernels_test.cpp).
// Uses requant.h. Parameters: conv_s8.h's (each kernel asserts the shapes it
// takes), plus
//   fbias[M]  the bias with the input zero point folded in (compiler/quant/
//             zero_point_fold.h): fbias[oc] = bias[oc] - in_zp * sum w[oc].
// The compiler picks these kernels only when fbias[oc] plus any partial sum of
// x * w fits int32, so the int32 accumulators below cannot overflow and the
// result equals the reference's saturating bias add exactly.

// One output from a strided row of x, for the pixels left over by the blocked
// loop.
inline int32_t k_dot_s8(const int8_t* x, idx_t x_step, const int8_t* w, idx_t n, int32_t acc) {
  for (idx_t i = 0; i < n; ++i) acc += static_cast<int32_t>(x[i * x_step]) * w[i];
  return acc;
}

// Blocks of 2 output channels x 4 pixels: each weight load feeds 4 MACs and
// each input load 2, with 8 accumulators, few enough for the 13 general
// registers of a Cortex-M. An odd last channel computes its row twice and
// stores it once, which keeps one loop body.
template <class P>
void conv2d_s8_pointwise(const int8_t* x, const int8_t* w, const int32_t* fbias, const int32_t* mult,
                         const int32_t* shift, int8_t* y) {
  static_assert(P::KH == 1 && P::KW == 1 && P::SH == 1 && P::SW == 1 && P::DH == 1 && P::DW == 1 && P::PT == 0 &&
                    P::PL == 0 && P::G == 1 && P::OH == P::H && P::OW == P::W,
                "pointwise convolution only");
  constexpr idx_t C = P::C, HW = P::H * P::W;
  for (idx_t n = 0; n < P::N; ++n) {
    const int8_t* xn = x + n * C * HW;
    for (idx_t oc = 0; oc < P::M; oc += 2) {
      const bool two = oc + 1 < P::M;
      const idx_t oc1 = two ? oc + 1 : oc;
      const int8_t* w0 = w + oc * C;
      const int8_t* w1 = w + oc1 * C;
      int8_t* y0 = y + (n * P::M + oc) * HW;
      int8_t* y1 = y0 + HW;
      // One requantization site per kernel: inlined eight times over it would
      // bloat the code and crowd the caller's register allocation.
      auto q = [&](int32_t acc, idx_t ch) {
        return k_requantize_s8(acc, mult[ch], shift[ch], P::out_zp, P::act_min, P::act_max);
      };
      idx_t p = 0;
      for (; p + 4 <= HW; p += 4) {
        int32_t a0 = fbias[oc], a1 = a0, a2 = a0, a3 = a0;
        int32_t b0 = fbias[oc1], b1 = b0, b2 = b0, b3 = b0;
        const int8_t* xc = xn + p;
        for (idx_t c = 0; c < C; ++c, xc += HW) {
          const int32_t u = w0[c], v = w1[c];
          const int32_t x0 = xc[0], x1 = xc[1], x2 = xc[2], x3 = xc[3];
          a0 += x0 * u;
          b0 += x0 * v;
          a1 += x1 * u;
          b1 += x1 * v;
          a2 += x2 * u;
          b2 += x2 * v;
          a3 += x3 * u;
          b3 += x3 * v;
        }
        const int32_t acc[8] = {a0, a1, a2, a3, b0, b1, b2, b3};
        for (idx_t u = 0; u < (two ? 8 : 4); ++u) (u < 4 ? y0 : y1)[p + (u & 3)] = q(acc[u], u < 4 ? oc : oc1);
      }
      for (; p < HW; ++p)
        for (idx_t u = 0; u < (two ? 2 : 1); ++u) {
          const idx_t ch = u ? oc1 : oc;
          (u ? y1 : y0)[p] = q(k_dot_s8(xn + p, HW, u ? w1 : w0, C, fbias[ch]), ch);
        }
    }
  }
}

// The form generated code calls: fbias, mult and shift are compile-time arrays
// of the parameter struct. The bias tensor is not read (fbias replaces it).
template <class P>
void conv2d_s8_pointwise_baked(const int8_t* x, const int8_t* w, int8_t* y) {
  conv2d_s8_pointwise<P>(x, w, P::fbias, P::mult, P::shift, y);
}

// The first output index whose 3-tap window starts inside the input, and one
// past the last whose window ends inside it (never below the first).
constexpr idx_t k_inside_begin(idx_t pad, idx_t stride) { return (pad + stride - 1) / stride; }
constexpr idx_t k_inside_end(idx_t in, idx_t pad, idx_t stride, idx_t out) {
  const idx_t e = in - 3 + pad >= 0 ? (in - 3 + pad) / stride + 1 : 0;
  const idx_t b = k_inside_begin(pad, stride);
  return e > out ? (out > b ? out : b) : (e > b ? e : b);
}

// Depthwise 3x3 (G = C = M, KH = KW = 3, dilations 1, any stride and padding).
// Interior pixels, whose nine taps all lie inside the input, take nine MACs of
// raw int8 values from fbias (the fold counts all nine taps). Border pixels
// skip their padded taps and add the real bias b as the reference does.
template <class P>
void conv2d_s8_depthwise3x3(const int8_t* x, const int8_t* w, const int32_t* b, const int32_t* fbias,
                            const int32_t* mult, const int32_t* shift, int8_t* y) {
  static_assert(P::KH == 3 && P::KW == 3 && P::DH == 1 && P::DW == 1 && P::G == P::C && P::M == P::C,
                "depthwise 3x3 only");
  constexpr idx_t H = P::H, W = P::W, OH = P::OH, OW = P::OW;
  constexpr idx_t oh0 = k_inside_begin(P::PT, P::SH), oh1 = k_inside_end(H, P::PT, P::SH, OH);
  constexpr idx_t ow0 = k_inside_begin(P::PL, P::SW), ow1 = k_inside_end(W, P::PL, P::SW, OW);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const int8_t* xc = x + (n * P::C + c) * H * W;
      const int8_t* wc = w + c * 9;
      int8_t* yc = y + (n * P::C + c) * OH * OW;
      // The accumulator of a border pixel, bias added.
      auto border = [&](idx_t oh, idx_t ow) {
        int32_t acc = 0;
        for (idx_t kh = 0; kh < 3; ++kh) {
          const idx_t ih = oh * P::SH - P::PT + kh;
          if (ih < 0 || ih >= H) continue;
          for (idx_t kw = 0; kw < 3; ++kw) {
            const idx_t iw = ow * P::SW - P::PL + kw;
            if (iw >= 0 && iw < W) acc += (static_cast<int32_t>(xc[ih * W + iw]) - P::in_zp) * wc[kh * 3 + kw];
          }
        }
        return P::has_bias ? k_sat32(static_cast<int64_t>(acc) + b[c]) : acc;
      };
      const int32_t w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4], w5 = wc[5], w6 = wc[6], w7 = wc[7],
                    w8 = wc[8];
      for (idx_t oh = 0; oh < OH; ++oh) {
        const bool row_inside = oh >= oh0 && oh < oh1;
        for (idx_t ow = 0; ow < OW; ++ow) {
          int32_t acc;
          if (row_inside && ow >= ow0 && ow < ow1) {
            const int8_t* r = xc + (oh * P::SH - P::PT) * W + ow * P::SW - P::PL;
            acc = fbias[c];
            acc += r[0] * w0 + r[1] * w1 + r[2] * w2;
            acc += r[W] * w3 + r[W + 1] * w4 + r[W + 2] * w5;
            acc += r[2 * W] * w6 + r[2 * W + 1] * w7 + r[2 * W + 2] * w8;
          } else {
            acc = border(oh, ow);
          }
          yc[oh * OW + ow] = k_requantize_s8(acc, mult[c], shift[c], P::out_zp, P::act_min, P::act_max);
        }
      }
    }
}

// The form generated code calls: fbias, mult and shift are compile-time arrays
// of the parameter struct; the bias tensor serves the border pixels.
template <class P>
void conv2d_s8_depthwise3x3_baked(const int8_t* x, const int8_t* w, const int32_t* b, int8_t* y) {
  conv2d_s8_depthwise3x3<P>(x, w, b, P::fbias, P::mult, P::shift, y);
}
