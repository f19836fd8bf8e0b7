// needs: pool_s8_fast.h conv_s8_dsp.h
// includes: <arm_acle.h>
// pool_s8_fast.h's sums with the DSP extension: USADA8 adds four unsigned bytes
// in one instruction, so each word is flipped to unsigned (x + 128: EOR 0x80) and
// 128 per byte is taken back at the end; three instructions per four bytes.

struct k_sum_s8_dsp {
  static int32_t sum(const int8_t* x, idx_t n) {
    uint32_t s = 0;
    idx_t i = 0;
    for (; i + 4 <= n; i += 4) s = __usada8(static_cast<uint32_t>(k_ld32(x + i)) ^ 0x80808080u, 0u, s);
    int32_t r = static_cast<int32_t>(s) - 128 * i;
    for (; i < n; ++i) r += x[i];
    return r;
  }
};

template <class P>
void avg_pool2d_s8_dsp(const int8_t* x, int8_t* y) {
  avg_pool2d_s8_inside<P, k_sum_s8_dsp>(x, y);
}
template <class P>
void global_avg_pool_s8_dsp(const int8_t* x, int8_t* y) {
  global_avg_pool_s8_fast<P, k_sum_s8_dsp>(x, y);
}
