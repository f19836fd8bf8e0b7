// needs: matmul_s8.h conv_s8_dsp.h
// includes: <arm_acle.h>
// matmul_s8.h's raw-byte MatMul with the DSP extension's dot product: each word of
// four bytes of A's row and of B^T's row is unpacked by SXTB16 into two pairs of
// halfwords, and two SMLADs add their four products; the tail of K goes one by
// one. Bit for bit matmul_s8 (tests/kernels): the same integer sum, which stays
// far inside int32 for K <= 16384 (2^14 per product).

struct k_dot_s8_dsp {
  static int32_t dot(const int8_t* a, const int8_t* b, idx_t n) {
    int32_t s = 0;
    idx_t i = 0;
    for (; i + 4 <= n; i += 4) {
      const int32_t va = k_ld32(a + i), vb = k_ld32(b + i);
      s = k_dot4_dsp(s, __sxtb16(va), k_sxtb16_ror8(va), __sxtb16(vb), k_sxtb16_ror8(vb));
    }
    for (; i < n; ++i) s += static_cast<int32_t>(a[i]) * b[i];
    return s;
  }
};

template <class P>
void matmul_s8_bt_dsp(const int8_t* a, const int8_t* b, int8_t* y, uint8_t* scratch) {
  matmul_s8_bt_with<P, k_dot_s8_dsp>(a, b, y, scratch);
}
