// Pad (opset 11+), any element type: modes constant, reflect and edge; pads and constant_value are
// inputs and must be constants. Negative pads crop (constant and edge modes).
// Kernel: pad.h, which gathers every output element through per-axis tables of
// source indices computed here. An int8 input with quantization parameters
// passes through (kMovesBytesInt8Rule): the constant is padded as its int8 value.
#include <algorithm>
#include <cmath>

#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"

namespace mote::ops {

namespace {

struct Pads {
  std::string mode;
  std::vector<int64_t> begin, end;
  double value = 0;
};

Pads pads_of(const InferContext& ctx) {
  Pads p;
  p.mode = ctx.attr_string("mode", "constant");
  ctx.require(p.mode == "constant" || p.mode == "reflect" || p.mode == "edge", "mode '{}' is not supported", p.mode);
  const size_t r = static_cast<size_t>(ctx.rank(0));
  const std::vector<int64_t> pads = ctx.const_ints(1, "pads");
  ctx.require(pads.size() == 2 * r, "pads has {} entries, expected {}", pads.size(), 2 * r);
  p.begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(r));
  p.end.assign(pads.begin() + static_cast<std::ptrdiff_t>(r), pads.end());
  if (ctx.has_input(2) && p.mode == "constant") {
    const std::vector<double> v = ctx.const_doubles(2, "constant_value");
    ctx.require(v.size() == 1, "constant_value must be a scalar");
    p.value = v[0];
  }
  return p;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"mode"});
  ctx.require(ir::dtype_size(ctx.dtype(0)) > 0, "element type {} is not supported", ir::dtype_name(ctx.dtype(0)));
  const Pads p = pads_of(ctx);
  // The kernel parameter struct carries the constant as a float.
  ctx.require(static_cast<double>(static_cast<float>(p.value)) == p.value,
              "constant_value {} is not exactly representable as a float", p.value);
  const ir::Shape& x = ctx.shape(0);
  ir::Shape y = x;
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t b = p.begin[d], e = p.end[d];
    if (p.mode == "reflect") {
      // Reflection must stay inside the axis (no cropping, no repeated folding).
      ctx.require(b >= 0 && e >= 0, "negative pads are not supported in reflect mode");
      ctx.require((b == 0 && e == 0) || (b < x[d] && e < x[d]),
                  "reflect pads ({}, {}) must be smaller than the axis size {}", b, e, x[d]);
    }
    if (p.mode == "edge" && (b > 0 || e > 0)) ctx.require(x[d] > 0, "edge mode cannot pad an empty axis");
    y[d] = x[d] + b + e;
  }
  ctx.set_output(0, ctx.dtype(0), y);
}

// Input index read by output index o along one axis, or -1 for the constant.
int64_t source(const Pads& p, size_t d, int64_t n, int64_t o) {
  const int64_t i = o - p.begin[d];
  if (i >= 0 && i < n) return i;
  if (p.mode == "constant") return -1;
  if (p.mode == "edge") return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i;  // reflect, without repeating the edge
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  const char* ct = ir::dtype_ctype(x.dtype);
  if (y.elements() == 0 || x.shape.empty())
    return KernelCall{"common.h", "copy", {ct}, {{"count", y.elements()}}, {n.inputs[0]}, {n.outputs[0]}};
  const Pads p = pads_of(InferContext(g, n));
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  std::vector<int64_t> table_at, src;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    table_at.push_back(static_cast<int64_t>(src.size()));
    for (int64_t o = 0; o < y.shape[d]; ++o) {
      const int64_t i = source(p, d, x.shape[d], o);
      src.push_back(i < 0 ? -1 : i * strides[d]);
    }
  }
  double value = p.value;
  if (is_s8_quantized(x))  // the real constant on the tensor's int8 grid
    value = std::clamp(std::round(value / static_cast<double>(x.quant.scale[0])) + x.quant.zero_point[0], -128.0, 127.0);
  KernelCall k{"pad.h", "pad", {ct}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()}, {"rank", static_cast<int64_t>(y.shape.size())}, {"out_shape", y.shape},
              {"value", value},        {"table_at", table_at},                         {"src", src}};
  return k;
}

}  // namespace

extern const OpDef op_Pad = {"Pad", infer, nullptr, nullptr, lower, false, nullptr, &kMovesBytesInt8Rule};

}  // namespace mote::ops
