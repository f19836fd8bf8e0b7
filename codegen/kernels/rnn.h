// RNN, GRU and LSTM (ONNX equations), one direction and one batch row at a time,
// the weights read where they lie (W, R, B as the model stores them).
//
// Layout, directions and optional operands are compile-time flags in P; the
// sequence lengths are read at run time and clamped to [0, S], steps past a
// row's length leave its state alone and write zeros to Y.
// Scratch: the state (h, c) and the gate pre-activations of one row live in
// fixed-size locals of (2 + gates) * H elements.

// Activation kinds, numbered as the compiler emits them.
enum {
  rnn_relu,
  rnn_tanh,
  rnn_sigmoid,
  rnn_affine,
  rnn_leaky_relu,
  rnn_thresholded_relu,
  rnn_scaled_tanh,
  rnn_hard_sigmoid,
  rnn_elu,
  rnn_softsign,
  rnn_softplus
};

template <class T>
inline T rnn_act(idx_t kind, T alpha, T beta, T x) {
  switch (kind) {
    case rnn_relu: return x > T(0) ? x : T(0);
    case rnn_tanh: return k_tanh(x);
    case rnn_sigmoid: return T(1) / (T(1) + k_exp(-x));
    case rnn_affine: return alpha * x + beta;
    case rnn_leaky_relu: return x >= T(0) ? x : alpha * x;
    case rnn_thresholded_relu: return x > alpha ? x : T(0);
    case rnn_scaled_tanh: return alpha * k_tanh(beta * x);
    case rnn_hard_sigmoid: return k_max(T(0), k_min(T(1), alpha * x + beta));
    case rnn_elu: return x >= T(0) ? x : alpha * (k_exp(x) - T(1));
    case rnn_softsign: return x / (T(1) + k_fabs(x));
    default: return x > T(0) ? x + k_log(T(1) + k_exp(-x)) : k_log(T(1) + k_exp(x));  // softplus
  }
}

// Activation `slot` of direction d, its input clipped to [-clip, clip] when P::has_clip.
template <class P, class T>
inline T rnn_apply(idx_t d, idx_t slot, T x) {
  if (P::has_clip) x = k_max(T(-P::clip), k_min(T(P::clip), x));
  const idx_t a = d * P::num_acts + slot;
  return rnn_act(P::act_kind[a], T(P::act_alpha[a]), T(P::act_beta[a]), x);
}

// pre[g*H + j] = W[g*H+j] . x_t + R[g*H+j] . h (+ Wb + Rb) for the gates in [g0, g1).
template <class P, class T>
inline void rnn_gates(const T* w, const T* r, const T* b, const T* xt, const T* h, idx_t g0, idx_t g1, T* pre) {
  for (idx_t row = g0 * P::H; row < g1 * P::H; ++row) {
    T acc = T(0);
    for (idx_t i = 0; i < P::I; ++i) acc += w[row * P::I + i] * xt[i];
    for (idx_t k = 0; k < P::H; ++k) acc += r[row * P::H + k] * h[k];
    if (P::has_b) acc += b[row] + b[P::G * P::H + row];
    pre[row] = acc;
  }
}

// Loads the initial state of (d, batch row bt), zero when not given.
template <class P, class T>
inline void rnn_load(const T* init, idx_t d, idx_t bt, T* s) {
  for (idx_t j = 0; j < P::H; ++j) s[j] = init ? init[d * P::h_d_stride + bt * P::h_b_stride + j] : T(0);
}

// Number of steps of batch row bt: its sequence length clamped to [0, S].
template <class P>
inline idx_t rnn_len(const int32_t* seq, idx_t bt) {
  if (!seq) return P::S;
  const int32_t n = seq[bt];
  return n < 0 ? 0 : (n > P::S ? P::S : static_cast<idx_t>(n));
}

template <class P, class T>
inline void rnn_store(const T* s, idx_t d, idx_t bt, T* out) {
  if (out)
    for (idx_t j = 0; j < P::H; ++j) out[d * P::h_d_stride + bt * P::h_b_stride + j] = s[j];
}

template <class P, class T>
inline void rnn_y(const T* h, idx_t t, idx_t d, idx_t bt, T* y) {
  if (y)
    for (idx_t j = 0; j < P::H; ++j) y[t * P::y_t_stride + d * P::y_d_stride + bt * P::y_b_stride + j] = h ? h[j] : T(0);
}

// Shared time loop: `cell(d, xt, h, c)` advances the state of one row by one step.
template <class P, class T, class Cell>
inline void rnn_run(const T* x, const int32_t* seq, const T* init_h, const T* init_c, T* y, T* y_h, T* y_c,
                    Cell cell) {
  for (idx_t d = 0; d < P::D; ++d) {
    const bool rev = d == 1 || P::reverse0;
    for (idx_t bt = 0; bt < P::B; ++bt) {
      T h[P::H], c[P::H];
      rnn_load<P>(init_h, d, bt, h);
      rnn_load<P>(init_c, d, bt, c);
      const idx_t len = rnn_len<P>(seq, bt);
      for (idx_t step = 0; step < len; ++step) {
        const idx_t t = rev ? len - 1 - step : step;
        cell(d, x + t * P::x_t_stride + bt * P::x_b_stride, h, c);
        rnn_y<P>(h, t, d, bt, y);
      }
      for (idx_t t = len; t < P::S; ++t) rnn_y<P, T>(nullptr, t, d, bt, y);
      rnn_store<P>(h, d, bt, y_h);
      rnn_store<P>(c, d, bt, y_c);
    }
  }
}

// RNN: h = f(W x + R h + Wb + Rb).
template <class P, class T>
void rnn(const T* x, const T* w, const T* r, const T* b, const int32_t* seq, const T* init_h, T* y, T* y_h) {
  rnn_run<P, T>(x, seq, init_h, static_cast<const T*>(nullptr), y, y_h, static_cast<T*>(nullptr),
                [&](idx_t d, const T* xt, T* h, T*) {
                  T pre[P::H];
                  rnn_gates<P>(w + d * P::H * P::I, r + d * P::H * P::H, b ? b + d * 2 * P::H : b, xt, h, 0, 1, pre);
                  for (idx_t j = 0; j < P::H; ++j) h[j] = rnn_apply<P>(d, 0, pre[j]);
                });
}

// GRU, gates z, r, h in that order; linear_before_reset applies the reset gate
// after the recurrent product (bias included) rather than before it.
template <class P, class T>
void gru(const T* x, const T* w, const T* r, const T* b, const int32_t* seq, const T* init_h, T* y, T* y_h) {
  rnn_run<P, T>(x, seq, init_h, static_cast<const T*>(nullptr), y, y_h, static_cast<T*>(nullptr),
                [&](idx_t d, const T* xt, T* h, T*) {
                  const T* wd = w + d * 3 * P::H * P::I;
                  const T* rd = r + d * 3 * P::H * P::H;
                  const T* bd = b ? b + d * 6 * P::H : b;
                  T pre[3 * P::H];
                  rnn_gates<P>(wd, rd, bd, xt, h, 0, 2, pre);
                  for (idx_t j = 0; j < 2 * P::H; ++j) pre[j] = rnn_apply<P>(d, 0, pre[j]);
                  const T* z = pre;
                  const T* rs = pre + P::H;
                  for (idx_t j = 0; j < P::H; ++j) {
                    const idx_t row = 2 * P::H + j;
                    T xw = T(0), hr = T(0);
                    for (idx_t i = 0; i < P::I; ++i) xw += wd[row * P::I + i] * xt[i];
                    for (idx_t k = 0; k < P::H; ++k)
                      hr += rd[row * P::H + k] * (P::linear_before_reset ? h[k] : rs[k] * h[k]);
                    const T wb = P::has_b ? bd[row] : T(0), rb = P::has_b ? bd[3 * P::H + row] : T(0);
                    pre[row] = xw + wb + (P::linear_before_reset ? rs[j] * (hr + rb) : hr + rb);
                  }
                  for (idx_t j = 0; j < P::H; ++j) {
                    const T hh = rnn_apply<P>(d, 1, pre[2 * P::H + j]);
                    h[j] = (T(1) - z[j]) * hh + z[j] * h[j];
                  }
                });
}

// LSTM, gates i, o, f, c in that order, peepholes i, o, f; input_forget couples
// the forget gate to 1 - i.
template <class P, class T>
void lstm(const T* x, const T* w, const T* r, const T* b, const int32_t* seq, const T* init_h, const T* init_c,
          const T* p, T* y, T* y_h, T* y_c) {
  rnn_run<P, T>(x, seq, init_h, init_c, y, y_h, y_c, [&](idx_t d, const T* xt, T* h, T* c) {
    T pre[4 * P::H];
    rnn_gates<P>(w + d * 4 * P::H * P::I, r + d * 4 * P::H * P::H, b ? b + d * 8 * P::H : b, xt, h, 0, 4, pre);
    const T* pd = p ? p + d * 3 * P::H : p;
    for (idx_t j = 0; j < P::H; ++j) {
      const T gi = rnn_apply<P>(d, 0, pre[j] + (pd ? pd[j] * c[j] : T(0)));
      const T gf = P::input_forget ? T(1) - gi : rnn_apply<P>(d, 0, pre[2 * P::H + j] + (pd ? pd[2 * P::H + j] * c[j] : T(0)));
      const T gc = rnn_apply<P>(d, 1, pre[3 * P::H + j]);
      c[j] = gf * c[j] + gi * gc;
      const T go = rnn_apply<P>(d, 0, pre[P::H + j] + (pd ? pd[P::H + j] * c[j] : T(0)));
      // The clip bounds gate inputs only, not the cell state fed to h.
      const idx_t a = d * P::num_acts + 2;
      const T hc = rnn_act(P::act_kind[a], T(P::act_alpha[a]), T(P::act_beta[a]), c[j]);
      h[j] = go * hc;
    }
  });
}
