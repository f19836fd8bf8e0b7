// The zero-point-padded plane the depthwise kernels read from scratch. Parameters:
// conv.h's and in_zp.
//
// Each channel's plane is copied into scratch with its padding filled with
// the input zero point: PH = H + PT + PB rows of PW = W + PL + PR + 8 bytes, and
// one spare row, so that word and vector loads may run past the last column.
// Every output then reads only real bytes, no tap is skipped, and fbias cancels
// the padding. compiler/ops/conv.cpp sizes the scratch the same way.

template <class P>
struct k_plane {
  static constexpr idx_t PH = P::H + P::PT + P::PB, PW = P::W + P::PL + P::PR + 8;
  static constexpr idx_t bytes = (PH + 1) * PW;
};

template <class P>
inline void k_pad_plane_s8(const int8_t* src, int8_t* dst) {
  constexpr idx_t PW = k_plane<P>::PW;
  memset(dst, static_cast<int8_t>(P::in_zp), static_cast<size_t>(k_plane<P>::bytes));
  for (idx_t h = 0; h < P::H; ++h) memcpy(dst + (h + P::PT) * PW + P::PL, src + h * P::W, static_cast<size_t>(P::W));
}

