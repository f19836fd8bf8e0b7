// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss over (N, C, inner):
// the class axis is 1 and every other position carries one label.
// Labels come from the graph at run time: a label equal to ignore_index, or
// outside [0, C), contributes nothing (loss 0, weight 0) instead of reading
// out of bounds. reduction: 0 none, 1 sum, 2 mean (weighted by the labels' weights).

template <class P, class L>
inline bool loss_counts(L t) {
  return !(P::has_ignore && t == static_cast<L>(P::ignore_index)) && t >= 0 && t < static_cast<L>(P::C);
}

template <class P, class T>
inline void loss_reduce(T sum, T wsum, T* loss) {
  if (P::reduction == 1) loss[0] = sum;
  if (P::reduction == 2) loss[0] = sum / wsum;
}

template <class P, class T, class L>
void nll_loss(const T* x, const L* target, const T* weight, T* loss) {
  T sum = T(0), wsum = T(0);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t i = 0; i < P::inner; ++i) {
      const L t = target[n * P::inner + i];
      const bool counts = loss_counts<P>(t);
      const T w = counts ? (P::has_weight ? weight[t] : T(1)) : T(0);
      const T l = counts ? -x[(n * P::C + static_cast<idx_t>(t)) * P::inner + i] * w : T(0);
      if (P::reduction == 0) loss[n * P::inner + i] = l;
      sum += l;
      wsum += w;
    }
  loss_reduce<P>(sum, wsum, loss);
}

// The log-softmax over C of each position is formed on the fly (max subtracted
// first), so no scratch is needed when log_prob is not an output.
template <class P, class T, class L>
void sce_loss(const T* x, const L* labels, const T* weight, T* loss, T* log_prob) {
  T sum = T(0), wsum = T(0);
  for (idx_t n = 0; n < P::N; ++n)
    for (idx_t i = 0; i < P::inner; ++i) {
      const idx_t base = n * P::C * P::inner + i;
      T mx = x[base];
      for (idx_t c = 1; c < P::C; ++c) mx = k_max(mx, x[base + c * P::inner]);
      T s = T(0);
      for (idx_t c = 0; c < P::C; ++c) s += k_exp(x[base + c * P::inner] - mx);
      const T log_s = k_log(s);
      if (log_prob)
        for (idx_t c = 0; c < P::C; ++c) log_prob[base + c * P::inner] = (x[base + c * P::inner] - mx) - log_s;
      const L t = labels[n * P::inner + i];
      const bool counts = loss_counts<P>(t);
      const T w = counts ? (P::has_weight ? weight[t] : T(1)) : T(0);
      const T l = counts ? -((x[base + static_cast<idx_t>(t) * P::inner] - mx) - log_s) * w : T(0);
      if (P::reduction == 0) loss[n * P::inner + i] = l;
      sum += l;
      wsum += w;
    }
  loss_reduce<P>(sum, wsum, loss);
}
