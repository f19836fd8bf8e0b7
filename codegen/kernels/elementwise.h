// Elementwise kernels. Unary ops apply Op::f to every element; binary ops
// broadcast with numpy rules. The operator's definition picks the cheapest
// form: same shape, one side a scalar, or general broadcasting.

template <class P, class T, class Op>
void unary(const T* x, T* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::template f<P>(x[i]);
}

template <class P, class T, class U, class Op>
void binary_same(const T* a, const T* b, U* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::f(a[i], b[i]);
}

template <class P, class T, class U, class Op>
void binary_scalar_b(const T* a, const T* b, U* y) {
  const T s = b[0];
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::f(a[i], s);
}

template <class P, class T, class U, class Op>
void binary_scalar_a(const T* a, const T* b, U* y) {
  const T s = a[0];
  for (idx_t i = 0; i < P::count; ++i) y[i] = Op::f(s, b[i]);
}

// General broadcasting: an odometer over the output index; a_strides/b_strides
// are 0 along broadcast dimensions.
template <class P, class T, class U, class Op>
void binary_broadcast(const T* a, const T* b, U* y) {
  idx_t index[P::rank > 0 ? P::rank : 1] = {};
  idx_t ia = 0, ib = 0;
  for (idx_t i = 0; i < P::count; ++i) {
    y[i] = Op::f(a[ia], b[ib]);
    for (idx_t d = P::rank - 1; d >= 0; --d) {
      ia += P::a_strides[d];
      ib += P::b_strides[d];
      if (++index[d] < P::shape[d]) break;
      ia -= P::a_strides[d] * P::shape[d];
      ib -= P::b_strides[d] * P::shape[d];
      index[d] = 0;
    }
  }
}

// --- unary operators (P carries their attributes) ---
struct op_relu { template <class P, class T> static T f(T x) { return x > T(0) ? x : T(0); } };
struct op_leaky_relu { template <class P, class T> static T f(T x) { return x >= T(0) ? x : T(x * P::alpha); } };
struct op_sigmoid { template <class P, class T> static T f(T x) { return T(1) / (T(1) + k_exp(-x)); } };
struct op_tanh { template <class P, class T> static T f(T x) { return k_tanh(x); } };
struct op_sqrt { template <class P, class T> static T f(T x) { return k_sqrt(x); } };
struct op_clip {
  template <class P, class T> static T f(T x) { return x < T(P::lo) ? T(P::lo) : (x > T(P::hi) ? T(P::hi) : x); }
};
struct op_hard_sigmoid {
  template <class P, class T> static T f(T x) { return k_max(T(0), k_min(T(1), T(P::alpha * x + P::beta))); }
};
struct op_hard_swish {
  template <class P, class T> static T f(T x) { return x * k_max(T(0), k_min(T(1), T(x / T(6) + T(0.5)))); }
};

// --- binary operators ---
struct op_add { template <class T> static T f(T a, T b) { return a + b; } };
struct op_sub { template <class T> static T f(T a, T b) { return a - b; } };
struct op_mul { template <class T> static T f(T a, T b) { return a * b; } };
struct op_div { template <class T> static T f(T a, T b) { return a / b; } };
struct op_pow { template <class T> static T f(T a, T b) { return k_pow(a, b); } };
