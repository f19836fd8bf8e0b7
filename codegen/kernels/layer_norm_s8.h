// needs: requant.h
// Int8 LayerNormalization, its statistics in integers. x is (outer, n) rows of
// int8 values q; per row S = sum q and Q = sum q^2 (the zero point cancels), so
// D = n Q - S^2 is n^2 times the variance of q. Element i's normalized value is
// (x_i - mean) / sqrt(var + eps) = c_i / sqrt(D + E) with c_i = n q_i - S and
// E = eps n^2 / s_x^2 (a compile-time integer): the input scale cancels. The square
// root is an integer one of (D + E) 4^s, s chosen per row to keep 31 bits, and one
// division per row turns it into a multiplier, so u_i = c_i / sqrt(D + E) comes out
// in Q16. The output is out_zp + u_i * gamma_i / s_y + beta_i / s_y, the first by
// (mult[i], shift[i]) (signed: gamma may be negative), the second rounded (bias[i]),
// clamped to int8. Integer arithmetic only; 64-bit where the sums need it.
// Parameters: outer, n, eps_q (E), out_zp, mult[n], shift[n], bias[n].

// floor(sqrt(v)), bit by bit.
inline uint64_t k_isqrt64(uint64_t v) {
  uint64_t r = 0, bit = static_cast<uint64_t>(1) << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return r;
}

// round(c / sqrt(v) * 2^16) for v > 0, |c| < 2^25.
inline int32_t k_normalize_q16(int64_t c, uint64_t inv, int shift) {
  const int64_t p = c * static_cast<int64_t>(inv);  // |p| < 2^25 * 2^33
  const int64_t half = static_cast<int64_t>(1) << (shift - 1);
  return static_cast<int32_t>(p >= 0 ? (p + half) >> shift : -((-p + half) >> shift));
}

// Requantization of element i: the general form, or requant.h's fast one (rq_*),
// exact for the normalised value's bound when the compiler sets rq_fast.
// (A class template, not `if constexpr`: the generated code is C++14 too.)
template <class P, bool Fast>
struct k_ln_scale {
  static int32_t apply(int32_t u, idx_t i) { return k_mul_by_quantized_multiplier(u, P::mult[i], P::shift[i]); }
};
template <class P>
struct k_ln_scale<P, true> {
  static int32_t apply(int32_t u, idx_t i) {
    return k_requantize_fast(u, P::rq_mult[i], P::rq_add[i], P::rq_shift[i], P::rq_pre[i]);
  }
};

template <class P, bool Fast>
K_NOINLINE void layer_norm_s8_with(const int8_t* x, int8_t* y) {
  static_assert(P::n > 0 && P::n <= 131072, "|n q - S| < 2^25 and n * sum q^2 within int64");
  static_assert(P::eps_q >= 0 && P::eps_q <= (static_cast<int64_t>(1) << 60), "E within 60 bits");
  for (idx_t o = 0; o < P::outer; ++o) {
    const int8_t* xr = x + o * P::n;
    int8_t* yr = y + o * P::n;
    int32_t s = 0;
    int64_t q = 0;
    for (idx_t i = 0; i < P::n; ++i) {
      s += xr[i];
      q += static_cast<int32_t>(xr[i]) * xr[i];
    }
    const uint64_t v = static_cast<uint64_t>(P::n * q - static_cast<int64_t>(s) * s) + static_cast<uint64_t>(P::eps_q);
    uint64_t inv = 0;
    int shift = 16;
    if (v != 0) {
      int bits = 0;
      while (bits < 64 && (v >> bits) != 0) ++bits;
      const int e = bits >= 62 ? 0 : (62 - bits) / 2;  // v 4^e < 2^62
      const uint64_t r = k_isqrt64(v << (2 * e));       // sqrt(v) 2^e, at least 2^29
      inv = (static_cast<uint64_t>(1) << 62) / r;        // 2^62 / (sqrt(v) 2^e), below 2^33
      shift = 46 - e;                                    // c inv / 2^shift = c / sqrt(v) 2^16
    }
    for (idx_t i = 0; i < P::n; ++i) {
      const int64_t c = static_cast<int64_t>(P::n) * xr[i] - s;
      const int32_t u = v == 0 ? 0 : k_normalize_q16(c, inv, shift);
      const int64_t out = static_cast<int64_t>(k_ln_scale<P, Fast>::apply(u, i)) + P::bias[i] + P::out_zp;
      yr[i] = static_cast<int8_t>(out < -128 ? -128 : out > 127 ? 127 : out);
    }
  }
}

template <class P>
void layer_norm_s8(const int8_t* x, int8_t* y) {
  layer_norm_s8_with<P, false>(x, y);
}

// The same with the fast requantization per element (rq_fast, rq_mult[n], rq_add[n],
// rq_shift[n], rq_pre[n]): bit for bit layer_norm_s8.
template <class P>
void layer_norm_s8_fast(const int8_t* x, int8_t* y) {
  static_assert(P::rq_fast, "the fast requantization must be exact for this layer");
  layer_norm_s8_with<P, true>(x, y);
}
