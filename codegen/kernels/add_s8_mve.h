// needs: conv_s8_mve.h
// includes: <arm_mve.h>
// Int8 Add for Helium with the tables of add_s8_lut.h (lut1, lut2; add_s8.h is the
// reference), four elements a vector: two 32-bit gathers from the tables, an add, the vector
// requantization, a narrowing store; a tail-predicated last vector.
template <class P>
K_NOINLINE void add_s8_lut_mve(const int8_t* a, const int8_t* b, int8_t* y) {
  static_assert(P::rq_fast && !P::rq_left, "the vector requantization needs the fast form's conditions");
  const int32x4_t bias = vdupq_n_s32(128);
  for (idx_t i = 0; i < P::count; i += 4) {
    const mve_pred16_t live = vctp32q(static_cast<uint32_t>(P::count - i));
    const uint32x4_t ia = vreinterpretq_u32_s32(vaddq_s32(vldrbq_z_s32(a + i, live), bias));
    const uint32x4_t ib = vreinterpretq_u32_s32(vaddq_s32(vldrbq_z_s32(b + i, live), bias));
    const int32x4_t sum = vaddq_s32(vldrwq_gather_shifted_offset_s32(P::lut1, ia),
                                    vldrwq_gather_shifted_offset_s32(P::lut2, ib));
    vstrbq_p_s32(y + i, k_requantize_mve<P>(sum, 0), live);
  }
}
