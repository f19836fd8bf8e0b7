// Operators whose result is known at compile time because shapes are static:
// Shape (with opset 15's start/end), Size, EyeLike (depends only on the input's
// shape), and ConstantOfShape and Range once their inputs are constants. Each
// always folds into a constant tensor, so none has a kernel.
#include <algorithm>
#include <cmath>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

// --- Shape, Size -----------------------------------------------------------------

std::vector<int64_t> Shape_values(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const int64_t r = static_cast<int64_t>(x.size());
  auto clamp = [r](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + r : v, 0, r); };
  const int64_t start = clamp(ctx.attr_int("start", 0)), end = clamp(ctx.attr_int("end", r));
  if (end <= start) return {};
  return std::vector<int64_t>(x.begin() + start, x.begin() + end);
}

void Shape_infer(InferContext& ctx) {
  ctx.allow_attrs({"start", "end"});
  ctx.set_output(0, ir::DType::kI64, {static_cast<int64_t>(Shape_values(ctx).size())});
}

bool Shape_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  outs = {ir::encode_int(ir::DType::kI64, Shape_values(InferContext(g, n)))};
  return true;
}

void Size_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.set_output(0, ir::DType::kI64, {});
}

bool Size_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  outs = {ir::encode_int(ir::DType::kI64, {in(g, n, 0).elements()})};
  return true;
}

// --- ConstantOfShape -----------------------------------------------------------------

// The frontend turns the tensor attribute `value` into a constant input and
// leaves its position in the attribute.
const ir::Tensor* value_of(const InferContext& ctx) {
  if (!ctx.has_attr("value")) return nullptr;
  const int64_t at = ctx.attr_int("value", -1);
  ctx.require(at >= 1 && ctx.is_const(static_cast<size_t>(at)), "the value attribute is not a constant tensor");
  const ir::Tensor& v = ctx.input(static_cast<size_t>(at));
  ctx.require(v.elements() == 1, "value must have exactly one element");
  return &v;
}

void ConstantOfShape_infer(InferContext& ctx) {
  ctx.allow_attrs({"value"});
  const ir::Tensor* v = value_of(ctx);
  const ir::DType t = v ? v->dtype : ir::DType::kF32;
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.rank(0) == 1, "the shape must be a 1-D tensor");
  const std::vector<int64_t> shape = ctx.const_ints(0, "the shape");
  for (int64_t d : shape) ctx.require(d >= 0, "invalid dimension {}", d);
  ctx.set_output(0, t, shape);
}

bool ConstantOfShape_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor* v = value_of(InferContext(g, n));
  const ir::Tensor& y = out(g, n, 0);
  const size_t es = static_cast<size_t>(ir::dtype_size(y.dtype));
  std::vector<uint8_t> data(static_cast<size_t>(y.elements()) * es, 0);
  if (v)
    for (size_t i = 0; i < data.size(); ++i) data[i] = (*v->data)[i % es];
  outs = {std::move(data)};
  return true;
}

// --- Range ---------------------------------------------------------------------

struct RangeValues {
  double start, delta;
  int64_t count;
};

RangeValues Range_values(const InferContext& ctx) {
  double v[3];
  const char* what[3] = {"start", "limit", "delta"};
  for (size_t i = 0; i < 3; ++i) {
    ctx.require(ctx.input(i).elements() == 1, "{} must be a scalar", what[i]);
    v[i] = ctx.const_doubles(i, what[i])[0];
    ctx.require(std::isfinite(v[i]), "{} must be finite", what[i]);
  }
  ctx.require(v[2] != 0, "delta must not be 0");
  const double n = std::ceil((v[1] - v[0]) / v[2]);
  ctx.require(n < 1e9, "the range would have {} elements", n);
  return {v[0], v[2], n > 0 ? static_cast<int64_t>(n) : 0};
}

void Range_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  const ir::DType t = ctx.dtype(0);
  ctx.require(t == ir::DType::kF32 || t == ir::DType::kF64 || t == ir::DType::kI16 || t == ir::DType::kI32 ||
                  t == ir::DType::kI64,
              "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.dtype(1) == t && ctx.dtype(2) == t, "start, limit and delta must have the same element type");
  ctx.set_output(0, t, {Range_values(ctx).count});
}

bool Range_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const RangeValues r = Range_values(InferContext(g, n));
  const ir::DType t = out(g, n, 0).dtype;
  if (ir::dtype_is_float(t)) {
    std::vector<double> v;
    for (int64_t i = 0; i < r.count; ++i) v.push_back(r.start + static_cast<double>(i) * r.delta);
    outs = {ir::encode_double(t, v)};
  } else {
    const std::vector<int64_t> s = ir::data_as_int(in(g, n, 0)), d = ir::data_as_int(in(g, n, 2));
    std::vector<int64_t> v;
    for (int64_t i = 0; i < r.count; ++i) v.push_back(s[0] + i * d[0]);
    outs = {ir::encode_int(t, v)};
  }
  return true;
}

// --- EyeLike -------------------------------------------------------------------


void EyeLike_infer(InferContext& ctx) {
  ctx.allow_attrs({"dtype", "k"});
  ctx.require(ctx.rank(0) == 2, "the input must be 2-D, not {}", ir::shape_str(ctx.shape(0)));
  const ir::DType t = ctx.has_attr("dtype") ? dtype_from_onnx_code(ctx.attr_int("dtype", 0)) : ctx.dtype(0);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ctx.attr_int("dtype", 0));
  ctx.set_output(0, t, ctx.shape(0));
}

bool EyeLike_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor& y = out(g, n, 0);
  const int64_t k = InferContext(g, n).attr_int("k", 0);
  std::vector<int64_t> v;
  for (int64_t i = 0; i < y.shape[0]; ++i)
    for (int64_t j = 0; j < y.shape[1]; ++j) v.push_back(j - i == k ? 1 : 0);
  outs = {ir::encode_int(y.dtype, v)};
  return true;
}

}  // namespace

extern const OpDef op_Shape = {"Shape", Shape_infer, Shape_fold, nullptr, nullptr};
extern const OpDef op_Size = {"Size", Size_infer, Size_fold, nullptr, nullptr};
extern const OpDef op_ConstantOfShape = {"ConstantOfShape", ConstantOfShape_infer, ConstantOfShape_fold, nullptr, nullptr};
extern const OpDef op_Range = {"Range", Range_infer, Range_fold, nullptr, nullptr};
extern const OpDef op_EyeLike = {"EyeLike", EyeLike_infer, EyeLike_fold, nullptr, nullptr};

}  // namespace mote::ops
