#include "compiler/ops/helpers.h"

#include <cmath>
#include <limits>

namespace mote::ops {

const ir::Tensor& in(const ir::Graph& g, const ir::Node& n, size_t i) { return g.tensor(n.inputs.at(i)); }
const ir::Tensor& out(const ir::Graph& g, const ir::Node& n, size_t i) { return g.tensor(n.outputs.at(i)); }
bool has_in(const ir::Node& n, size_t i) { return i < n.inputs.size() && n.inputs[i] != ir::kNoTensor; }

ir::TensorId add_or_reuse_constant(ir::Graph& g, ir::Tensor t) {
  const std::string base = t.name;
  for (int i = 2;; ++i) {
    const ir::TensorId existing = g.find_tensor(t.name);
    if (existing == ir::kNoTensor) break;
    const ir::Tensor& e = g.tensor(existing);
    if (e.data == t.data && e.dtype == t.dtype && e.shape == t.shape && e.quant.scale == t.quant.scale &&
        e.quant.zero_point == t.quant.zero_point)
      return existing;
    t.name = base + std::to_string(i);
  }
  return g.add_tensor(std::move(t));
}

bool broadcast_shapes(const ir::Shape& a, const ir::Shape& b, ir::Shape& out) {
  const size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    out[i] = da == 1 ? db : da;
  }
  return true;
}

std::vector<int64_t> row_major_strides(const ir::Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

std::vector<int64_t> broadcast_strides(const ir::Shape& in, const ir::Shape& out) {
  const std::vector<int64_t> own = row_major_strides(in);
  std::vector<int64_t> st(out.size(), 0);
  const size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : own[i];
  return st;
}

bool is_float_kernel_type(ir::DType t) { return t == ir::DType::kF32 || t == ir::DType::kF64; }

void require_float(const InferContext& ctx, size_t i, bool allow_f64) {
  const ir::DType t = ctx.dtype(i);
  const bool ok = t == ir::DType::kF32 || (allow_f64 && t == ir::DType::kF64);
  ctx.require(ok, "input {} has element type {}; this operator is implemented for float{} only", i,
              ir::dtype_name(t), allow_f64 ? " and double" : "");
}

Window spatial_window(const InferContext& ctx, const ir::Shape& in_sp, const std::vector<int64_t>& kernel,
                      bool ceil_mode) {
  const size_t r = in_sp.size();
  Window w;
  w.kernel = kernel;
  w.strides = ctx.attr_ints("strides", std::vector<int64_t>(r, 1));
  w.dilations = ctx.attr_ints("dilations", std::vector<int64_t>(r, 1));
  ctx.require(w.kernel.size() == r && w.strides.size() == r && w.dilations.size() == r,
              "kernel, strides and dilations must have one entry per spatial axis ({})", r);
  for (size_t i = 0; i < r; ++i)
    ctx.require(w.kernel[i] > 0 && w.strides[i] > 0 && w.dilations[i] > 0,
                "kernel sizes, strides and dilations must be positive");
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  w.pads_begin.assign(r, 0);
  w.pads_end.assign(r, 0);
  w.out.assign(r, 0);
  for (size_t i = 0; i < r; ++i) {
    const int64_t eff = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (in_sp[i] + w.strides[i] - 1) / w.strides[i];
      const int64_t total = std::max<int64_t>(0, (o - 1) * w.strides[i] + eff - in_sp[i]);
      const int64_t small = total / 2, big = total - small;
      w.pads_begin[i] = auto_pad == "SAME_UPPER" ? small : big;
      w.pads_end[i] = auto_pad == "SAME_UPPER" ? big : small;
    } else if (auto_pad == "VALID" || auto_pad == "NOTSET") {
      if (auto_pad == "NOTSET") {
        const std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
        ctx.require(pads.size() == 2 * r, "pads must have {} entries", 2 * r);
        w.pads_begin[i] = pads[i];
        w.pads_end[i] = pads[i + r];
        ctx.require(pads[i] >= 0 && pads[i + r] >= 0, "negative pads are not supported");
      }
    } else {
      ctx.refuse("auto_pad '{}' is not supported", auto_pad);
    }
    const int64_t span = in_sp[i] + w.pads_begin[i] + w.pads_end[i] - eff;
    ctx.require(span >= 0, "the window ({}) is larger than the padded input ({}) along spatial axis {}", eff,
                in_sp[i] + w.pads_begin[i] + w.pads_end[i], i);
    int64_t o = ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] + 1 : span / w.strides[i] + 1;
    // A ceil_mode window must start inside the input or its left padding.
    if (ceil_mode && (o - 1) * w.strides[i] >= in_sp[i] + w.pads_begin[i]) --o;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") o = (in_sp[i] + w.strides[i] - 1) / w.strides[i];
    w.out[i] = o;
  }
  return w;
}

void add_window_params(std::vector<Param>& p, const Window& w, const ir::Shape& in_sp) {
  const bool one_d = in_sp.size() == 1;
  auto at = [&](const std::vector<int64_t>& v, size_t i2d, int64_t dflt) {
    if (one_d) return i2d == 0 ? dflt : v[0];
    return v[i2d];
  };
  p.push_back({"H", at(in_sp, 0, 1)});
  p.push_back({"W", at(in_sp, 1, 1)});
  p.push_back({"OH", at(w.out, 0, 1)});
  p.push_back({"OW", at(w.out, 1, 1)});
  p.push_back({"KH", at(w.kernel, 0, 1)});
  p.push_back({"KW", at(w.kernel, 1, 1)});
  p.push_back({"SH", at(w.strides, 0, 1)});
  p.push_back({"SW", at(w.strides, 1, 1)});
  p.push_back({"DH", at(w.dilations, 0, 1)});
  p.push_back({"DW", at(w.dilations, 1, 1)});
  p.push_back({"PT", at(w.pads_begin, 0, 0)});
  p.push_back({"PL", at(w.pads_begin, 1, 0)});
  p.push_back({"PB", at(w.pads_end, 0, 0)});
  p.push_back({"PR", at(w.pads_end, 1, 0)});
}

void add_activation(std::vector<Param>& p, const InferContext& ctx) {
  const double inf = std::numeric_limits<double>::infinity();
  p.push_back({"act_lo", ctx.attr_float("mote_act_min", -inf)});
  p.push_back({"act_hi", ctx.attr_float("mote_act_max", inf)});
}

bool matmul_shapes(const ir::Shape& a0, const ir::Shape& b0, MatMulShapes& s) {
  s.a = a0.size() == 1 ? ir::Shape{1, a0[0]} : a0;
  s.b = b0.size() == 1 ? ir::Shape{b0[0], 1} : b0;
  if (s.a.size() < 2 || s.b.size() < 2) return false;
  s.m = s.a[s.a.size() - 2];
  s.k = s.a.back();
  s.n = s.b.back();
  if (s.b[s.b.size() - 2] != s.k) return false;
  if (!broadcast_shapes(ir::Shape(s.a.begin(), s.a.end() - 2), ir::Shape(s.b.begin(), s.b.end() - 2), s.batch))
    return false;
  s.y = s.batch;
  if (a0.size() != 1) s.y.push_back(s.m);
  if (b0.size() != 1) s.y.push_back(s.n);
  return true;
}

ir::DType dtype_from_onnx_code(int64_t code) {
  switch (code) {
    case 1: return ir::DType::kF32;
    case 2: return ir::DType::kU8;
    case 3: return ir::DType::kI8;
    case 4: return ir::DType::kU16;
    case 5: return ir::DType::kI16;
    case 6: return ir::DType::kI32;
    case 7: return ir::DType::kI64;
    case 9: return ir::DType::kBool;
    case 11: return ir::DType::kF64;
    case 12: return ir::DType::kU32;
    case 13: return ir::DType::kU64;
    default: return ir::DType::kUnknown;
  }
}

const Param::Value& param(const std::vector<Param>& params, const std::string& name) {
  for (const Param& p : params)
    if (p.name == name) return p.value;
  throw support::InternalError("no kernel parameter '" + name + "'");
}

}  // namespace mote::ops
