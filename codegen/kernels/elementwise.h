// Elementwise kernels. Unary ops apply Op to every element; binary ops, Where and
// the variadic ops (Max, Min, Sum, Mean) broadcast with numpy rules. The
// operator's definition picks the cheapest form: same shape, one side a scalar,
// or general broadcasting (an odometer over the output index).
//
// Integer arithmetic is total, never undefined: +, -, * and negation wrap
// (two's complement, as numpy does), x / 0 and x % 0 give 0, INT_MIN / -1 wraps,
// a shift by the element width or more gives 0. The compiler folds constant
// nodes with these very functions (compiler/ops/kernel_eval.h), so a folded
// value is always the value the generated code would compute.

// --- element types ----------------------------------------------------------
// is_int: an integer type (not bool, not floating point); wide: the type the
// wrapping arithmetic runs in (unsigned, never narrower than int, so no
// promotion to a signed int can overflow).
template <class T> struct ew_traits { static constexpr bool is_int = false; typedef T wide; };
template <> struct ew_traits<int8_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<uint8_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<int16_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<uint16_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<int32_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<uint32_t> { static constexpr bool is_int = true; typedef uint32_t wide; };
template <> struct ew_traits<int64_t> { static constexpr bool is_int = true; typedef uint64_t wide; };
template <> struct ew_traits<uint64_t> { static constexpr bool is_int = true; typedef uint64_t wide; };

// x < 0, spelled so that unsigned types never compare against 0.
inline bool ew_neg_p(int8_t x) { return x < 0; }
inline bool ew_neg_p(int16_t x) { return x < 0; }
inline bool ew_neg_p(int32_t x) { return x < 0; }
inline bool ew_neg_p(int64_t x) { return x < 0; }
inline bool ew_neg_p(float x) { return x < 0.0f; }
inline bool ew_neg_p(double x) { return x < 0.0; }
inline bool ew_neg_p(uint8_t) { return false; }
inline bool ew_neg_p(uint16_t) { return false; }
inline bool ew_neg_p(uint32_t) { return false; }
inline bool ew_neg_p(uint64_t) { return false; }
inline bool ew_neg_p(bool) { return false; }


// --- math on float and double ---------------------------------------------------
inline float ew_ceil(float x) { return ceilf(x); }
inline double ew_ceil(double x) { return ceil(x); }
inline float ew_fmod(float x, float y) { return fmodf(x, y); }
inline double ew_fmod(double x, double y) { return fmod(x, y); }
inline float ew_log1p(float x) { return log1pf(x); }
inline double ew_log1p(double x) { return log1p(x); }
inline float ew_erf(float x) { return erff(x); }
inline double ew_erf(double x) { return erf(x); }
inline float ew_sin(float x) { return sinf(x); }
inline double ew_sin(double x) { return sin(x); }
inline float ew_cos(float x) { return cosf(x); }
inline double ew_cos(double x) { return cos(x); }
inline float ew_tan(float x) { return tanf(x); }
inline double ew_tan(double x) { return tan(x); }
inline float ew_asin(float x) { return asinf(x); }
inline double ew_asin(double x) { return asin(x); }
inline float ew_acos(float x) { return acosf(x); }
inline double ew_acos(double x) { return acos(x); }
inline float ew_atan(float x) { return atanf(x); }
inline double ew_atan(double x) { return atan(x); }
inline float ew_sinh(float x) { return sinhf(x); }
inline double ew_sinh(double x) { return sinh(x); }
inline float ew_cosh(float x) { return coshf(x); }
inline double ew_cosh(double x) { return cosh(x); }
inline float ew_asinh(float x) { return asinhf(x); }
inline double ew_asinh(double x) { return asinh(x); }
inline float ew_acosh(float x) { return acoshf(x); }
inline double ew_acosh(double x) { return acosh(x); }
inline float ew_atanh(float x) { return atanhf(x); }
inline double ew_atanh(double x) { return atanh(x); }
inline bool ew_isinf(float x) { return x == HUGE_VALF || x == -HUGE_VALF; }
inline bool ew_isinf(double x) { return x == HUGE_VAL || x == -HUGE_VAL; }

// Round half to even, independent of the floating-point rounding mode.
template <class T> inline T ew_round_even(T x) {
  T r = k_floor(x);
  const T frac = x - r;  // exact; NaN for infinities, which then pass through
  if (frac > T(0.5) || (frac == T(0.5) && ew_fmod(r, T(2)) != T(0))) r += T(1);
  return r;
}

// --- arithmetic on every numeric type ------------------------------------------
template <class T> inline T ew_add(T a, T b) { typedef typename ew_traits<T>::wide W; return T(W(a) + W(b)); }
template <class T> inline T ew_sub(T a, T b) { typedef typename ew_traits<T>::wide W; return T(W(a) - W(b)); }
template <class T> inline T ew_mul(T a, T b) { typedef typename ew_traits<T>::wide W; return T(W(a) * W(b)); }
template <class T> inline T ew_neg(T x) { typedef typename ew_traits<T>::wide W; return T(W(0) - W(x)); }
inline float ew_neg(float x) { return -x; }
inline double ew_neg(double x) { return -x; }
template <class T> inline T ew_abs(T x) { return ew_neg_p(x) ? ew_neg(x) : x; }
inline float ew_abs(float x) { return k_fabs(x); }
inline double ew_abs(double x) { return k_fabs(x); }
// -1, 0 or 1; NaN and -0 come back as they are.
template <class T> inline T ew_sign(T x) { return x > T(0) ? T(1) : (ew_neg_p(x) ? T(-1) : x); }

// Division and remainders: floating point as IEEE does; integers total (see the top).
template <bool IsInt> struct ew_divide {
  template <class T> static T div(T a, T b) { return a / b; }
  template <class T> static T rem(T a, T b) { return ew_fmod(a, b); }  // sign of the dividend (C fmod)
  template <class T> static T mod(T a, T b) {                           // sign of the divisor (Python)
    T r = ew_fmod(a, b);
    if (r != T(0) && ew_neg_p(r) != ew_neg_p(b)) r += b;
    return r;
  }
};
template <> struct ew_divide<true> {
  template <class T> static T div(T a, T b) {
    if (b == T(0)) return T(0);
    if (ew_neg_p(b) && b == T(-1)) return ew_neg(a);
    return T(a / b);
  }
  template <class T> static T rem(T a, T b) {
    if (b == T(0) || (ew_neg_p(b) && b == T(-1))) return T(0);
    return T(a % b);
  }
  template <class T> static T mod(T a, T b) {
    T r = rem(a, b);
    if (r != T(0) && ew_neg_p(r) != ew_neg_p(b)) r = T(r + b);  // |r| < |b|: the sum fits
    return r;
  }
};
template <class T> inline T ew_div(T a, T b) { return ew_divide<ew_traits<T>::is_int>::div(a, b); }

// Pow: the result has the base's type. A floating-point base takes the exponent
// as its own type; an integer base with an integer exponent is exact (by
// squaring, wrapping); an integer base with a floating-point exponent goes
// through double and truncates.
template <bool BaseInt, bool ExpInt> struct ew_power {
  template <class A, class B> static A f(A a, B b) { return k_pow(a, A(b)); }
};
template <> struct ew_power<true, false> {
  template <class A, class B> static A f(A a, B b) { return A(k_pow(double(a), double(b))); }
};
template <> struct ew_power<true, true> {
  template <class A, class B> static A f(A a, B b) {
    if (ew_neg_p(b)) {  // 1 / a^|b| truncated: only 1 and -1 survive
      if (a == A(1)) return A(1);
      if (ew_neg_p(a) && a == A(-1)) return (b % 2) ? A(-1) : A(1);
      return A(0);
    }
    A r = A(1);
    for (B e = b; e != B(0); e = B(e / 2)) {
      if (e % 2) r = ew_mul(r, a);
      a = ew_mul(a, a);
    }
    return r;
  }
};

// --- unary operators: Y f<P, Y>(X), P carries the attributes ---
struct op_relu { template <class P, class Y, class X> static Y f(X x) { return x > X(0) ? x : X(0); } };
struct op_leaky_relu { template <class P, class Y, class X> static Y f(X x) { return x >= X(0) ? x : X(x * X(P::alpha)); } };
struct op_sigmoid { template <class P, class Y, class X> static Y f(X x) { return X(1) / (X(1) + k_exp(-x)); } };
struct op_tanh { template <class P, class Y, class X> static Y f(X x) { return k_tanh(x); } };
struct op_sqrt { template <class P, class Y, class X> static Y f(X x) { return k_sqrt(x); } };
struct op_hard_sigmoid {
  template <class P, class Y, class X> static Y f(X x) { return k_max(X(0), k_min(X(1), X(X(P::alpha) * x + X(P::beta)))); }
};
struct op_hard_swish {
  template <class P, class Y, class X> static Y f(X x) { return x * k_max(X(0), k_min(X(1), X(x / X(6) + X(0.5)))); }
};
struct op_elu {
  template <class P, class Y, class X> static Y f(X x) { return x >= X(0) ? x : X(X(P::alpha) * (k_exp(x) - X(1))); }
};
struct op_selu {
  template <class P, class Y, class X> static Y f(X x) {
    return x > X(0) ? X(X(P::gamma) * x) : X(X(P::gamma) * (X(P::alpha) * k_exp(x) - X(P::alpha)));
  }
};
struct op_celu {
  template <class P, class Y, class X> static Y f(X x) {
    const X a = X(P::alpha);
    return k_max(X(0), x) + k_min(X(0), X(a * (k_exp(x / a) - X(1))));
  }
};
// log(1 + e^x) without overflow for large x.
struct op_softplus {
  template <class P, class Y, class X> static Y f(X x) {
    return x > X(0) ? X(x + ew_log1p(k_exp(-x))) : ew_log1p(k_exp(x));
  }
};
struct op_softsign { template <class P, class Y, class X> static Y f(X x) { return x / (X(1) + k_fabs(x)); } };
struct op_thresholded_relu { template <class P, class Y, class X> static Y f(X x) { return x > X(P::alpha) ? x : X(0); } };
struct op_shrink {
  template <class P, class Y, class X> static Y f(X x) {
    return x < X(-P::lambd) ? X(x + X(P::bias)) : (x > X(P::lambd) ? X(x - X(P::bias)) : X(0));
  }
};
struct op_abs { template <class P, class Y, class X> static Y f(X x) { return ew_abs(x); } };
struct op_neg { template <class P, class Y, class X> static Y f(X x) { return ew_neg(x); } };
struct op_sign { template <class P, class Y, class X> static Y f(X x) { return ew_sign(x); } };
struct op_exp { template <class P, class Y, class X> static Y f(X x) { return k_exp(x); } };
struct op_log { template <class P, class Y, class X> static Y f(X x) { return k_log(x); } };
struct op_reciprocal { template <class P, class Y, class X> static Y f(X x) { return X(1) / x; } };
struct op_floor { template <class P, class Y, class X> static Y f(X x) { return k_floor(x); } };
struct op_ceil { template <class P, class Y, class X> static Y f(X x) { return ew_ceil(x); } };
struct op_round { template <class P, class Y, class X> static Y f(X x) { return ew_round_even(x); } };
struct op_erf { template <class P, class Y, class X> static Y f(X x) { return ew_erf(x); } };
struct op_sin { template <class P, class Y, class X> static Y f(X x) { return ew_sin(x); } };
struct op_cos { template <class P, class Y, class X> static Y f(X x) { return ew_cos(x); } };
struct op_tan { template <class P, class Y, class X> static Y f(X x) { return ew_tan(x); } };
struct op_asin { template <class P, class Y, class X> static Y f(X x) { return ew_asin(x); } };
struct op_acos { template <class P, class Y, class X> static Y f(X x) { return ew_acos(x); } };
struct op_atan { template <class P, class Y, class X> static Y f(X x) { return ew_atan(x); } };
struct op_sinh { template <class P, class Y, class X> static Y f(X x) { return ew_sinh(x); } };
struct op_cosh { template <class P, class Y, class X> static Y f(X x) { return ew_cosh(x); } };
struct op_asinh { template <class P, class Y, class X> static Y f(X x) { return ew_asinh(x); } };
struct op_acosh { template <class P, class Y, class X> static Y f(X x) { return ew_acosh(x); } };
struct op_atanh { template <class P, class Y, class X> static Y f(X x) { return ew_atanh(x); } };
struct op_isnan { template <class P, class Y, class X> static Y f(X x) { return k_isnan(x); } };
struct op_isinf {
  template <class P, class Y, class X> static Y f(X x) {
    return ew_isinf(x) && (ew_neg_p(x) ? P::detect_negative != 0 : P::detect_positive != 0);
  }
};
struct op_not { template <class P, class Y, class X> static Y f(X x) { return !x; } };
// Cast: a C conversion. Floating point to integer truncates toward zero (out of
// range is undefined, as in C); to bool is x != 0.
struct op_cast { template <class P, class Y, class X> static Y f(X x) { return static_cast<Y>(x); } };

// --- binary operators: Y f<Y>(A, B) ---
struct op_add { template <class Y, class T> static Y f(T a, T b) { return ew_add(a, b); } };
// Add with a Relu fused into it (pass fuse-activation): op_relu of op_add, exactly.
struct op_add_relu {
  template <class Y, class T> static Y f(T a, T b) {
    const T s = ew_add(a, b);
    return s > T(0) ? s : T(0);
  }
};
struct op_sub { template <class Y, class T> static Y f(T a, T b) { return ew_sub(a, b); } };
struct op_mul { template <class Y, class T> static Y f(T a, T b) { return ew_mul(a, b); } };
struct op_div { template <class Y, class T> static Y f(T a, T b) { return ew_div(a, b); } };
struct op_mod { template <class Y, class T> static Y f(T a, T b) { return ew_divide<ew_traits<T>::is_int>::mod(a, b); } };
struct op_fmod { template <class Y, class T> static Y f(T a, T b) { return ew_divide<ew_traits<T>::is_int>::rem(a, b); } };
struct op_pow {
  template <class Y, class A, class B> static Y f(A a, B b) {
    return ew_power<ew_traits<A>::is_int, ew_traits<B>::is_int>::f(a, b);
  }
};
// Unsigned types only.
struct op_shift_left {
  template <class Y, class T> static Y f(T a, T b) {
    typedef typename ew_traits<T>::wide W;
    return b >= T(8 * sizeof(T)) ? T(0) : T(W(a) << b);
  }
};
struct op_shift_right {
  template <class Y, class T> static Y f(T a, T b) { return b >= T(8 * sizeof(T)) ? T(0) : T(a >> b); }
};
struct op_prelu { template <class Y, class T> static Y f(T x, T slope) { return ew_neg_p(x) ? ew_mul(x, slope) : x; } };
struct op_equal { template <class Y, class T> static Y f(T a, T b) { return a == b; } };
struct op_greater { template <class Y, class T> static Y f(T a, T b) { return a > b; } };
struct op_less { template <class Y, class T> static Y f(T a, T b) { return a < b; } };
struct op_greater_equal { template <class Y, class T> static Y f(T a, T b) { return a >= b; } };
struct op_less_equal { template <class Y, class T> static Y f(T a, T b) { return a <= b; } };
struct op_and { template <class Y, class T> static Y f(T a, T b) { return a && b; } };
struct op_or { template <class Y, class T> static Y f(T a, T b) { return a || b; } };
struct op_xor { template <class Y, class T> static Y f(T a, T b) { return a != b; } };
// Max and Min propagate NaN, as numpy's maximum and minimum do.
struct op_max { template <class Y, class T> static Y f(T a, T b) { return (b > a || k_isnan(b)) ? b : a; } };
struct op_min { template <class Y, class T> static Y f(T a, T b) { return (b < a || k_isnan(b)) ? b : a; } };
struct op_sum { template <class Y, class T> static Y f(T a, T b) { return ew_add(a, b); } };

// How the variadic kernels finish an element: Mean divides the sum by the
// number of inputs, the others keep it.
struct ew_keep { template <class P, class T> static T f(T acc) { return acc; } };
struct ew_mean { template <class P, class T> static T f(T acc) { return acc / T(P::inputs); } };

// --- kernels ------------------------------------------------------------------------

template <class P, class X, class Y, class Op>
void unary(const X* x, Y* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::template f<P, Y>(x[i]);
}

// Clip: the bounds are one-element tensors (constants or computed), absent
// ones passed as nullptr. x < lo gives lo, then x > hi gives hi; NaN passes.
template <class P, class T>
void clip(const T* x, const T* lo, const T* hi, T* y) {
  const T l = P::has_lo ? lo[0] : T(0), h = P::has_hi ? hi[0] : T(0);
  for (idx_t i = 0; i < P::count; ++i) {
    T v = x[i];
    if (P::has_lo && v < l) v = l;
    if (P::has_hi && v > h) v = h;
    y[i] = v;
  }
}

template <class P, class A, class B, class Y, class Op>
void binary_same(const A* a, const B* b, Y* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::template f<Y>(a[i], b[i]);
}

template <class P, class A, class B, class Y, class Op>
void binary_scalar_b(const A* a, const B* b, Y* y) {
  const B s = b[0];
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::template f<Y>(a[i], s);
}

template <class P, class A, class B, class Y, class Op>
void binary_scalar_a(const A* a, const B* b, Y* y) {
  const A s = a[0];
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::template f<Y>(s, b[i]);
}

// General broadcasting: an odometer over the output index; a_strides/b_strides
// are 0 along broadcast dimensions.
template <class P, class A, class B, class Y, class Op>
void binary_broadcast(const A* a, const B* b, Y* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = Op::template f<Y>(a[ia], b[ib]);
    k_broadcast_next<P>(index, ia, ib);
  }
}

// Where: y = c ? a : b, the three broadcast to the output.
template <class P, class T>
void where_same(const bool* c, const T* a, const T* b, T* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = c[i] ? a[i] : b[i];
}

template <class P, class T>
void where_broadcast(const bool* c, const T* a, const T* b, T* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ic = 0, ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = c[ic] ? a[ia] : b[ib];
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      ic += P::c_strides[d];
      ia += P::a_strides[d];
      ib += P::b_strides[d];
      if (++index[d] < P::shape[d]) break;
      ic -= P::c_strides[d] * P::shape[d];
      ia -= P::a_strides[d] * P::shape[d];
      ib -= P::b_strides[d] * P::shape[d];
      index[d] = 0;
    }
  }
}

// Variadic Max, Min, Sum, Mean: P::inputs inputs folded left to right with Op,
// then Fin. variadic_same when every input has the output's shape; otherwise
// input j is read with strides P::strides[j * rank ...] (0 where it broadcasts).
template <class P, class T, class Op, class Fin>
void variadic_same(const T* const* xs, T* y) {
  for (idx_t i = 0; i < P::count; ++i) {
    T acc = xs[0][i];
    for (idx_t j = 1; j < P::inputs; ++j) acc = Op::template f<T>(acc, xs[j][i]);
    y[i] = Fin::template f<P>(acc);
  }
}

template <class P, class T, class Op, class Fin>
void variadic_broadcast(const T* const* xs, T* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t off[P::inputs] = {};
  for (idx_t i = 0; i < P::count; ++i) {
    T acc = xs[0][off[0]];
    for (idx_t j = 1; j < P::inputs; ++j) acc = Op::template f<T>(acc, xs[j][off[j]]);
    y[i] = Fin::template f<P>(acc);
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      for (idx_t j = 0; j < P::inputs; ++j) off[j] += P::strides[j * P::rank + d];
      if (++index[d] < P::shape[d]) break;
      for (idx_t j = 0; j < P::inputs; ++j) off[j] -= P::strides[j * P::rank + d] * P::shape[d];
      index[d] = 0;
    }
  }
}
