// Quantized operators with ONNX's exact semantics, real = scale * (q - zero_point).
// Quantizing rounds half to even and saturates. QLinear* accumulate (q - zp)
// products in int32 and requantize as ONNX's reference does (float multiplier
// a_scale * b_scale / y_scale, applied in double), so results match it bit for bit.
//
// A scale or zero point is either baked into P (P::<name>_const = 1, P::<name>
// holds one entry per channel) or read at run time from the pointer argument
// (nullptr when baked). P::<name>_pc says it is per channel rather than per tensor.

template <class Q> struct q_limits;
template <> struct q_limits<uint8_t> { static constexpr int32_t lo = 0, hi = 255; };
template <> struct q_limits<int8_t> { static constexpr int32_t lo = -128, hi = 127; };
template <> struct q_limits<int16_t> { static constexpr int32_t lo = -32768, hi = 32767; };

// Saturates a rounded value to Q. NaN goes to the low end, as numpy's cast to
// int32 then clip gives, and never reaches a float-to-integer conversion (UB).
template <class Q, class F> inline Q q_saturate(F v) {
  if (!(v > F(q_limits<Q>::lo))) return Q(q_limits<Q>::lo);
  if (v > F(q_limits<Q>::hi)) return Q(q_limits<Q>::hi);
  return Q(static_cast<int32_t>(v));
}

// QuantizeLinear of one value: saturate(rint(x / scale) + zp), the division in
// float as numpy divides float32 by float32; rint rounds ties to even.
template <class Q> inline Q q_quantize(float x, float scale, int32_t zp) {
  return q_saturate<Q>(rintf(x / scale) + static_cast<float>(zp));
}

// DequantizeLinear of one value: (float(q) - zp) * scale, in float like numpy.
template <class Q> inline float q_dequantize(Q q, float scale, int32_t zp) {
  return (static_cast<float>(q) - static_cast<float>(zp)) * scale;
}

// Requantizes an int32 accumulator: rint(acc * multiplier + zp) saturated, the
// product and sum in double as numpy promotes int32 * float32. For |acc| < 2^29
// the product is exact, so a fused multiply-add cannot change it; beyond, the
// volatile keeps the product rounded on its own, as the reference rounds it.
template <class Q> inline Q q_requantize(int32_t acc, float multiplier, int32_t zp) {
  double p = static_cast<double>(acc) * static_cast<double>(multiplier);
  if (acc >= (1 << 29) || acc <= -(1 << 29)) {
    volatile double rounded = p;
    p = rounded;
  }
  return q_saturate<Q>(rint(p + static_cast<double>(zp)));
}

// The value of a quantization parameter for channel c (0 when per tensor).
template <class T, class B, class R> inline T q_param(bool baked, const B* in_p, const R* run_time, idx_t c) {
  return baked ? static_cast<T>(in_p[c]) : static_cast<T>(run_time[c]);
}
#define Q_PARAM(T, name, ptr, c) q_param<T>(P::name##_const, P::name, ptr, P::name##_pc ? (c) : 0)

// Adds the bias to an accumulator with int32 wrap-around, as the reference's
// int32 arithmetic does, without signed overflow.
inline int32_t q_add_wrap(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// QuantizeLinear; x viewed as (outer, C, inner), C the channels along the axis (1 per tensor).
template <class P, class Q>
void quantize_linear(const float* x, const float* scale, const Q* zp, Q* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t c = 0; c < P::C; ++c) {
      const float s = Q_PARAM(float, scale, scale, c);
      const int32_t z = Q_PARAM(int32_t, zp, zp, c);
      const idx_t base = (o * P::C + c) * P::inner;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = q_quantize<Q>(x[base + i], s, z);
    }
}

// DequantizeLinear, same layout; Q may be int32_t (no zero point then).
template <class P, class Q>
void dequantize_linear(const Q* x, const float* scale, const Q* zp, float* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t c = 0; c < P::C; ++c) {
      const float s = Q_PARAM(float, scale, scale, c);
      const int32_t z = Q_PARAM(int32_t, zp, zp, c);
      const idx_t base = (o * P::C + c) * P::inner;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = q_dequantize<Q>(x[base + i], s, z);
    }
}

// DynamicQuantizeLinear to uint8, as ONNX's reference: the range always holds 0,
// scale = (max - min) / 255 (1 / 255 when the range is empty), zero point
// rint(clip(0 - min / scale, 0, 255)). y_scale and y_zp may be unused (nullptr).
template <class P>
void dynamic_quantize_linear(const float* x, uint8_t* y, float* y_scale, uint8_t* y_zp) {
  float mx = 0.0f, mn = 0.0f;
  for (idx_t i = 0; i < P::count; ++i) {
    mx = k_max(mx, x[i]);
    mn = k_min(mn, x[i]);
  }
  const float scale = (mx == mn ? 1.0f : mx - mn) / 255.0f;
  const float zpf = k_max(0.0f, k_min(255.0f, 0.0f - mn / scale));
  const uint8_t zp = q_saturate<uint8_t>(rintf(zpf));
  for (idx_t i = 0; i < P::count; ++i) y[i] = q_quantize<uint8_t>(x[i], scale, zp);
  if (y_scale) *y_scale = scale;
  if (y_zp) *y_zp = zp;
}

// The int32 dot product of row i of a and column j of b, zero points removed;
// a is (M, K), b is (K, N). Lowering refuses K large enough to overflow int32.
template <class P, class TA, class TB>
inline int32_t q_dot(const TA* a, const TB* b, int32_t azp, int32_t bzp, idx_t i, idx_t j) {
  int32_t acc = 0;
  for (idx_t k = 0; k < P::K; ++k)
    acc += (static_cast<int32_t>(a[i * P::K + k]) - azp) * (static_cast<int32_t>(b[k * P::N + j]) - bzp);
  return acc;
}

// MatMulInteger: int32 (A - a_zp) x (B - b_zp), batched like matmul in gemm.h;
// b_zp per column when P::b_zp_pc.
template <class P, class TA, class TB>
void matmul_integer(const TA* a, const TB* b, const TA* a_zp, const TB* b_zp, int32_t* y) {
  const int32_t az = Q_PARAM(int32_t, a_zp, a_zp, 0);
  for (idx_t bt = 0; bt < P::batch; ++bt) {
    const TA* ab = a + P::a_offsets[bt];
    const TB* bb = b + P::b_offsets[bt];
    int32_t* yb = y + bt * P::M * P::N;
    for (idx_t i = 0; i < P::M; ++i)
      for (idx_t j = 0; j < P::N; ++j) yb[i * P::N + j] = q_dot<P>(ab, bb, az, Q_PARAM(int32_t, b_zp, b_zp, j), i, j);
  }
}

// QLinearMatMul: requantized (A - a_zp) x (B - b_zp); b's scale and zero point
// per column when P::b_scale_pc / P::b_zp_pc.
template <class P, class TA, class TB, class TY>
void qlinear_matmul(const TA* a, const float* a_scale, const TA* a_zp, const TB* b, const float* b_scale,
                    const TB* b_zp, const float* y_scale, const TY* y_zp, TY* y) {
  const int32_t az = Q_PARAM(int32_t, a_zp, a_zp, 0);
  const float as = Q_PARAM(float, a_scale, a_scale, 0), ys = Q_PARAM(float, y_scale, y_scale, 0);
  const int32_t yz = Q_PARAM(int32_t, y_zp, y_zp, 0);
  for (idx_t bt = 0; bt < P::batch; ++bt) {
    const TA* ab = a + P::a_offsets[bt];
    const TB* bb = b + P::b_offsets[bt];
    TY* yb = y + bt * P::M * P::N;
    for (idx_t i = 0; i < P::M; ++i)
      for (idx_t j = 0; j < P::N; ++j) {
        const float m = as * Q_PARAM(float, b_scale, b_scale, j) / ys;
        const int32_t acc = q_dot<P>(ab, bb, az, Q_PARAM(int32_t, b_zp, b_zp, j), i, j);
        yb[i * P::N + j] = q_requantize<TY>(acc, m, yz);
      }
  }
}

// The int32 accumulator of one output of a direct convolution (NCHW, groups,
// strides, dilations, padding as in conv.h), zero points removed. Padding adds
// nothing: it stands for the zero point, i.e. a real zero.
template <class P, class TX, class TW>
inline int32_t q_conv_acc(const TX* x, const TW* w, int32_t xz, int32_t wz, idx_t n, idx_t oc, idx_t oh, idx_t ow) {
  constexpr idx_t CG = P::C / P::G;
  const idx_t g = oc / (P::M / P::G);
  const TW* wm = w + oc * CG * P::KH * P::KW;
  int32_t acc = 0;
  for (idx_t c = 0; c < CG; ++c) {
    const TX* xc = x + (n * P::C + g * CG + c) * P::H * P::W;
    const TW* wc = wm + c * P::KH * P::KW;
    for (idx_t kh = 0; kh < P::KH; ++kh) {
      const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
      if (ih < 0 || ih >= P::H) continue;
      for (idx_t kw = 0; kw < P::KW; ++kw) {
        const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
        if (iw < 0 || iw >= P::W) continue;
        acc += (static_cast<int32_t>(xc[ih * P::W + iw]) - xz) * (static_cast<int32_t>(wc[kh * P::KW + kw]) - wz);
      }
    }
  }
  return acc;
}

// ConvInteger: int32 convolution of (x - x_zp) and (w - w_zp); w_zp per output channel when P::w_zp_pc.
template <class P, class TX, class TW>
void conv_integer(const TX* x, const TW* w, const TX* x_zp, const TW* w_zp, int32_t* y) {
  const int32_t xz = Q_PARAM(int32_t, x_zp, x_zp, 0);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t oc = 0; oc < P::M; ++oc) {
      const int32_t wz = Q_PARAM(int32_t, w_zp, w_zp, oc);
      int32_t* yo = y + (n * P::M + oc) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh)
        for (idx_t ow = 0; ow < P::OW; ++ow) yo[oh * P::OW + ow] = q_conv_acc<P>(x, w, xz, wz, n, oc, oh, ow);
    }
}

// QLinearConv: the ConvInteger accumulator plus the int32 bias, requantized with
// x_scale * w_scale / y_scale (w's scale and zero point per output channel when _pc).
template <class P, class TX, class TW, class TY>
void qlinear_conv(const TX* x, const float* x_scale, const TX* x_zp, const TW* w, const float* w_scale,
                  const TW* w_zp, const float* y_scale, const TY* y_zp, const int32_t* bias, TY* y) {
  const int32_t xz = Q_PARAM(int32_t, x_zp, x_zp, 0);
  const float xs = Q_PARAM(float, x_scale, x_scale, 0), ys = Q_PARAM(float, y_scale, y_scale, 0);
  const int32_t yz = Q_PARAM(int32_t, y_zp, y_zp, 0);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t oc = 0; oc < P::M; ++oc) {
      const int32_t wz = Q_PARAM(int32_t, w_zp, w_zp, oc);
      const float m = xs * Q_PARAM(float, w_scale, w_scale, oc) / ys;
      const int32_t b = P::has_bias ? bias[oc] : 0;
      TY* yo = y + (n * P::M + oc) * P::OH * P::OW;
      for (idx_t oh = 0; oh < P::OH; ++oh)
        for (idx_t ow = 0; ow < P::OW; ++ow)
          yo[oh * P::OW + ow] = q_requantize<TY>(q_add_wrap(q_conv_acc<P>(x, w, xz, wz, n, oc, oh, ow), b), m, yz);
    }
}

#undef Q_PARAM
