// MaxPool, AveragePool (1-D and 2-D), GlobalAveragePool, GlobalMaxPool. Kernels: pool.h;
// pool_s8.h for the int8 form pass quantize-int8 writes (int8 input and output
// with the same per-tensor scale and zero point).
#include "compiler/ops/quant_common.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

bool s8_form(const ir::Graph& g, const ir::Node& n) { return is_s8_quantized(in(g, n, 0)); }

bool same_params(const ir::Graph& g, const ir::Node& n) {
  const ir::QuantParams &x = in(g, n, 0).quant, &y = out(g, n, 0).quant;
  return y.scale == x.scale && y.zero_point == x.zero_point;
}

// The int8 form: int8 output with one scale and zero point; only an average
// whose every window holds the same count (`uniform`) may requantize to other
// parameters than the input's.
void require_float_or_s8(InferContext& ctx, bool avg, bool uniform) {
  if (!s8_form(ctx.graph(), ctx.node())) return require_float(ctx, 0);
  const ir::Node& n = ctx.node();
  ctx.require(!n.outputs.empty() && n.outputs[0] != ir::kNoTensor &&
                  is_s8_quantized(ctx.graph().tensor(n.outputs[0])),
              "int8 form: the output needs one scale and zero point");
  const int32_t xz = ctx.input(0).quant.zero_point[0], yz = out(ctx.graph(), n, 0).quant.zero_point[0];
  ctx.require(xz >= -128 && xz <= 127 && yz >= -128 && yz <= 127, "int8 form: zero point out of int8 range");
  if (!same_params(ctx.graph(), n))
    ctx.require(avg && uniform,
                "int8 form: the output must have the input's scale and zero point (max, or windows of unequal count)");
}

// Every window of an average pool holds the same count: KH*KW taps, none cut.
bool uniform_windows(const Window& w, const ir::Shape& in_sp, bool include_pad) {
  for (size_t i = 0; i < in_sp.size(); ++i) {
    const int64_t pb = w.pads_begin[i], pe = w.pads_end[i];
    if (!include_pad && (pb != 0 || pe != 0)) return false;
    if (w.out[i] > 0 && (w.out[i] - 1) * w.strides[i] + w.kernel[i] > in_sp[i] + pb + pe) return false;
  }
  return true;
}

// (mult, shift) of in_scale / (count * out_scale), and the requant flag.
void add_avg_s8_params(std::vector<Param>& p, const ir::Graph& g, const ir::Node& n, int64_t count) {
  const ir::QuantParams &x = in(g, n, 0).quant, &y = out(g, n, 0).quant;
  const bool requant = !same_params(g, n);
  quant::FixedPointMultiplier m;
  if (requant) {
    std::string err;
    const auto q = quant::quantize_multiplier(
        static_cast<double>(x.scale[0]) / (static_cast<double>(count) * static_cast<double>(y.scale[0])), &err);
    if (!q) throw support::Refusal(fmt::format("int8 average pool requantization: {}", err));
    m = *q;
  }
  p.push_back({"in_zp", int64_t{x.zero_point[0]}});
  p.push_back({"out_zp", int64_t{y.zero_point[0]}});
  p.push_back({"requant", int64_t{requant}});
  p.push_back({"mult", int64_t{m.multiplier}});
  p.push_back({"shift", int64_t{m.shift}});
}

void check_input(InferContext& ctx) {
  ctx.require(ctx.rank(0) == 3 || ctx.rank(0) == 4, "only 1-D and 2-D pooling is supported (input rank {})",
              ctx.rank(0));
}

Window pool_window(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const ir::Shape sp(x.begin() + 2, x.end());
  const std::vector<int64_t> kernel = ctx.attr_ints("kernel_shape");
  ctx.require(kernel.size() == sp.size(), "kernel_shape must have {} entries", sp.size());
  return spatial_window(ctx, sp, kernel, ctx.attr_int("ceil_mode", 0) != 0);
}

void set_pool_output(InferContext& ctx, const Window& w) {
  const ir::Shape& x = ctx.shape(0);
  ir::Shape y{x[0], x[1]};
  y.insert(y.end(), w.out.begin(), w.out.end());
  ctx.set_output(0, ctx.dtype(0), y);
}

void max_infer(InferContext& ctx) {
  ctx.allow_attrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  require_float_or_s8(ctx, false, false);
  check_input(ctx);
  ctx.require(ctx.num_outputs() < 2 || ctx.node().outputs[1] == ir::kNoTensor, "the Indices output is not supported");
  set_pool_output(ctx, pool_window(ctx));
}

void avg_infer(InferContext& ctx) {
  ctx.allow_attrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  check_input(ctx);
  const Window w = pool_window(ctx);
  const ir::Shape& x = ctx.shape(0);
  require_float_or_s8(ctx, true, uniform_windows(w, ir::Shape(x.begin() + 2, x.end()), ctx.attr_int("count_include_pad", 0) != 0));
  set_pool_output(ctx, w);
}

KernelCall pool_call(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  if (!s8_form(g, n))
    return {"pool.h", kernel, {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  return {"pool_s8.h", std::string(kernel) + "_s8", {}, {}, {n.inputs[0]}, {n.outputs[0]}};
}

KernelCall pool_lower(const ir::Graph& g, const ir::Node& n, const char* kernel, bool avg) {
  InferContext ctx(g, n);
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k = pool_call(g, n, kernel);
  k.params = {{"N", x[0]}, {"C", x[1]}};
  add_window_params(k.params, pool_window(ctx), ir::Shape(x.begin() + 2, x.end()));
  if (avg) k.params.push_back({"count_include_pad", ctx.attr_int("count_include_pad", 0)});
  if (avg && s8_form(g, n)) {
    const Window w = pool_window(ctx);
    add_avg_s8_params(k.params, g, n, ir::shape_elements(ir::Shape(w.kernel.begin(), w.kernel.end())));
  }
  return k;
}

KernelCall max_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return pool_lower(g, n, "max_pool2d", false);
}

void global_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  require_float_or_s8(ctx, ctx.node().op == "GlobalAveragePool", true);
  ctx.require(ctx.rank(0) >= 3, "input must have at least one spatial axis");
  ir::Shape y = ctx.shape(0);
  for (size_t i = 2; i < y.size(); ++i) y[i] = 1;
  ctx.set_output(0, ctx.dtype(0), y);
}

KernelCall global_lower(const ir::Graph& g, const ir::Node& n, const char* kernel) {
  const ir::Shape& x = in(g, n, 0).shape;
  KernelCall k = pool_call(g, n, kernel);
  k.params = {{"NC", x[0] * x[1]}, {"spatial", ir::shape_elements(ir::Shape(x.begin() + 2, x.end()))}};
  if (s8_form(g, n) && n.op == "GlobalAveragePool")
    add_avg_s8_params(k.params, g, n, ir::shape_elements(ir::Shape(x.begin() + 2, x.end())));
  return k;
}
KernelCall gmp_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return global_lower(g, n, "global_max_pool");
}

// Int8 averages whose windows all lie inside the input (pool_s8_fast.h): the sum
// of raw bytes, minus count * zero point.
std::string applies_avg_s8_inside(const ir::Graph& g, const ir::Node& n) {
  if (!s8_form(g, n)) return "not the int8 form";
  if (n.op == "GlobalAveragePool") return "";
  InferContext ctx(g, n);
  const Window w = pool_window(ctx);
  const ir::Shape& x = in(g, n, 0).shape;
  for (size_t d = 0; d < w.kernel.size(); ++d) {
    if (w.pads_begin[d] != 0) return "it pads the input";
    if ((w.out[d] - 1) * w.strides[d] + w.kernel[d] > x[2 + d]) return "a window leaves the input";
    if (w.dilations[d] != 1) return "it is dilated";
  }
  return "";
}
std::string applies_s8_pool(const ir::Graph& g, const ir::Node& n) { return s8_form(g, n) ? "" : "not the int8 form"; }
std::string applies_float_pool(const ir::Graph& g, const ir::Node& n) { return s8_form(g, n) ? "the int8 form" : ""; }

KernelCall avg_ref(const ir::Graph& g, const ir::Node& n) {
  return n.op == "GlobalAveragePool" ? global_lower(g, n, "global_avg_pool") : pool_lower(g, n, "avg_pool2d", true);
}
template <const char* File, const char* Suffix>
KernelCall make_avg_fast(ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k = avg_ref(g, n);
  k.file = File;
  k.kernel += Suffix;
  return k;
}
KernelCall make_avg_ref(ir::Graph& g, const ir::Node& n, const target::Target&) { return avg_ref(g, n); }

constexpr char kScalarFile[] = "pool_s8_fast.h", kScalar[] = "_scalar";
constexpr char kDspFile[] = "pool_s8_dsp.h", kDsp[] = "_dsp";
constexpr char kMveFile[] = "pool_s8_mve.h", kMve[] = "_mve";

const std::vector<Variant>& avg_variants() {
  static const std::vector<Variant> v = {
      {"avgpool_s8_16x1_mve", kFeatureMve, applies_avg_s8_inside, make_avg_fast<kMveFile, kMve>},
      {"avgpool_s8_4x1_dsp", kFeatureDsp, applies_avg_s8_inside, make_avg_fast<kDspFile, kDsp>},
      {"avgpool_s8_1x1_scalar", 0, applies_avg_s8_inside, make_avg_fast<kScalarFile, kScalar>},
      {"avgpool_s8_ref", 0, applies_s8_pool, make_avg_ref, /*reference=*/true},
      {"avgpool_f32_ref", 0, applies_float_pool, make_avg_ref, /*reference=*/true},
  };
  return v;
}

// --- int8: pooling an int8 tensor keeps it int8 with the input's parameters (max:
// exact; average: the rounded integer mean, as TFLite) ---

// Every window of this AveragePool holds the same count (no ceil_mode, no
// auto_pad other than VALID, no padding unless it counts): its int8 form may
// requantize to another output scale than its input's.
bool uniform_windows(const ir::Node& n) {
  if (ir::attr_int(n.attrs, "ceil_mode", 0) != 0) return false;
  if (n.attrs.count("auto_pad")) {
    const std::string* s = ir::attr_string(n.attrs, "auto_pad");
    if (!s || (*s != "NOTSET" && *s != "VALID")) return false;
  }
  if (ir::attr_int(n.attrs, "count_include_pad", 0) != 0) return true;
  if (const auto it = n.attrs.find("pads"); it != n.attrs.end()) {
    const auto* p = std::get_if<std::vector<int64_t>>(&it->second);
    if (!p) return false;
    for (int64_t v : *p)
      if (v != 0) return false;
  }
  return true;
}
bool whole_plane(const ir::Node&) { return true; }

const Int8Rule max_int8 = {single_output_form, 1, false, keep_input_params};
const Int8Rule avg_int8 = {single_output_form, 1, false, keep_input_params, uniform_windows};
const Int8Rule global_avg_int8 = {single_output_form, 1, false, keep_input_params, whole_plane};

}  // namespace

extern const OpDef op_MaxPool = {"MaxPool", max_infer, nullptr, nullptr, max_lower, false, nullptr, &max_int8};
extern const OpDef op_AveragePool = {"AveragePool", avg_infer, nullptr, nullptr, nullptr, false, avg_variants,
                                     &avg_int8};
extern const OpDef op_GlobalAveragePool = {"GlobalAveragePool", global_infer, nullptr, nullptr, nullptr, false,
                                           avg_variants, &global_avg_int8};
extern const OpDef op_GlobalMaxPool = {"GlobalMaxPool", global_infer, nullptr, nullptr, gmp_lower, false, nullptr,
                                       &max_int8};

}  // namespace mote::ops
