// Operators that only re-read their input's bytes under another shape:
// Reshape, Flatten, Squeeze, Unsqueeze, and the pass-throughs Identity and
// Dropout (inference). The planner lets their output alias the input; when it
// cannot (graph inputs and outputs), the kernel is a copy (common.h).
#include <algorithm>
#include <set>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

bool passthrough_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  if (!in(g, n, 0).is_constant()) return false;
  outs.assign(n.outputs.size(), {});
  outs[0] = *in(g, n, 0).data;
  return n.outputs.size() == 1;
}

KernelCall copy_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  KernelCall k{"common.h", "copy", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", in(g, n, 0).elements()}};
  return k;
}

void Reshape_infer(InferContext& ctx) {
  ctx.allow_attrs({"allowzero"});
  const ir::Shape& x = ctx.shape(0);
  std::vector<int64_t> shape = ctx.const_ints(1, "the target shape");
  const bool allowzero = ctx.attr_int("allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowzero) {
      ctx.require(i < x.size(), "shape entry {} is 0 but the input has rank {}", i, x.size());
      shape[i] = x[i];
    }
    if (shape[i] == -1) {
      ctx.require(infer_at < 0, "more than one -1 in the target shape");
      infer_at = static_cast<int64_t>(i);
      continue;
    }
    ctx.require(shape[i] >= 0, "invalid target dimension {}", shape[i]);
    known *= shape[i];
  }
  const int64_t total = ir::shape_elements(x);
  if (infer_at >= 0) {
    ctx.require(known != 0 && total % known == 0, "cannot infer the -1 dimension");
    shape[static_cast<size_t>(infer_at)] = total / known;
  }
  ctx.require(ir::shape_elements(shape) == total, "cannot reshape {} into {}", ir::shape_str(x), ir::shape_str(shape));
  ctx.set_output(0, ctx.dtype(0), shape);
}

void Flatten_infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  const ir::Shape& x = ctx.shape(0);
  const int64_t r = static_cast<int64_t>(x.size());
  int64_t axis = ctx.attr_int("axis", 1);
  if (axis < 0) axis += r;
  ctx.require(axis >= 0 && axis <= r, "axis {} out of range for rank {}", ctx.attr_int("axis", 1), r);
  ctx.set_output(0, ctx.dtype(0),
                 {ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis)),
                  ir::shape_elements(ir::Shape(x.begin() + axis, x.end()))});
}

// Squeeze/Unsqueeze take axes from an attribute before opset 13 and an input after.
std::vector<int64_t> axes_of(const InferContext& ctx) {
  if (ctx.opset() >= 13) return ctx.has_input(1) ? ctx.const_ints(1, "axes") : std::vector<int64_t>{};
  return ctx.attr_ints("axes");
}

void Squeeze_infer(InferContext& ctx) {
  ctx.allow_attrs({"axes"});
  const ir::Shape& x = ctx.shape(0);
  const int64_t r = static_cast<int64_t>(x.size());
  std::set<int64_t> axes;
  const std::vector<int64_t> given = axes_of(ctx);
  for (int64_t a : given) axes.insert(ctx.axis(a, r));
  if (given.empty() && !ctx.has_attr("axes"))
    for (int64_t i = 0; i < r; ++i)
      if (x[static_cast<size_t>(i)] == 1) axes.insert(i);
  ir::Shape y;
  for (int64_t i = 0; i < r; ++i) {
    if (axes.count(i)) {
      ctx.require(x[static_cast<size_t>(i)] == 1, "cannot squeeze axis {} of size {}", i, x[static_cast<size_t>(i)]);
      continue;
    }
    y.push_back(x[static_cast<size_t>(i)]);
  }
  ctx.set_output(0, ctx.dtype(0), y);
}

void Unsqueeze_infer(InferContext& ctx) {
  ctx.allow_attrs({"axes"});
  const ir::Shape& x = ctx.shape(0);
  const std::vector<int64_t> given = axes_of(ctx);
  const int64_t r = static_cast<int64_t>(x.size() + given.size());
  std::set<int64_t> axes;
  for (int64_t a : given) ctx.require(axes.insert(ctx.axis(a, r)).second, "axis {} repeated", a);
  ir::Shape y;
  size_t j = 0;
  for (int64_t i = 0; i < r; ++i) y.push_back(axes.count(i) ? 1 : x[j++]);
  ctx.set_output(0, ctx.dtype(0), y);
}

void Identity_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

void Dropout_infer(InferContext& ctx) {
  ctx.allow_attrs({"seed", "ratio"});
  // Inference: the input passes through; training_mode (input 2) must be false if given.
  if (ctx.has_input(2)) {
    const auto t = ctx.const_ints(2, "training_mode");
    ctx.require(!t.empty() && t[0] == 0, "training_mode=true is not supported");
  }
  ctx.require(ctx.num_outputs() < 2 || ctx.node().outputs[1] == ir::kNoTensor, "the mask output is not supported");
  ctx.set_output(0, ctx.dtype(0), ctx.shape(0));
}

}  // namespace

extern const OpDef op_Reshape = {"Reshape", Reshape_infer, passthrough_fold, nullptr, copy_lower, true, nullptr,
                                 &kMovesBytesInt8Rule};
extern const OpDef op_Flatten = {"Flatten", Flatten_infer, passthrough_fold, nullptr, copy_lower, true, nullptr,
                                 &kMovesBytesInt8Rule};
extern const OpDef op_Squeeze = {"Squeeze", Squeeze_infer, passthrough_fold, nullptr, copy_lower, true, nullptr,
                                 &kMovesBytesInt8Rule};
extern const OpDef op_Unsqueeze = {"Unsqueeze", Unsqueeze_infer, passthrough_fold, nullptr, copy_lower, true, nullptr,
                                   &kMovesBytesInt8Rule};
extern const OpDef op_Identity = {"Identity", Identity_infer, passthrough_fold, nullptr, copy_lower, true};
extern const OpDef op_Dropout = {"Dropout", Dropout_infer, passthrough_fold, nullptr, copy_lower, true};

}  // namespace mote::ops
