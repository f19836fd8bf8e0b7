// BatchNormalization in inference mode: per channel,
// y = (x - mean) / sqrt(var + epsilon) * scale + bias.

template <class P, class T>
void batch_norm(const T* x, const T* scale, const T* bias, const T* mean, const T* var, T* y) {
  for (idx_t c = 0; c < P::C; ++c) {
    const T k = scale[c] / k_sqrt(var[c] + T(P::epsilon));
    const T d = bias[c] - mean[c] * k;
    for (idx_t n = 0; n < P::N; ++n) {
      const idx_t base = (n * P::C + c) * P::inner;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = x[base + i] * k + d;
    }
  }
}

// LayerNormalization: x viewed as (outer, inner); statistics of each row are kept
// in U (the stash type) as the operator prescribes, scale and bias index the row.
template <class P, class T, class U>
void layer_norm(const T* x, const T* scale, const T* bias, T* y, U* mean_out, U* inv_std_out) {
  for (idx_t o = 0; o < P::outer; ++o) {
    const T* xr = x + o * P::inner;
    T* yr = y + o * P::inner;
    U mean = U(0);
    for (idx_t i = 0; i < P::inner; ++i) mean += U(xr[i]);
    mean /= U(P::inner);
    U var = U(0);
    for (idx_t i = 0; i < P::inner; ++i) var += (U(xr[i]) - mean) * (U(xr[i]) - mean);
    var /= U(P::inner);
    const U inv_std = U(1) / k_sqrt(var + U(P::epsilon));
    for (idx_t i = 0; i < P::inner; ++i) {
      const T nrm = T((U(xr[i]) - mean) * inv_std);
      yr[i] = nrm * scale[i * P::scale_stride] + (P::has_bias ? bias[i * P::bias_stride] : T(0));
    }
    if (mean_out) mean_out[o] = mean;
    if (inv_std_out) inv_std_out[o] = inv_std;
  }
}

// InstanceNormalization: every (n, c) plane normalised on its own, then scaled
// and shifted by channel.
template <class P, class T>
void instance_norm(const T* x, const T* scale, const T* bias, T* y) {
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const idx_t base = (n * P::C + c) * P::inner;
      T mean = T(0);
      for (idx_t i = 0; i < P::inner; ++i) mean += x[base + i];
      mean /= T(P::inner);
      T var = T(0);
      for (idx_t i = 0; i < P::inner; ++i) var += (x[base + i] - mean) * (x[base + i] - mean);
      var /= T(P::inner);
      const T k = scale[c] / k_sqrt(var + T(P::epsilon));
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = (x[base + i] - mean) * k + bias[c];
    }
}

// LRN across channels: the window of `size` channels around c is
// [c - floor((size-1)/2), c + ceil((size-1)/2)], cut at the channel range.
template <class P, class T>
void lrn(const T* x, T* y) {
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t c = 0; c < P::C; ++c) {
      const idx_t lo = k_max<idx_t>(0, c - (P::size - 1) / 2);
      const idx_t hi = k_min<idx_t>(P::C - 1, c + P::size / 2);
      for (idx_t i = 0; i < P::inner; ++i) {
        T sq = T(0);
        for (idx_t cc = lo; cc <= hi; ++cc) {
          const T v = x[(n * P::C + cc) * P::inner + i];
          sq += v * v;
        }
        const idx_t at = (n * P::C + c) * P::inner + i;
        y[at] = x[at] / k_pow(T(P::bias) + T(P::alpha) / T(P::size) * sq, T(P::beta));
      }
    }
}

// An odometer over the reduced (or kept) axis groups of P, moving its index by
// the group strides; group 0 is the slowest.
template <class P, bool kReduced>
class norm_walk {
  static constexpr idx_t rank = kReduced ? P::red_rank : P::kept_rank;
  idx_t digit[rank > 0 ? rank : 1] = {};
  idx_t ix;

 public:
  explicit norm_walk(idx_t start) : ix(start) {}
  idx_t at() const { return ix; }
  void step() {
    for (idx_t d = rank - 1; d >= 0; --d) {
      const idx_t size = static_cast<idx_t>(kReduced ? P::red_shape[d] : P::kept_shape[d]);
      const idx_t stride = static_cast<idx_t>(kReduced ? P::red_strides[d] : P::kept_strides[d]);
      ix += stride;
      if (++digit[d] < size) return;
      ix -= stride * size;
      digit[d] = 0;
    }
  }
};

// MeanVarianceNormalization over any set of axes: for each position of the kept
// axes, (x - mean) / (std + 1e-9) over the reduced ones, as the ONNX function
// defines it (std from the biased variance).
template <class P, class T>
void mvn(const T* x, T* y) {
  norm_walk<P, false> kept(0);
  for (idx_t i = 0; i < P::out_count; ++i) {
    T mean = T(0);
    norm_walk<P, true> a(kept.at());
    for (idx_t j = 0; j < P::red_count; ++j, a.step()) mean += x[a.at()];
    mean /= T(P::red_count);
    T var = T(0);
    norm_walk<P, true> b(kept.at());
    for (idx_t j = 0; j < P::red_count; ++j, b.step()) var += (x[b.at()] - mean) * (x[b.at()] - mean);
    var /= T(P::red_count);
    const T den = k_sqrt(var) + T(1e-9);
    norm_walk<P, true> c(kept.at());
    for (idx_t j = 0; j < P::red_count; ++j, c.step()) y[c.at()] = (x[c.at()] - mean) / den;
    kept.step();
  }
}
