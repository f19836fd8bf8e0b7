// Integer-only requantization, bit-exact with TensorFlow Lite's reference
// kernels and CMSIS-NN (the default, double-rounding form). Only <stdint.h>
// types, no floating point, no undefined behaviour for any int32 input: 64-bit
// intermediates (shifts and multiplies only, no 64-bit division).
// A scale is a pair (multiplier, shift) meaning multiplier * 2^(shift - 31);
// compiler/quant/fixed_point.h computes it. See docs/int8.md.
//
// Signed >> is an arithmetic shift (floor) here, as on every compiler Mote
// supports and as C++20 requires.

inline int32_t k_sat32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : static_cast<int32_t>(v);
}

// gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties
// toward +infinity (gemmlowp's nudge then truncating division is exactly
// floor((a*b + 2^30) / 2^31)); INT32_MIN * INT32_MIN saturates to INT32_MAX.
inline int32_t k_srdhm(int32_t a, int32_t b) {
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);  // |ab| <= 2^62
  return k_sat32((ab + (static_cast<int64_t>(1) << 30)) >> 31);
}

// gemmlowp's RoundingDivideByPOT: round(x / 2^exponent), ties away from zero.
// exponent <= 0 returns x; a large exponent gives 0 (or -1 for INT32_MIN / 2^32).
inline int32_t k_rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  if (exponent > 32) return 0;  // |x| / 2^exponent < 1/2
  const int64_t v = x;
  const int64_t mask = (static_cast<int64_t>(1) << exponent) - 1;
  const int64_t remainder = v & mask;
  const int64_t threshold = (mask >> 1) + (v < 0 ? 1 : 0);
  return static_cast<int32_t>((v >> exponent) + (remainder > threshold ? 1 : 0));
}

// TFLite's MultiplyByQuantizedMultiplier: acc * multiplier * 2^(shift - 31) in
// two roundings, k_rounding_divide_by_pot(k_srdhm(acc << left, multiplier), right)
// with left = max(shift, 0) and right = max(-shift, 0). Where TFLite's
// acc * (1 << left) would overflow int32 (undefined there), the product is kept
// exact here and the result saturates to int32.
inline int32_t k_mul_by_quantized_multiplier(int32_t acc, int32_t multiplier, int32_t shift) {
  if (shift <= 0) {
    const int right = shift < -33 ? 33 : static_cast<int>(-shift);
    return k_rounding_divide_by_pot(k_srdhm(acc, multiplier), right);
  }
  const int64_t p = static_cast<int64_t>(acc) * static_cast<int64_t>(multiplier);  // |p| <= 2^62
  if (shift < 31) {
    // floor((p * 2^shift + 2^30) / 2^31): k_srdhm(acc << shift, multiplier) when that fits.
    const int s = 31 - static_cast<int>(shift);
    return k_sat32((p + (static_cast<int64_t>(1) << (s - 1))) >> s);
  }
  // p * 2^(shift - 31) exactly, saturated.
  if (p == 0) return 0;
  const int32_t up = shift - 31;
  if (up >= 32) return p > 0 ? INT32_MAX : INT32_MIN;
  const int64_t limit = static_cast<int64_t>(INT32_MAX) >> up;
  if (p > limit) return INT32_MAX;
  if (p < -limit - 1) return INT32_MIN;
  return static_cast<int32_t>(p * (static_cast<int64_t>(1) << up));
}

// An int32 accumulator to an int8 output: scaled, offset by the output zero
// point, clamped to the activation range [act_min, act_max] (within int8).
inline int8_t k_requantize_s8(int32_t acc, int32_t mult, int32_t shift, int32_t out_zp, int32_t act_min,
                              int32_t act_max) {
  int64_t v = static_cast<int64_t>(k_mul_by_quantized_multiplier(acc, mult, shift)) + out_zp;
  const int64_t lo = act_min > -128 ? act_min : -128;
  const int64_t hi = act_max < 127 ? act_max : 127;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return static_cast<int8_t>(v);
}

// TFLite's 16x8 requantization (MultiplyByQuantizedMultiplier for an int64
// accumulator): the multiplier reduced to Q0.15 (rounded, 0x7FFF at the top),
// one rounding right shift by 15 - shift (ties up), then the activation clamp
// within int16. The accumulator is bounded by +-2^47 first so the product fits.
inline int16_t k_requantize_s16(int64_t acc, int32_t mult, int32_t shift, int32_t act_min, int32_t act_max) {
  const int64_t bound = static_cast<int64_t>(1) << 47;
  acc = acc > bound ? bound : acc < -bound ? -bound : acc;
  const int64_t reduced = mult < 0x7FFF0000 ? (static_cast<int64_t>(mult) + (1 << 15)) >> 16 : 0x7FFF;
  const int total = 15 - static_cast<int>(shift);
  int64_t v;
  if (total <= 0) v = acc == 0 ? 0 : acc > 0 ? INT32_MAX : INT32_MIN;  // a multiplier >= 2^15: saturate
  else if (total >= 63) v = 0;
  else v = (acc * reduced + (static_cast<int64_t>(1) << (total - 1))) >> total;
  const int64_t lo = act_min > -32768 ? act_min : -32768;
  const int64_t hi = act_max < 32767 ? act_max : 32767;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return static_cast<int16_t>(v);
}

// What a layer's activation type fixes: int8 (TFLite's int8 layers: int32
// accumulator and bias, asymmetric activations) or int16 (TFLite's 16x8 layers:
// int64 accumulator and bias, symmetric activations, zero points 0).
template <class T> struct k_layer;
template <> struct k_layer<int8_t> {
  typedef int32_t acc_t;
  typedef int32_t bias_t;
  static int32_t add_bias(int32_t acc, int32_t b) { return k_sat32(static_cast<int64_t>(acc) + b); }
  static int8_t requantize(int32_t acc, int32_t mult, int32_t shift, int32_t zp, int32_t lo, int32_t hi) {
    return k_requantize_s8(acc, mult, shift, zp, lo, hi);
  }
};
template <> struct k_layer<int16_t> {
  typedef int64_t acc_t;
  typedef int64_t bias_t;
  static int64_t add_bias(int64_t acc, int64_t b) { return acc + b; }
  static int16_t requantize(int64_t acc, int32_t mult, int32_t shift, int32_t, int32_t lo, int32_t hi) {
    return k_requantize_s16(acc, mult, shift, lo, hi);
  }
};

// The requantization of the optimized int8 kernels: k_requantize_s8 exactly,
// under conditions the compiler checks per layer (compiler/ops/s8_kernels.h,
// rq_fast). With a right shift e (1..31) and |acc| < 2^30, k_srdhm(acc, mult) is
// x = floor((2 acc mult + 2^31) / 2^32) (no saturation case, |x| < 2^30) and the
// rounding divide by 2^e with ties away from zero is (x + (x < 0 ? -1 : 0) +
// add) >> e with add = 2^(e-1) (no overflow). With a left shift s, TFLite's
// acc * 2^s (exact: |acc| 2^(s+1) < 2^31) goes into the doubling multiply and no
// rounding shift follows (shift = 0, add = 0). pre = 1 + s (s = 0 for right
// shifts): the operand is acc * 2^pre, as SMMULR's doubling wants. The caller adds
// the output zero point and clamps.
inline int32_t k_requantize_fast(int32_t acc, int32_t mult, int32_t add, int32_t shift, int32_t pre) {
  const int64_t a = static_cast<int64_t>(acc) * (static_cast<int64_t>(1) << pre);
  const int32_t x = static_cast<int32_t>((a * mult + (static_cast<int64_t>(1) << 31)) >> 32);
  if (shift == 0) return x + add;
  return (x + (x < 0 ? -1 : 0) + add) >> shift;
}

// The rest of k_requantize_s8 for a value already offset by out_zp: the clamp.
template <class P>
inline int8_t k_clamp_s8(int32_t v) {
  constexpr int32_t lo = P::act_min > -128 ? P::act_min : -128, hi = P::act_max < 127 ? P::act_max : 127;
  return static_cast<int8_t>(v < lo ? lo : v > hi ? hi : v);
}

// Output channel c of a layer with the rq_* parameters: the fast form when the
// layer allows it, else the general one.
template <class P>
inline int8_t k_requantize_channel(int32_t acc, idx_t c) {
  if (P::rq_fast)
    return k_clamp_s8<P>(k_requantize_fast(acc, P::rq_mult[c], P::rq_add[c], P::rq_shift[c], P::rq_pre[c]) +
                         P::out_zp);
  return k_requantize_s8(acc, P::mult[P::per_channel ? c : 0], P::shift[P::per_channel ? c : 0], P::out_zp,
                         P::act_min, P::act_max);
}
