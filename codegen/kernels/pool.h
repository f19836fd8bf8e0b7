// Pooling over the two spatial dimensions of NCHW (1-D pools run with H = 1).
// Window bounds follow ONNX: padding counts toward the average only with
// count_include_pad, and a ceil_mode window is cut at the padded edge.

template <class P, class T>
void max_pool2d(const T* x, T* y) {
  for (idx_t nc = 0; nc < P::N * P::C; ++nc) {
    const T* xc = x + nc * P::H * P::W;
    T* yc = y + nc * P::OH * P::OW;
    for (idx_t oh = 0; oh < P::OH; ++oh)
      for (idx_t ow = 0; ow < P::OW; ++ow) {
        T best = -HUGE_VALF;
        for (idx_t kh = 0; kh < P::KH; ++kh) {
          const idx_t ih = oh * P::SH - P::PT + kh * P::DH;
          // A 1-D pool (H = 1, no padding) makes this always false, as the compiler
          // sees too; the same source serves every shape.
          // cppcheck-suppress knownConditionTrueFalse
          if (ih < 0 || ih >= P::H) continue;
          for (idx_t kw = 0; kw < P::KW; ++kw) {
            const idx_t iw = ow * P::SW - P::PL + kw * P::DW;
            if (iw < 0 || iw >= P::W) continue;
            const T v = xc[ih * P::W + iw];
            if (v > best || k_isnan(v)) best = v;
          }
        }
        yc[oh * P::OW + ow] = best;
      }
  }
}

template <class P, class T>
void avg_pool2d(const T* x, T* y) {
  for (idx_t nc = 0; nc < P::N * P::C; ++nc) {
    const T* xc = x + nc * P::H * P::W;
    T* yc = y + nc * P::OH * P::OW;
    for (idx_t oh = 0; oh < P::OH; ++oh)
      for (idx_t ow = 0; ow < P::OW; ++ow) {
        const idx_t h0 = oh * P::SH - P::PT, w0 = ow * P::SW - P::PL;
        // Window clipped to the padded input, then to the real input.
        const idx_t h1 = k_min<idx_t>(h0 + P::KH, P::H + P::PB), w1 = k_min<idx_t>(w0 + P::KW, P::W + P::PR);
        const idx_t padded = (h1 - h0) * (w1 - w0);
        const idx_t hs = k_max<idx_t>(h0, 0), ws = k_max<idx_t>(w0, 0);
        const idx_t he = k_min<idx_t>(h1, P::H), we = k_min<idx_t>(w1, P::W);
        T sum = T(0);
        for (idx_t ih = hs; ih < he; ++ih)
          for (idx_t iw = ws; iw < we; ++iw) sum += xc[ih * P::W + iw];
        const idx_t count = P::count_include_pad ? padded : (he - hs) * (we - ws);
        yc[oh * P::OW + ow] = count > 0 ? sum / T(count) : T(0);
      }
  }
}

template <class P, class T>
void global_avg_pool(const T* x, T* y) {
  for (idx_t nc = 0; nc < P::NC; ++nc) {
    T sum = T(0);
    for (idx_t i = 0; i < P::spatial; ++i) sum += x[nc * P::spatial + i];
    y[nc] = sum / T(P::spatial);
  }
}

template <class P, class T>
void global_max_pool(const T* x, T* y) {
  for (idx_t nc = 0; nc < P::NC; ++nc) {
    T best = x[nc * P::spatial];
    for (idx_t i = 1; i < P::spatial; ++i) best = k_max(best, x[nc * P::spatial + i]);
    y[nc] = best;
  }
}
