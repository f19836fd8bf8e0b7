// Int8 elementwise function by table: y[i] = table[x[i] + 128]. The compiler
// computes the 256 entries from the op's float function and the two tensors'
// scales and zero points (compiler/ops/lut_s8.h), so the kernel is one load per
// element whatever the function. Parameters: count. lut_s8_channels: a table of
// 256 entries per channel of x viewed as (outer, C, inner) (a per-channel affine
// or slope); parameters outer, C, inner.

template <class P>
K_NOINLINE void lut_s8(const int8_t* x, const int8_t* table, int8_t* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = table[x[i] + 128];
}

template <class P>
K_NOINLINE void lut_s8_channels(const int8_t* x, const int8_t* table, int8_t* y) {
  for (idx_t o = 0; o < P::outer; ++o)
    for (idx_t c = 0; c < P::C; ++c) {
      const int8_t* t = table + 256 * c + 128;
      const idx_t base = (o * P::C + c) * P::inner;
      for (idx_t i = 0; i < P::inner; ++i) y[base + i] = t[x[base + i]];
    }
}
