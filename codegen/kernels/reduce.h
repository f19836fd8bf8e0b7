// Reductions. For each output element an odometer walks the reduced axes of
// the input, feeding an accumulator; a second odometer over the kept axes moves
// to the next output. Adjacent axes of the same kind arrive merged, so a
// reduction over H and W of NCHW is one digit.

template <class P, class T, class Acc>
void reduce(const T* x, T* y) {
  idx_t kept[P::kept_rank > 0 ? P::kept_rank : 1] = {};
  idx_t base = 0;
  for (idx_t i = 0; i < P::out_count; ++i) {
    idx_t red[P::red_rank > 0 ? P::red_rank : 1] = {};
    idx_t ix = base;
    Acc acc;
    for (idx_t j = 0; j < P::red_count; ++j) {
      acc.add(x[ix]);
      for (idx_t d = P::red_rank - 1; d >= 0; --d) {
        ix += P::red_strides[d];
        if (++red[d] < P::red_shape[d]) break;
        ix -= P::red_strides[d] * P::red_shape[d];
        red[d] = 0;
      }
    }
    y[i] = acc.get(P::red_count);
    for (idx_t d = P::kept_rank - 1; d >= 0; --d) {
      base += P::kept_strides[d];
      if (++kept[d] < P::kept_shape[d]) break;
      base -= P::kept_strides[d] * P::kept_shape[d];
      kept[d] = 0;
    }
  }
}

// --- accumulators: add() each element, get() the result of n elements ---
template <class T> class red_sum {
  T s = T(0);

 public:
  void add(T v) { s += v; }
  T get(idx_t) const { return s; }
};
template <class T> class red_mean {
  T s = T(0);

 public:
  void add(T v) { s += v; }
  T get(idx_t n) const { return s / T(n); }
};
template <class T> class red_sum_square {
  T s = T(0);

 public:
  void add(T v) { s += v * v; }
  T get(idx_t) const { return s; }
};
template <class T> class red_l1 {
  T s = T(0);

 public:
  void add(T v) { s += k_fabs(v); }
  T get(idx_t) const { return s; }
};
template <class T> class red_l2 {
  T s = T(0);

 public:
  void add(T v) { s += v * v; }
  T get(idx_t) const { return k_sqrt(s); }
};
template <class T> class red_log_sum {
  T s = T(0);

 public:
  void add(T v) { s += v; }
  T get(idx_t) const { return k_log(s); }
};
template <class T> class red_prod {
  T p = T(1);

 public:
  void add(T v) { p *= v; }
  T get(idx_t) const { return p; }
};
// NaN wins, as in numpy.
template <class T> class red_max {
  T m = T(-HUGE_VAL);

 public:
  void add(T v) { if (v > m || k_isnan(v)) m = k_isnan(m) ? m : v; }
  T get(idx_t) const { return m; }
};
template <class T> class red_min {
  T m = T(HUGE_VAL);

 public:
  void add(T v) { if (v < m || k_isnan(v)) m = k_isnan(m) ? m : v; }
  T get(idx_t) const { return m; }
};
// log(sum(exp(v))) kept as m + log(s), s = sum(exp(v - m)) with m the running
// maximum, so large inputs do not overflow exp.
template <class T> class red_log_sum_exp {
  T m = T(-HUGE_VAL), s = T(0);

 public:
  void add(T v) {
    if (v > m) {
      s = s * k_exp(m - v) + T(1);
      m = v;
    } else {
      s += v == m ? T(1) : k_exp(v - m);
    }
  }
  T get(idx_t) const { return m + k_log(s); }
};
