// The optimized int8 kernels (conv_fast_s8.h, fully_connected_fast_s8.h) against
// the reference kernels (conv_s8.h, fully_connected_s8.h) on the same random
// int8 data: outputs must be bit-identical. Shapes, zero points and clamps are
// compile-time parameters of the kernels, so each seed below instantiates its
// own random configuration; data, biases, multipliers and shifts are random per
// trial. The folded bias comes from the compiler's own quant::fold_input_zero_point,
// so a wrong fold fails here too.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <random>
#include <utility>
#include <vector>

#include "compiler/quant/zero_point_fold.h"

namespace fk {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/conv_s8.h"
#include "codegen/kernels/fully_connected_s8.h"
#include "codegen/kernels/conv_fast_s8.h"
#include "codegen/kernels/fully_connected_fast_s8.h"
}  // namespace fk

namespace {

constexpr uint32_t mix(uint32_t s) {
  s ^= s >> 16;
  s *= 0x7feb352du;
  s ^= s >> 15;
  s *= 0x846ca68bu;
  s ^= s >> 16;
  return s;
}
// A compile-time pseudo-random integer in [lo, hi] for configuration `seed`.
constexpr int pick(int seed, int salt, int lo, int hi) {
  return lo + static_cast<int>(mix(static_cast<uint32_t>(seed) * 977u + static_cast<uint32_t>(salt) * 131u + 7u) %
                               static_cast<uint32_t>(hi - lo + 1));
}
// Zero points over [-128, 127], the ends included often.
constexpr int32_t zero_point(int seed, int salt) {
  return seed % 7 == 0 ? -128 : seed % 7 == 1 ? 127 : seed % 7 == 2 ? 0 : pick(seed, salt, -128, 127);
}
// The clamp: none, or a fused ReLU/ReLU6-like range within int8.
constexpr int32_t clamp_lo(int seed) { return pick(seed, 40, 0, 2) == 0 ? pick(seed, 41, -128, 0) : -128; }
constexpr int32_t clamp_hi(int seed) { return pick(seed, 42, 0, 2) == 0 ? pick(seed, 43, 1, 127) : 127; }

template <int S>
struct Pointwise {
  static constexpr fk::idx_t N = pick(S, 1, 1, 2), C = pick(S, 2, 1, 48), M = pick(S, 3, 1, 9), G = 1;
  static constexpr fk::idx_t H = pick(S, 4, 1, 6), W = pick(S, 5, 1, 9), OH = H, OW = W;
  static constexpr fk::idx_t KH = 1, KW = 1, SH = 1, SW = 1, DH = 1, DW = 1, PT = 0, PL = 0, PB = 0, PR = 0;
  static constexpr bool has_bias = pick(S, 6, 0, 3) != 0;
  static constexpr int32_t in_zp = zero_point(S, 7), out_zp = zero_point(S + 3, 8);
  static constexpr int32_t act_min = clamp_lo(S), act_max = clamp_hi(S);
};
// kws_dscnn's pointwise layers: 64 channels in and out, 25 x 5 pixels.
struct KwsPointwise : Pointwise<0> {
  static constexpr fk::idx_t N = 1, C = 64, M = 64, H = 25, W = 5, OH = H, OW = W;
};

// Depthwise 3x3, stride 1 or 2, 0 to 2 rows or columns of padding per side.
template <int S>
struct Depthwise {
  static constexpr fk::idx_t N = pick(S, 1, 1, 2), C = pick(S, 2, 1, 6), M = C, G = C, KH = 3, KW = 3, DH = 1, DW = 1;
  static constexpr fk::idx_t SH = pick(S, 10, 1, 2), SW = pick(S, 11, 1, 2);
  static constexpr fk::idx_t PT = pick(S, 12, 0, 2), PL = pick(S, 13, 0, 2), PB = pick(S, 14, 0, 2), PR = pick(S, 15, 0, 2);
  static constexpr fk::idx_t H = pick(S, 4, 1, 11) + PT + PB >= 3 ? pick(S, 4, 1, 11) : 3;
  static constexpr fk::idx_t W = pick(S, 5, 1, 11) + PL + PR >= 3 ? pick(S, 5, 1, 11) : 3;
  static constexpr fk::idx_t OH = (H + PT + PB - 3) / SH + 1, OW = (W + PL + PR - 3) / SW + 1;
  static constexpr bool has_bias = pick(S, 6, 0, 3) != 0;
  static constexpr int32_t in_zp = zero_point(S, 7), out_zp = zero_point(S + 3, 8);
  static constexpr int32_t act_min = clamp_lo(S), act_max = clamp_hi(S);
};
// kws_dscnn's depthwise layers: 64 channels, 25 x 5 pixels, padding 1.
struct KwsDepthwise : Depthwise<0> {
  static constexpr fk::idx_t N = 1, C = 64, M = 64, G = 64, H = 25, W = 5, SH = 1, SW = 1, PT = 1, PL = 1, PB = 1, PR = 1;
  static constexpr fk::idx_t OH = 25, OW = 5;
};

template <int S>
struct FullyConnected {
  static constexpr fk::idx_t M = pick(S, 1, 1, 3), K = pick(S, 2, 1, 80), N = pick(S, 3, 1, 13);
  static constexpr bool has_bias = pick(S, 6, 0, 3) != 0, per_channel = pick(S, 9, 0, 1) != 0;
  static constexpr int32_t in_zp = zero_point(S, 7), out_zp = zero_point(S + 3, 8);
  static constexpr int32_t act_min = clamp_lo(S), act_max = clamp_hi(S);
};
// ad_autoencoder's first layer: 640 inputs, 128 units.
struct AdFullyConnected : FullyConnected<0> {
  static constexpr fk::idx_t M = 1, K = 640, N = 128;
};

std::vector<int8_t> random_s8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& e : v) e = static_cast<int8_t>(d(rng));
  return v;
}

// Random layer data: biases mostly moderate, sometimes near the int32 limits
// (where the fold must refuse), multipliers over [2^30, 2^31) and 0, shifts from
// strong right shifts to small left shifts (outputs spread, some clamp).
struct Layer {
  std::vector<int8_t> x, w;
  std::vector<int32_t> b, mult, shift;
};

Layer random_layer(std::mt19937& rng, size_t nx, size_t rows, size_t cols, size_t nq) {
  Layer l;
  l.x = random_s8(rng, nx);
  const int wl = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? -2 : -128;  // sometimes tiny weights
  l.w = random_s8(rng, rows * cols, wl, wl == -2 ? 2 : 127);
  // Near the limits by up to twice the widest sum of x * w: about half the rows fold.
  std::uniform_int_distribution<int32_t> small(-50000, 50000), edge(0, static_cast<int32_t>(cols) * 32768), sign(0, 1);
  const bool huge = std::uniform_int_distribution<int>(0, 4)(rng) == 0;
  for (size_t r = 0; r < rows; ++r)
    l.b.push_back(!huge ? small(rng) : sign(rng) ? INT32_MAX - edge(rng) : INT32_MIN + edge(rng));
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX), shift(-16, 3), rare(0, 30);
  for (size_t q = 0; q < nq; ++q) {
    l.mult.push_back(rare(rng) == 0 ? 0 : mult(rng));
    l.shift.push_back(shift(rng));
  }
  return l;
}

// The compiler's fold for this layer, as int32 for the kernels; empty when it refuses.
std::vector<int32_t> fold(const Layer& l, size_t rows, size_t cols, bool has_bias, int32_t in_zp) {
  const std::vector<int64_t> w(l.w.begin(), l.w.end());
  const std::vector<int64_t> b = has_bias ? std::vector<int64_t>(l.b.begin(), l.b.end()) : std::vector<int64_t>{};
  const auto f = mote::quant::fold_input_zero_point(w, static_cast<int64_t>(rows), static_cast<int64_t>(cols), b, in_zp);
  if (!f) return {};
  return std::vector<int32_t>(f->begin(), f->end());
}

struct Count {
  int fast = 0, refused = 0, outputs = 0;
};

template <class P>
void check_pointwise(std::mt19937& rng, Count& n, int trials = 12) {
  const size_t HW = static_cast<size_t>(P::H * P::W), C = static_cast<size_t>(P::C), M = static_cast<size_t>(P::M);
  for (int t = 0; t < trials; ++t) {
    const Layer l = random_layer(rng, static_cast<size_t>(P::N) * C * HW, M, C, M);
    std::vector<int8_t> ref(static_cast<size_t>(P::N) * M * HW, 99), fast(ref.size(), -99);
    fk::conv2d_s8<P>(l.x.data(), l.w.data(), l.b.data(), l.mult.data(), l.shift.data(), ref.data());
    const std::vector<int32_t> fb = fold(l, M, C, P::has_bias, P::in_zp);
    if (fb.empty()) {
      ++n.refused;
      continue;
    }
    fk::conv2d_s8_pointwise<P>(l.x.data(), l.w.data(), fb.data(), l.mult.data(), l.shift.data(), fast.data());
    INFO("N " << P::N << " C " << C << " M " << M << " H " << P::H << " W " << P::W << " in_zp " << P::in_zp
              << " out_zp " << P::out_zp << " clamp " << P::act_min << ".." << P::act_max << " bias " << P::has_bias);
    REQUIRE(fast == ref);
    ++n.fast;
    n.outputs += static_cast<int>(ref.size());
  }
}

template <class P>
void check_depthwise(std::mt19937& rng, Count& n, int trials = 12) {
  const size_t C = static_cast<size_t>(P::C), out = static_cast<size_t>(P::N * P::C * P::OH * P::OW);
  for (int t = 0; t < trials; ++t) {
    const Layer l = random_layer(rng, static_cast<size_t>(P::N * P::C * P::H * P::W), C, 9, C);
    std::vector<int8_t> ref(out, 99), fast(out, -99);
    fk::conv2d_s8<P>(l.x.data(), l.w.data(), l.b.data(), l.mult.data(), l.shift.data(), ref.data());
    const std::vector<int32_t> fb = fold(l, C, 9, P::has_bias, P::in_zp);
    if (fb.empty()) {
      ++n.refused;
      continue;
    }
    fk::conv2d_s8_depthwise3x3<P>(l.x.data(), l.w.data(), l.b.data(), fb.data(), l.mult.data(), l.shift.data(),
                                  fast.data());
    INFO("N " << P::N << " C " << C << " H " << P::H << " W " << P::W << " stride " << P::SH << "x" << P::SW
              << " pads " << P::PT << " " << P::PL << " " << P::PB << " " << P::PR << " in_zp " << P::in_zp
              << " out_zp " << P::out_zp << " clamp " << P::act_min << ".." << P::act_max << " bias " << P::has_bias);
    REQUIRE(fast == ref);
    ++n.fast;
    n.outputs += static_cast<int>(out);
  }
}

template <class P>
void check_fully_connected(std::mt19937& rng, Count& n, int trials = 12) {
  const size_t M = static_cast<size_t>(P::M), K = static_cast<size_t>(P::K), N = static_cast<size_t>(P::N);
  for (int t = 0; t < trials; ++t) {
    const Layer l = random_layer(rng, M * K, N, K, P::per_channel ? N : 1);
    std::vector<int8_t> ref(M * N, 99), fast(ref.size(), -99);
    fk::fully_connected_s8<P>(l.x.data(), l.w.data(), l.b.data(), l.mult.data(), l.shift.data(), ref.data());
    const std::vector<int32_t> fb = fold(l, N, K, P::has_bias, P::in_zp);
    if (fb.empty()) {
      ++n.refused;
      continue;
    }
    fk::fully_connected_s8_fast<P>(l.x.data(), l.w.data(), fb.data(), l.mult.data(), l.shift.data(), fast.data());
    INFO("M " << M << " K " << K << " N " << N << " in_zp " << P::in_zp << " out_zp " << P::out_zp << " clamp "
              << P::act_min << ".." << P::act_max << " bias " << P::has_bias << " per_channel " << P::per_channel);
    REQUIRE(fast == ref);
    ++n.fast;
    n.outputs += static_cast<int>(ref.size());
  }
}

template <int... S>
void pointwise_seeds(std::integer_sequence<int, S...>, std::mt19937& rng, Count& n) {
  (check_pointwise<Pointwise<S>>(rng, n), ...);
}
template <int... S>
void depthwise_seeds(std::integer_sequence<int, S...>, std::mt19937& rng, Count& n) {
  (check_depthwise<Depthwise<S>>(rng, n), ...);
}
template <int... S>
void fully_connected_seeds(std::integer_sequence<int, S...>, std::mt19937& rng, Count& n) {
  (check_fully_connected<FullyConnected<S>>(rng, n), ...);
}

// One unit, one input, the bias at the largest value the fold accepts for w = 1.
struct Edge {
  static constexpr fk::idx_t M = 1, K = 1, N = 1;
  static constexpr bool has_bias = true, per_channel = false;
  static constexpr int32_t in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
};

}  // namespace

TEST_CASE("conv2d_s8_pointwise is bit-identical to conv2d_s8", "[fast_kernels]") {
  std::mt19937 rng(20261202);
  Count n;
  pointwise_seeds(std::make_integer_sequence<int, 64>{}, rng, n);
  check_pointwise<KwsPointwise>(rng, n, 4);
  INFO(n.fast << " layers compared, " << n.outputs << " outputs, " << n.refused << " folds refused");
  CHECK(n.fast > 500);
  CHECK(n.refused > 5);  // biases near the int32 limits: the refusal is exercised
}

TEST_CASE("conv2d_s8_depthwise3x3 is bit-identical to conv2d_s8", "[fast_kernels]") {
  std::mt19937 rng(777);
  Count n;
  depthwise_seeds(std::make_integer_sequence<int, 64>{}, rng, n);
  check_depthwise<KwsDepthwise>(rng, n, 4);
  INFO(n.fast << " layers compared, " << n.outputs << " outputs, " << n.refused << " folds refused");
  CHECK(n.fast > 500);
  CHECK(n.refused > 5);
}

TEST_CASE("fully_connected_s8_fast is bit-identical to fully_connected_s8", "[fast_kernels]") {
  std::mt19937 rng(4521);
  Count n;
  fully_connected_seeds(std::make_integer_sequence<int, 64>{}, rng, n);
  check_fully_connected<AdFullyConnected>(rng, n, 4);
  INFO(n.fast << " layers compared, " << n.outputs << " outputs, " << n.refused << " folds refused");
  CHECK(n.fast > 500);
  CHECK(n.refused > 5);
}

TEST_CASE("fold_input_zero_point refuses exactly where an int32 sum could leave range", "[fast_kernels]") {
  using mote::quant::fold_input_zero_point;
  // One weight 1: x * w in [-128, 127]; the fold is bias - in_zp.
  CHECK(fold_input_zero_point({1}, 1, 1, {int64_t{INT32_MAX} - 127}, 0) == std::vector<int64_t>{INT32_MAX - 127});
  CHECK_FALSE(fold_input_zero_point({1}, 1, 1, {int64_t{INT32_MAX} - 126}, 0));
  CHECK(fold_input_zero_point({1}, 1, 1, {int64_t{INT32_MIN} + 128}, 0));
  CHECK_FALSE(fold_input_zero_point({1}, 1, 1, {int64_t{INT32_MIN} + 127}, 0));
  // in_zp = -128 adds 128 * sum(w) to the bias.
  CHECK(fold_input_zero_point({1, -2, 3}, 1, 3, {}, -128) == std::vector<int64_t>{256});
  CHECK(fold_input_zero_point({1, -2, 3, 4}, 2, 2, {10, 20}, 5) == std::vector<int64_t>{10 + 5, 20 - 35});
  // Mismatched sizes refuse rather than read out of range.
  CHECK_FALSE(fold_input_zero_point({1, 2, 3}, 2, 2, {}, 0));
  CHECK_FALSE(fold_input_zero_point({1, 2, 3, 4}, 2, 2, {1}, 0));

  // At the accepted edge the fast kernel still equals the reference.
  const int8_t x[1] = {127}, w[1] = {1};
  const int32_t b[1] = {INT32_MAX - 127}, mult[1] = {1 << 30}, shift[1] = {-24};
  int8_t ref[1], fast[1];
  fk::fully_connected_s8<Edge>(x, w, b, mult, shift, ref);
  fk::fully_connected_s8_fast<Edge>(x, w, b, mult, shift, fast);
  CHECK(ref[0] == fast[0]);
}
