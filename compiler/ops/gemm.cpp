// Gemm and MatMul. Kernels: gemm.h; fully_connected_s8.h for the int8 form of
// Gemm that pass quantize-int8 writes (int8 A, constant int8 B with transB = 1,
// int32 C, quantization parameters on the tensors), and its int16 form (--int16);
// fully_connected_fast_s8.h for int8 layers whose zero-point fold is exact.
#include "compiler/ir/tensor_data.h"
#include "compiler/ops/int8_layer.h"
#include "compiler/ops/quant_common.h"
#include "compiler/ops/s8_kernels.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

void gemm_s8_infer(InferContext& ctx) {
  ctx.require(ctx.attr_int("transA", 0) == 0 && ctx.attr_int("transB", 0) == 1, "int8 form: needs transA = 0, transB = 1");
  ctx.require(ctx.attr_float("alpha", 1.0) == 1.0 && ctx.attr_float("beta", 1.0) == 1.0, "int8 form: needs alpha = beta = 1");
  const ir::Shape& a = ctx.shape(0);
  const ir::Shape& b = ctx.shape(1);
  ctx.require(a.size() == 2 && b.size() == 2 && a[1] == b[1], "int8 form: A (M, K) and B (N, K) expected, got {} and {}",
              ir::shape_str(a), ir::shape_str(b));
  require_s8_layer(ctx, b[0]);
  ctx.set_output(0, ctx.dtype(0), {a[0], b[0]});
}

void gemm_infer(InferContext& ctx) {
  ctx.allow_attrs({"alpha", "beta", "transA", "transB", "mote_act_min", "mote_act_max"});
  if (ctx.dtype(0) == ir::DType::kI8 || ctx.dtype(0) == ir::DType::kI16) return gemm_s8_infer(ctx);
  require_float(ctx, 0);
  const ir::Shape& a = ctx.shape(0);
  const ir::Shape& b = ctx.shape(1);
  ctx.require(a.size() == 2 && b.size() == 2, "A and B must be matrices");
  ctx.require(ctx.dtype(1) == ctx.dtype(0), "A and B element types differ");
  const bool ta = ctx.attr_int("transA", 0) != 0, tb = ctx.attr_int("transB", 0) != 0;
  const int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
  const int64_t kb = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
  ctx.require(k == kb, "inner dimensions differ ({} and {})", k, kb);
  if (ctx.has_input(2)) {
    ir::Shape bc;
    ctx.require(broadcast_shapes(ctx.shape(2), {m, nn}, bc) && bc == ir::Shape{m, nn},
                "C of shape {} does not broadcast to {}x{}", ir::shape_str(ctx.shape(2)), m, nn);
  }
  ctx.set_output(0, ctx.dtype(0), {m, nn});
}

Cost gemm_cost(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& a = in(g, n, 0).shape;
  InferContext ctx(g, n);
  const int64_t k = ctx.attr_int("transA", 0) ? a[0] : a[1];
  return {out(g, n, 0).elements() * k};
}

bool is_s8(const ir::Graph& g, const ir::Node& n) { return in(g, n, 0).dtype == ir::DType::kI8; }
bool is_s16(const ir::Graph& g, const ir::Node& n) { return in(g, n, 0).dtype == ir::DType::kI16; }

KernelCall gemm_s8_ref(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& a = in(g, n, 0).shape;
  const ir::Shape& b = in(g, n, 1).shape;
  const bool s16 = is_s16(g, n);
  KernelCall k{"fully_connected_s8.h", s16 ? "fully_connected_s16_baked" : "fully_connected_s8_baked", {}, {}, {}, {}};
  k.params = {{"M", a[0]}, {"K", a[1]}, {"N", b[0]}, {"has_bias", int64_t{has_in(n, 2)}}};
  add_s8_layer_params(k.params, g, n);
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  k.outputs = {n.outputs[0]};
  return k;
}

KernelCall gemm_f32_ref(const ir::Graph& g, const ir::Node& n) {
  InferContext ctx(g, n);
  const ir::Shape& a = in(g, n, 0).shape;
  const ir::Shape& y = out(g, n, 0).shape;
  const bool ta = ctx.attr_int("transA", 0) != 0;
  KernelCall k{"gemm.h", "gemm", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  int64_t c_row = 0, c_col = 0;
  if (has_in(n, 2)) {
    const auto st = broadcast_strides(in(g, n, 2).shape, y);
    c_row = st[0];
    c_col = st[1];
  }
  k.params = {{"M", y[0]},
              {"N", y[1]},
              {"K", ta ? a[0] : a[1]},
              {"trans_a", int64_t{ta}},
              {"trans_b", int64_t{ctx.attr_int("transB", 0) != 0}},
              {"alpha", ctx.attr_float("alpha", 1.0)},
              {"beta", ctx.attr_float("beta", 1.0)},
              {"has_c", int64_t{has_in(n, 2)}},
              {"c_row_stride", c_row},
              {"c_col_stride", c_col}};
  add_activation(k.params, ctx);
  k.inputs = {n.inputs[0], n.inputs[1], has_in(n, 2) ? n.inputs[2] : ir::kNoTensor};
  k.outputs = {n.outputs[0]};
  return k;
}

std::string applies_s8_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8(g, n) || is_s16(g, n) ? "" : "not an int8 or int16 layer";
}
std::string applies_float_ref(const ir::Graph& g, const ir::Node& n) {
  return is_s8(g, n) || is_s16(g, n) ? "not a float layer" : "";
}
KernelCall make_s8_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return gemm_s8_ref(g, n); }
KernelCall make_f32_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return gemm_f32_ref(g, n); }

std::string applies_fc_s8_folded(const ir::Graph& g, const ir::Node& n) {
  if (!is_s8(g, n)) return "not an int8 layer";
  if (!s8_folded_bias(g, n)) return "the zero-point fold could overflow int32";
  return "";
}

KernelCall make_fc_s8_scalar(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = gemm_s8_ref(g, n);
  k.file = "fully_connected_fast_s8.h";
  k.kernel = "fully_connected_s8_fast_baked";
  k.params.push_back({"fbias", *s8_folded_bias(g, n)});
  k.inputs = {n.inputs[0], n.inputs[1]};  // the bias is in fbias
  return k;
}

// The DSP form (conv_s8_dsp.h): weight rows padded to 4, the input row unpacked
// to 16-bit pairs in scratch, the fast requantization where it is exact.
KernelCall make_fc_s8(ir::Graph& g, const ir::Node& n, int64_t width, const char* file, const char* kernel,
                      const char* padded_name, int64_t scratch_per_k) {
  KernelCall k = gemm_s8_ref(g, n);
  const int64_t nn = in(g, n, 1).shape[0], kk = in(g, n, 1).shape[1], k4 = round_up(kk, width);
  const std::vector<int64_t> fbias = *s8_folded_bias(g, n);
  const int64_t bound = s8_accumulator_bound(ir::data_as_int(in(g, n, 1)), nn, kk, fbias);
  const auto mult = std::get<std::vector<int64_t>>(param(k.params, "mult"));
  const auto shift = std::get<std::vector<int64_t>>(param(k.params, "shift"));
  k.params.push_back({"fbias", fbias});
  k.params.push_back({padded_name, k4});
  add_fast_requant(k.params, mult, shift, nn, bound);
  k.file = file;
  k.kernel = kernel;
  k.inputs = {n.inputs[0], padded_rows(g, n.inputs[1], nn, kk, k4, fmt::format("k{}", width))};
  k.scratch_bytes = scratch_per_k * k4;
  return k;
}

KernelCall make_fc_s8_dsp(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_fc_s8(g, n, 4, "conv_s8_dsp.h", "fc_s8_1x4_dsp", "K4", 2);  // the row as 16-bit pairs
}

KernelCall make_fc_s8_mve(ir::Graph& g, const ir::Node& n, const target::Target&) {
  return make_fc_s8(g, n, 16, "conv_s8_mve.h", "fc_s8_1x4_mve", "K16", 1);  // the row, padded
}

// Float fully connected (fc_f32_1x4_fpu): A not transposed, alpha = beta = 1,
// B constant (re-laid as N rows of K when it is not transposed already).
std::string applies_fc_f32_fpu(const ir::Graph& g, const ir::Node& n) {
  if (in(g, n, 0).dtype != ir::DType::kF32) return "not a float32 layer";
  InferContext ctx(g, n);
  if (ctx.attr_int("transA", 0) != 0) return "A is transposed";
  if (ctx.attr_float("alpha", 1.0) != 1.0 || ctx.attr_float("beta", 1.0) != 1.0) return "alpha or beta is not 1";
  if (!in(g, n, 1).is_constant()) return "B is not constant";
  return "";
}

KernelCall make_fc_f32_fpu(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = gemm_f32_ref(g, n);
  k.file = "conv_f32_fpu.h";
  k.kernel = "fc_f32_1x4_fpu";
  k.type_args.clear();
  if (InferContext(g, n).attr_int("transB", 0) == 0) {
    // B is K x N: its transpose, N rows of K, as a constant of its own.
    const ir::Tensor& b = in(g, n, 1);
    const int64_t kk = b.shape[0], nn = b.shape[1];
    const std::vector<double> v = ir::data_as_double(b);
    std::vector<double> t(v.size());
    for (int64_t i = 0; i < kk; ++i)
      for (int64_t j = 0; j < nn; ++j) t[static_cast<size_t>(j * kk + i)] = v[static_cast<size_t>(i * nn + j)];
    ir::Tensor bt;
    bt.name = b.name + "_transposed";
    for (int i = 2; g.find_tensor(bt.name) != ir::kNoTensor; ++i) bt.name = b.name + "_transposed" + std::to_string(i);
    bt.dtype = ir::DType::kF32;
    bt.shape = {nn, kk};
    bt.shape_known = true;
    bt.data = ir::encode_double(ir::DType::kF32, t);
    k.inputs[1] = g.add_tensor(std::move(bt));
  }
  return k;
}

const std::vector<Variant>& gemm_variants() {
  static const std::vector<Variant> v = {
      {"fc_s8_1x4_mve", kFeatureMve, applies_fc_s8_folded, make_fc_s8_mve},
      {"fc_s8_1x4_dsp", kFeatureDsp, applies_fc_s8_folded, make_fc_s8_dsp},
      {"fc_s8_1x4_scalar", 0, applies_fc_s8_folded, make_fc_s8_scalar},
      {"fc_s8_ref", 0, applies_s8_ref, make_s8_ref, /*reference=*/true},
      {"fc_f32_1x4_fpu", kFeatureFpu, applies_fc_f32_fpu, make_fc_f32_fpu},
      {"gemm_f32_ref", 0, applies_float_ref, make_f32_ref, /*reference=*/true},
  };
  return v;
}

// A MatMul's int8 form (quantize-int8, two activations: a MatMul by constant
// weights becomes an int8 Gemm): A, B and the output int8 per tensor.
bool s8_matmul(const ir::Graph& g, const ir::Node& n) {
  return n.inputs.size() == 2 && is_s8_quantized(in(g, n, 0)) && is_s8_quantized(in(g, n, 1));
}

void matmul_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  const bool s8 = s8_matmul(ctx.graph(), ctx.node());
  if (!s8) require_float(ctx, 0);
  ctx.require(ctx.dtype(1) == ctx.dtype(0), "A and B element types differ");
  MatMulShapes s;
  ctx.require(ctx.rank(0) >= 1 && ctx.rank(1) >= 1 && matmul_shapes(ctx.shape(0), ctx.shape(1), s),
              "shapes {} and {} cannot be multiplied", ir::shape_str(ctx.shape(0)), ir::shape_str(ctx.shape(1)));
  if (!s8) return ctx.set_output(0, ctx.dtype(0), s.y);
  ctx.require(s.k <= kMaxInt8ActivationTaps, "int8 form: {} products per output overflow the int32 sum", s.k);
  set_s8_output(ctx, s.y);
}

Cost matmul_cost(const ir::Graph& g, const ir::Node& n) {
  MatMulShapes s;
  matmul_shapes(in(g, n, 0).shape, in(g, n, 1).shape, s);
  return {ir::shape_elements(s.batch) * s.m * s.n * s.k};
}

KernelCall matmul_call(const ir::Graph& g, const ir::Node& n) {
  MatMulShapes s;
  matmul_shapes(in(g, n, 0).shape, in(g, n, 1).shape, s);
  const ir::Shape ab(s.a.begin(), s.a.end() - 2), bb(s.b.begin(), s.b.end() - 2);
  const auto sa = broadcast_strides(ab, s.batch), sb = broadcast_strides(bb, s.batch);
  const int64_t batch = ir::shape_elements(s.batch);
  std::vector<int64_t> a_off, b_off;
  const auto bst = row_major_strides(s.batch);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d < s.batch.size(); ++d) {
      const int64_t idx = (i / bst[d]) % s.batch[d];
      oa += idx * sa[d];
      ob += idx * sb[d];
    }
    a_off.push_back(oa * s.m * s.k);
    b_off.push_back(ob * s.k * s.n);
  }
  KernelCall k{"gemm.h", "matmul", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  k.params = {{"batch", batch}, {"M", s.m}, {"N", s.n}, {"K", s.k}, {"a_offsets", a_off}, {"b_offsets", b_off}};
  k.inputs = {n.inputs[0], n.inputs[1]};
  k.outputs = {n.outputs[0]};
  if (!s8_matmul(g, n)) return k;
  const ir::QuantParams &qa = in(g, n, 0).quant, &qb = in(g, n, 1).quant, &qy = out(g, n, 0).quant;
  std::string err;
  const auto m = quant::quantize_multiplier(
      static_cast<double>(qa.scale[0]) * static_cast<double>(qb.scale[0]) / static_cast<double>(qy.scale[0]), &err);
  if (!m) throw support::Refusal(fmt::format("int8 MatMul rescaling: {}", err));
  k.file = "matmul_s8.h";
  k.kernel = "matmul_s8";
  k.type_args.clear();
  k.params.push_back({"in1_zp", int64_t{qa.zero_point[0]}});
  k.params.push_back({"in2_zp", int64_t{qb.zero_point[0]}});
  k.params.push_back({"out_zp", int64_t{qy.zero_point[0]}});
  k.params.push_back({"mult", int64_t{m->multiplier}});
  k.params.push_back({"shift", int64_t{m->shift}});
  return k;
}

// The raw-byte form with B transposed into scratch (matmul_s8.h's matmul_s8_bt):
// its partial sums stay within int32 up to this depth.
constexpr int64_t kMaxRawProductTaps = 16384;

std::string applies_matmul_s8_bt(const ir::Graph& g, const ir::Node& n) {
  if (!s8_matmul(g, n)) return "not the int8 form";
  MatMulShapes s;
  matmul_shapes(in(g, n, 0).shape, in(g, n, 1).shape, s);
  if (s.k > kMaxRawProductTaps) return fmt::format("K = {} > {}: raw sums could leave int32", s.k, kMaxRawProductTaps);
  return "";
}
KernelCall make_matmul_s8_bt(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = matmul_call(g, n);
  MatMulShapes s;
  matmul_shapes(in(g, n, 0).shape, in(g, n, 1).shape, s);
  k.kernel = "matmul_s8_bt";
  k.scratch_bytes = ((s.n * s.k + 3) & ~int64_t{3}) + 4 * s.n;  // B^T, then its column sums
  // requant.h's per-channel form with one channel, fast where the sum's bound
  // (255 * 255 per product) allows.
  const int64_t mult = std::get<int64_t>(param(k.params, "mult")), shift = std::get<int64_t>(param(k.params, "shift"));
  std::vector<Param> p;
  for (Param& q : k.params)
    if (q.name != "mult" && q.name != "shift") p.push_back(std::move(q));
  p.push_back({"act_min", int64_t{-128}});
  p.push_back({"act_max", int64_t{127}});
  p.push_back({"per_channel", int64_t{0}});
  p.push_back({"mult", std::vector<int64_t>{mult}});
  p.push_back({"shift", std::vector<int64_t>{shift}});
  add_fast_requant(p, {mult}, {shift}, 1, s.k * 255 * 255);
  k.params = std::move(p);
  return k;
}
KernelCall make_matmul_s8_bt_dsp(ir::Graph& g, const ir::Node& n, const target::Target& t) {
  KernelCall k = make_matmul_s8_bt(g, n, t);
  k.file = "matmul_s8_dsp.h";
  k.kernel = "matmul_s8_bt_dsp";
  return k;
}
std::string applies_matmul_s8(const ir::Graph& g, const ir::Node& n) { return s8_matmul(g, n) ? "" : "not the int8 form"; }
std::string applies_matmul_float(const ir::Graph& g, const ir::Node& n) { return s8_matmul(g, n) ? "the int8 form" : ""; }
KernelCall make_matmul(ir::Graph& g, const ir::Node& n, const target::Target&) { return matmul_call(g, n); }

const std::vector<Variant>& matmul_variants() {
  static const std::vector<Variant> v = {
      {"matmul_s8_bt_4x1_dsp", kFeatureDsp, applies_matmul_s8_bt, make_matmul_s8_bt_dsp},
      {"matmul_s8_bt_1x1_scalar", 0, applies_matmul_s8_bt, make_matmul_s8_bt},
      {"matmul_s8_ref", 0, applies_matmul_s8, make_matmul, /*reference=*/true},
      {"matmul_ref", 0, applies_matmul_float, make_matmul, /*reference=*/true},
  };
  return v;
}

// --- int8: TFLite's int8 (and 16x8) fully connected layer ---
std::string gemm_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (std::string why = layer_constants_form(g, n); !why.empty()) return why;
  const ir::Shape& a = g.tensor(n.inputs[0]).shape;
  const ir::Shape& b = g.tensor(n.inputs[1]).shape;
  if (a.size() != 2 || b.size() != 2) return "its A or B is not 2-D";
  if (ir::attr_int(n.attrs, "transA", 0) != 0 || ir::attr_float(n.attrs, "alpha", 1) != 1)
    return "a Gemm with transA or alpha other than 1 has no int8 form";
  const bool tb = ir::attr_int(n.attrs, "transB", 0) != 0;
  const int64_t nn = tb ? b[0] : b[1], k = tb ? b[1] : b[0];
  if (k > kMaxInt8Taps) return too_deep_for_int8(k);
  if (n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor) {
    const ir::Tensor& c = g.tensor(n.inputs[2]);
    // C must be one value per output unit ([N] or [1, N]), not a full matrix.
    if (ir::attr_float(n.attrs, "beta", 1) != 1 || c.elements() != nn || c.shape.back() != nn)
      return "its C is not one value per output unit with beta = 1";
  }
  return "";
}

// A MatMul whose B is computed at run time: two int8 activations (attention).
bool by_activation(const ir::Graph& g, const ir::Node& n) {
  return n.inputs.size() == 2 && n.inputs[1] != ir::kNoTensor && !g.tensor(n.inputs[1]).is_constant();
}

// A 2-D input by a constant matrix: it becomes an int8 Gemm. Two activations: the
// int8 MatMul (matmul_s8.h), any batch dimensions.
std::string matmul_int8_form(const ir::Graph& g, const ir::Node& n) {
  if (by_activation(g, n)) {
    if (n.outputs.size() != 1) return "it has not one output";
    MatMulShapes s;
    if (!matmul_shapes(in(g, n, 0).shape, in(g, n, 1).shape, s)) return "its shapes cannot be multiplied";
    if (s.k > kMaxInt8ActivationTaps)
      return fmt::format("each output sums {} products of two activations, more than the int32 sum takes ({})", s.k,
                         kMaxInt8ActivationTaps);
    return "";
  }
  if (std::string why = layer_constants_form(g, n); !why.empty()) return why;
  const ir::Shape& a = g.tensor(n.inputs[0]).shape;
  const ir::Shape& b = g.tensor(n.inputs[1]).shape;
  if (a.size() != 2 || b.size() != 2) return "a batched MatMul has no int8 form yet (int8 takes 2-D by a constant)";
  if (b[0] > kMaxInt8Taps) return too_deep_for_int8(b[0]);
  return "";
}

const Int8Rule gemm_int8 = {gemm_int8_form, 1, /*quantizes_inputs=*/true, nullptr, nullptr, layer_int8_constants,
                            /*int16=*/true};
int matmul_activations(const ir::Graph& g, const ir::Node& n) { return by_activation(g, n) ? 2 : 1; }
bool matmul_int8_constants(ir::Graph& g, ir::Node& n, float in_scale, bool int16, Int8Constants& c) {
  if (by_activation(g, n)) return true;  // nothing constant to rewrite
  return layer_int8_constants(g, n, in_scale, int16, c);
}
const Int8Rule matmul_int8 = {matmul_int8_form, 1,       /*quantizes_inputs=*/true, nullptr, nullptr,
                              matmul_int8_constants, /*int16=*/true, matmul_activations};

}  // namespace

extern const OpDef op_Gemm = {"Gemm", gemm_infer, nullptr, gemm_cost, nullptr, false, gemm_variants, &gemm_int8,
                              nullptr, takes_any_clamp};
extern const OpDef op_MatMul = {"MatMul", matmul_infer, nullptr, matmul_cost, nullptr, false, matmul_variants,
                                &matmul_int8};

}  // namespace mote::ops
