// Int8 elementwise function by table: y[i] = table[x[i] + 128]. The compiler
// computes the 256 entries from the op's float function and the two tensors'
// scales and zero points (compiler/ops/lut_s8.h), so the kernel is one load per
// element whatever the function. Parameters: count.

template <class P>
K_NOINLINE void lut_s8(const int8_t* x, const int8_t* table, int8_t* y) {
  for (idx_t i = 0; i < P::count; ++i) y[i] = table[x[i] + 128];
}
