// The int8 activations by table (compiler/ops/lut_s8.h) and the int8 Mul
// (codegen/kernels/mul_s8.h) against real arithmetic in double: each table entry
// and each product is the exact result rounded to the nearest output step, within
// one step where float and double disagree at a tie. Nothing expected here comes
// from the code under test.
#include <catch2/catch.hpp>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/select.h"
#include "compiler/quant/fixed_point.h"
#include "compiler/target/target.h"
#include "compiler/verifier/verifier.h"
#include "graph_builder.h"
#include "passes/resolve.h"

namespace mk {
#include "codegen/kernels/common.h"
#include "codegen/kernels/requant.h"
#include "codegen/kernels/lut_s8.h"
#include "codegen/kernels/add_s8.h"
#include "codegen/kernels/mul_s8.h"
}  // namespace mk

using namespace mote;

namespace {

ir::QuantParams qp(float scale, int32_t zp) {
  ir::QuantParams q;
  q.scale = {scale};
  q.zero_point = {zp};
  return q;
}

// The table select-kernels builds for `op` on int8 x (xq) -> int8 y (yq).
std::vector<int64_t> table_of(const std::string& op, const ir::QuantParams& xq, const ir::QuantParams& yq,
                              const ir::Attributes& attrs = {}) {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 256}, ir::DType::kI8);
  b.g.tensor(x).quant = xq;
  const auto y = b.node(op, {x}, attrs, {"y"});
  b.output(y);
  ir::Tensor& yt = b.g.tensor(y);  // as pass quantize-int8 leaves it
  yt.dtype = ir::DType::kI8;
  yt.shape = {1, 256};
  yt.shape_known = true;
  yt.quant = yq;
  INFO(verifier::verify(b.g).size());
  REQUIRE(verifier::verify(b.g).empty());
  REQUIRE(b.g.tensor(y).dtype == ir::DType::kI8);
  const ops::KernelCall k = ops::select_kernel(b.g, b.g.nodes[0], target::host_target(), ops::Preference::kSpeed);
  REQUIRE(k.file == "lut_s8.h");
  REQUIRE(k.inputs.size() == 2);
  const ir::Tensor& t = b.g.tensor(k.inputs[1]);
  REQUIRE(t.dtype == ir::DType::kI8);
  REQUIRE(t.elements() == 256);
  return ir::data_as_int(t);
}

void check_table(const std::string& op, const std::function<double(double)>& f, const ir::Attributes& attrs = {}) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> scale(0.005, 0.1);
  std::uniform_int_distribution<int> zp(-100, 100);
  for (int trial = 0; trial < 20; ++trial) {
    const ir::QuantParams xq = qp(static_cast<float>(scale(rng)), zp(rng));
    const ir::QuantParams yq = qp(static_cast<float>(scale(rng) / 4), zp(rng));
    const std::vector<int64_t> t = table_of(op, xq, yq, attrs);
    int off_by_one = 0;
    for (int q = -128; q <= 127; ++q) {
      const double x = static_cast<double>(xq.scale[0]) * (q - xq.zero_point[0]);
      const double want = std::clamp(std::round(f(x) / yq.scale[0]) + yq.zero_point[0], -128.0, 127.0);
      const int64_t got = t[static_cast<size_t>(q + 128)];
      INFO(op << " trial " << trial << " q " << q << " x " << x << ": want " << want << ", got " << got);
      CHECK(std::fabs(static_cast<double>(got) - want) <= 1.0);
      off_by_one += static_cast<double>(got) != want;
    }
    CHECK(off_by_one <= 3);  // only float-vs-double ties
  }
}

}  // namespace

TEST_CASE("lut_s8: activation tables are the exact function rounded to the output step", "[kernels][lut_s8]") {
  check_table("Sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); });
  check_table("Tanh", [](double x) { return std::tanh(x); });
  check_table("HardSwish", [](double x) { return x * std::clamp(x / 6 + 0.5, 0.0, 1.0); });
  check_table("Exp", [](double x) { return std::exp(x); });
  check_table("Erf", [](double x) { return std::erf(x); });
  check_table("Softplus", [](double x) { return std::log1p(std::exp(x)); });
  check_table("Softsign", [](double x) { return x / (1 + std::fabs(x)); });
  check_table("HardSigmoid", [](double x) { return std::clamp(x / 6 + 0.5, 0.0, 1.0); },
              {{"alpha", 1.0 / 6}, {"beta", 0.5}});
  check_table("LeakyRelu", [](double x) { return x >= 0 ? x : 0.1 * x; }, {{"alpha", 0.1}});
  check_table("Elu", [](double x) { return x >= 0 ? x : 0.7 * std::expm1(x); }, {{"alpha", 0.7}});
}

namespace {
struct LutP {
  static constexpr mk::idx_t count = 256;
};
}  // namespace

TEST_CASE("lut_s8: the kernel reads the table at x + 128", "[kernels][lut_s8]") {
  using P = LutP;
  int8_t table[256], x[256], y[256];
  for (int i = 0; i < 256; ++i) {
    table[i] = static_cast<int8_t>(127 - i);  // y = -1 - x
    x[i] = static_cast<int8_t>(i - 128);
  }
  mk::lut_s8<P>(x, table, y);
  for (int i = 0; i < 256; ++i) CHECK(y[i] == -1 - x[i]);
  mk::lut_s8<P>(x, table, x);  // in place, as pass in-place may run it
  for (int i = 0; i < 256; ++i) CHECK(x[i] == -1 - (i - 128));
}

namespace {
template <int Za, int Zb, int Zy, int Mult, int Shift>
struct MulP {
  static constexpr mk::idx_t count = 4096;
  static constexpr int32_t in1_zp = Za, in2_zp = Zb, out_zp = Zy, out_mult = Mult, out_shift = Shift, act_min = -128,
                           act_max = 127;
};
}  // namespace

TEST_CASE("mul_s8: each product is the real product rounded to the output step", "[kernels][mul_s8]") {
  // s_a = 0.05, s_b = 0.02, s_y = 0.04: multiplier 0.025 = 0.8 * 2^-5.
  const double sa = 0.05f, sb = 0.02f, sy = 0.04f;
  const auto m = quant::quantize_multiplier(sa * sb / sy);
  REQUIRE(m);
  REQUIRE(m->shift == -5);
  using P = MulP<3, -7, 11, 1717986944, -5>;  // 0.8 of the float scales, in Q31
  REQUIRE(m->multiplier == P::out_mult);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> a(P::count), b(P::count), y(P::count);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<int8_t>(d(rng));
    b[i] = static_cast<int8_t>(d(rng));
  }
  mk::mul_s8<P>(a.data(), b.data(), y.data());
  int off = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double real = sa * (a[i] - P::in1_zp) * sb * (b[i] - P::in2_zp);
    const double want = std::clamp(std::round(real / sy) + P::out_zp, -128.0, 127.0);
    INFO(int(a[i]) << " * " << int(b[i]));
    CHECK(std::fabs(y[i] - want) <= 1.0);
    off += y[i] != want;
  }
  // TFLite's two-step rounding (docs/int8.md) differs from one exact rounding only
  // next to a tie.
  CHECK(off <= static_cast<int>(P::count) / 100);
}

namespace {
// y (2x3x4) = a (2x3x4) * b (1x3x1): squeeze-excite's per-channel scale.
struct MulBcastP {
  static constexpr mk::idx_t count = 24, rank = 3;
  static constexpr int32_t in1_zp = -5, in2_zp = 20, out_zp = -3, out_mult = 1717986944, out_shift = -5,
                           act_min = -128, act_max = 127;
  static constexpr mk::idx_t shape[3] = {2, 3, 4}, a_strides[3] = {12, 4, 1}, b_strides[3] = {0, 1, 0};
};
}  // namespace

TEST_CASE("mul_s8_broadcast: each element times its channel's factor, as the real product", "[kernels][mul_s8]") {
  const double sa = 0.05f, sb = 0.02f, sy = 0.04f;  // out_mult, out_shift as above
  std::vector<int8_t> a(24), b = {-100, 7, 90}, y(24);
  for (int i = 0; i < 24; ++i) a[static_cast<size_t>(i)] = static_cast<int8_t>(i * 11 - 128);
  mk::mul_s8_broadcast<MulBcastP>(a.data(), b.data(), y.data());
  for (int i = 0; i < 24; ++i) {
    const int channel = (i / 4) % 3;
    const double real = sa * (a[static_cast<size_t>(i)] - MulBcastP::in1_zp) * sb * (b[static_cast<size_t>(channel)] - MulBcastP::in2_zp);
    const double want = std::clamp(std::round(real / sy) + MulBcastP::out_zp, -128.0, 127.0);
    INFO("element " << i << " channel " << channel);
    CHECK(std::fabs(y[static_cast<size_t>(i)] - want) <= 1.0);
  }
}

namespace {
// x (int8, 256 values) op c (an int8 constant of one element), in the int8 form.
struct ByConstant {
  test::GraphBuilder b;
  ir::TensorId y;
  ByConstant(const std::string& op, bool constant_first) {
    const auto x = b.input("x", {1, 256}, ir::DType::kI8);
    b.g.tensor(x).quant = qp(0.05f, 3);
    const auto c = b.constant("c", {}, {77}, ir::DType::kI8);
    b.g.tensor(c).quant = qp(0.02f, -10);
    y = b.node(op, constant_first ? std::vector<ir::TensorId>{c, x} : std::vector<ir::TensorId>{x, c}, {}, {"y"});
    b.output(y);
    ir::Tensor& yt = b.g.tensor(y);
    yt.dtype = ir::DType::kI8;
    yt.shape = {1, 256};
    yt.shape_known = true;
    yt.quant = qp(0.04f, -5);
    REQUIRE(verifier::verify(b.g).empty());
  }
  std::vector<int64_t> table(const char* variant) {
    const ops::KernelCall k = ops::select_kernel(b.g, b.g.nodes[0], target::host_target(), ops::Preference::kSpeed);
    REQUIRE(k.variant == variant);
    REQUIRE(k.file == "lut_s8.h");
    return ir::data_as_int(b.g.tensor(k.inputs[1]));
  }
  int64_t ref(const char* name) {
    const ops::KernelCall k = ops::reference_kernel(b.g, b.g.nodes[0], target::host_target());
    for (const auto& p : k.params)
      if (p.name == name) return std::get<int64_t>(p.value);
    FAIL("no parameter " << name);
    return 0;
  }
};

// The reference kernels' parameters for these scales, checked against the compiler's below.
struct MulByC {
  static constexpr mk::idx_t count = 256, rank = 2;
  static constexpr int32_t in1_zp = 3, in2_zp = -10, out_zp = -5, out_mult = 1717986944, out_shift = -5,
                           act_min = -128, act_max = 127;
  static constexpr mk::idx_t shape[2] = {1, 256}, a_strides[2] = {0, 1}, b_strides[2] = {0, 0};
};
struct AddCx {
  static constexpr mk::idx_t count = 256, rank = 2;
  static constexpr int32_t in1_zp = -10, in2_zp = 3, out_zp = -5, left_shift = 20, in1_mult = 1717986854,
                           in1_shift = -2, in2_mult = 1073741824, in2_shift = 0, out_mult = 1342177330,
                           out_shift = -18, act_min = -128, act_max = 127;
  static constexpr mk::idx_t shape[2] = {1, 256}, a_strides[2] = {0, 0}, b_strides[2] = {0, 1};
};
}  // namespace

TEST_CASE("mul/add by a constant: the table variant is bit for bit the reference kernel", "[kernels][lut_s8]") {
  std::vector<int8_t> x(256), y(256);
  for (int i = 0; i < 256; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  const int8_t c = 77;
  {
    ByConstant m("Mul", false);
    CHECK(m.ref("out_mult") == MulByC::out_mult);
    CHECK(m.ref("out_shift") == MulByC::out_shift);
    const std::vector<int64_t> t = m.table("mul_s8_by_const_lut_1x1_scalar");
    mk::mul_s8_broadcast<MulByC>(x.data(), &c, y.data());
    for (int i = 0; i < 256; ++i) CHECK(t[static_cast<size_t>(i)] == y[static_cast<size_t>(i)]);
  }
  {
    ByConstant a("Add", true);  // the constant first: the table keeps its position
    for (const char* p : {"in1_mult", "in1_shift", "in2_mult", "in2_shift", "out_mult", "out_shift", "left_shift"}) {
      INFO(p << " = " << a.ref(p));
      CHECK(a.ref(p) == (std::string(p) == "in1_mult"    ? AddCx::in1_mult
                         : std::string(p) == "in1_shift" ? AddCx::in1_shift
                         : std::string(p) == "in2_mult"  ? AddCx::in2_mult
                         : std::string(p) == "in2_shift" ? AddCx::in2_shift
                         : std::string(p) == "out_mult"  ? AddCx::out_mult
                         : std::string(p) == "out_shift" ? AddCx::out_shift
                                                         : AddCx::left_shift));
    }
    const std::vector<int64_t> t = a.table("add_s8_by_const_lut_1x1_scalar");
    mk::add_s8_broadcast<AddCx>(&c, x.data(), y.data());
    for (int i = 0; i < 256; ++i) CHECK(t[static_cast<size_t>(i)] == y[static_cast<size_t>(i)]);
  }
}
