// Operators that copy elements along an affine walk of the input: Slice,
// Expand, Tile, DepthToSpace, SpaceToDepth, any element type. Each reduces to
// an offset plus an odometer (shape, strides) over the output; one kernel
// (strided.h: strided_copy) and one folder serve them all. Exported graphs
// slice, expand and tile shape vectors, so every one of them folds.
#include <algorithm>
#include <limits>
#include <set>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

// output[i] = input[offset + sum(index[d] * strides[d])], index the odometer
// digits of i over `shape` (the output's elements, possibly split finer).
struct Walk {
  ir::Shape out;
  int64_t offset = 0;
  std::vector<int64_t> shape, strides;
};

void require_any_dtype(const InferContext& ctx) {
  ctx.require(ir::dtype_size(ctx.dtype(0)) > 0, "element type {} is not supported", ir::dtype_name(ctx.dtype(0)));
}

// --- Slice -------------------------------------------------------------------

Walk Slice_walk(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const int64_t r = static_cast<int64_t>(x.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attr_ints("starts");
    ends = ctx.attr_ints("ends");
    axes = ctx.attr_ints("axes");
  } else {
    starts = ctx.const_ints_unbounded(1, "starts");  // clamped below
    ends = ctx.const_ints_unbounded(2, "ends");
    if (ctx.has_input(3)) axes = ctx.const_ints(3, "axes");
    if (ctx.has_input(4)) steps = ctx.const_ints(4, "steps");
  }
  if (axes.empty() && !(ctx.opset() >= 10 && ctx.has_input(3)))
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  ctx.require(ends.size() == starts.size() && axes.size() == starts.size() && steps.size() == starts.size(),
              "starts, ends, axes and steps must have the same length");
  Walk w;
  w.out = x;
  w.shape = x;
  w.strides = row_major_strides(x);
  std::set<int64_t> seen;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t a = ctx.axis(axes[i], r);
    ctx.require(seen.insert(a).second, "axis {} repeated", axes[i]);
    const int64_t dim = x[static_cast<size_t>(a)], step = steps[i];
    ctx.require(step != 0 && step != std::numeric_limits<int64_t>::min(), "step {} is not supported", step);
    // Out-of-range starts and ends clamp to the axis; INT64_MAX/MIN mean "to the end".
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    int64_t len = 0;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      len = e > s ? (e - s - 1) / step + 1 : 0;
    } else if (dim > 0) {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      len = s > e ? (s - e - 1) / -step + 1 : 0;
    }
    const size_t ua = static_cast<size_t>(a);
    w.out[ua] = w.shape[ua] = len;
    if (len > 0) w.offset += s * w.strides[ua];
    // A single element needs no stride (and a huge step would overflow it).
    w.strides[ua] = len > 1 ? w.strides[ua] * step : 0;
  }
  return w;
}

void Slice_infer(InferContext& ctx) {
  ctx.allow_attrs({"starts", "ends", "axes"});
  require_any_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), Slice_walk(ctx).out);
}

// --- Expand ------------------------------------------------------------------

Walk Expand_walk(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const std::vector<int64_t> shape = ctx.const_ints(1, "the target shape");
  ctx.require(ctx.shape(1).size() == 1, "the target shape must be a 1-D tensor");
  for (int64_t d : shape) ctx.require(d >= 0, "invalid target dimension {}", d);
  Walk w;
  ctx.require(broadcast_shapes(x, shape, w.out), "shape {} cannot be expanded to {}", ir::shape_str(x),
              ir::shape_str(shape));
  w.shape = w.out;
  w.strides = broadcast_strides(x, w.out);
  return w;
}

void Expand_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  require_any_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), Expand_walk(ctx).out);
}

// --- Tile --------------------------------------------------------------------

// Output axis d is repeats[d] copies of input axis d: two digits, the outer
// one not moving in the input.
Walk Tile_walk(const InferContext& ctx) {
  const ir::Shape& x = ctx.shape(0);
  const std::vector<int64_t> reps = ctx.const_ints(1, "repeats");
  ctx.require(reps.size() == x.size(), "repeats has {} entries, the input has rank {}", reps.size(), x.size());
  const std::vector<int64_t> st = row_major_strides(x);
  Walk w;
  for (size_t d = 0; d < x.size(); ++d) {
    ctx.require(reps[d] >= 0, "negative repeat {}", reps[d]);
    w.out.push_back(x[d] * reps[d]);
    w.shape.insert(w.shape.end(), {reps[d], x[d]});
    w.strides.insert(w.strides.end(), {0, st[d]});
  }
  return w;
}

void Tile_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  require_any_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), Tile_walk(ctx).out);
}

// --- DepthToSpace / SpaceToDepth ---------------------------------------------

int64_t blocksize_of(const InferContext& ctx) {
  ctx.require(ctx.has_attr("blocksize"), "the blocksize attribute is required");
  const int64_t b = ctx.attr_int("blocksize", 0);
  ctx.require(b > 0, "blocksize must be positive");
  ctx.require(ctx.rank(0) == 4, "the input must be 4-D (N, C, H, W), not {}", ir::shape_str(ctx.shape(0)));
  return b;
}

// ONNX defines both as reshape, transpose, reshape; the walk is that
// transpose's input strides in output order.
Walk DepthToSpace_walk(const InferContext& ctx) {
  const int64_t b = blocksize_of(ctx);
  const std::string mode = ctx.attr_string("mode", "DCR");
  ctx.require(mode == "DCR" || mode == "CRD", "mode '{}' is not supported", mode);
  const ir::Shape& x = ctx.shape(0);
  const int64_t N = x[0], C = x[1], H = x[2], W = x[3];
  ctx.require(C % (b * b) == 0, "channels ({}) are not a multiple of blocksize^2 ({})", C, b * b);
  const int64_t Co = C / (b * b);
  Walk w;
  w.out = {N, Co, H * b, W * b};
  w.shape = {N, Co, H, b, W, b};
  if (mode == "DCR")  // channels read as [b1, b2, Co]
    w.strides = {C * H * W, H * W, W, b * Co * H * W, 1, Co * H * W};
  else  // channels read as [Co, b1, b2]
    w.strides = {C * H * W, b * b * H * W, W, b * H * W, 1, H * W};
  return w;
}

Walk SpaceToDepth_walk(const InferContext& ctx) {
  const int64_t b = blocksize_of(ctx);
  const ir::Shape& x = ctx.shape(0);
  const int64_t N = x[0], C = x[1], H = x[2], W = x[3];
  ctx.require(H % b == 0 && W % b == 0, "height and width ({}, {}) must be multiples of blocksize {}", H, W, b);
  Walk w;
  w.out = {N, C * b * b, H / b, W / b};
  w.shape = {N, b, b, C, H / b, W / b};
  w.strides = {C * H * W, W, 1, H * W, b * W, b};
  return w;
}

void DepthToSpace_infer(InferContext& ctx) {
  ctx.allow_attrs({"blocksize", "mode"});
  require_any_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), DepthToSpace_walk(ctx).out);
}

void SpaceToDepth_infer(InferContext& ctx) {
  ctx.allow_attrs({"blocksize"});
  require_any_dtype(ctx);
  ctx.set_output(0, ctx.dtype(0), SpaceToDepth_walk(ctx).out);
}

// --- shared fold and lowering ---------------------------------------------------

// Drops digits of size 1 and merges neighbours that walk the input contiguously,
// so the kernel's odometer has as few digits as possible.
void simplify(Walk& w) {
  std::vector<int64_t> shape, strides;
  for (size_t d = 0; d < w.shape.size(); ++d) {
    if (w.shape[d] == 1) continue;
    if (!shape.empty() && strides.back() == w.strides[d] * w.shape[d]) {
      shape.back() *= w.shape[d];
      strides.back() = w.strides[d];
      continue;
    }
    shape.push_back(w.shape[d]);
    strides.push_back(w.strides[d]);
  }
  w.shape = shape;
  w.strides = strides;
}

bool fold_walk(const ir::Graph& g, const ir::Node& n, Walk w, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor& x = in(g, n, 0);
  if (!x.is_constant()) return false;
  const size_t es = static_cast<size_t>(ir::dtype_size(x.dtype));
  const int64_t count = ir::shape_elements(w.out);
  std::vector<uint8_t> y(static_cast<size_t>(count) * es);
  std::vector<int64_t> index(w.shape.size(), 0);
  int64_t ix = w.offset;
  for (int64_t i = 0; i < count; ++i) {
    std::copy_n(x.data->begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(ix) * es), es,
                y.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(i) * es));
    for (size_t d = w.shape.size(); d-- > 0;) {
      ix += w.strides[d];
      if (++index[d] < w.shape[d]) break;
      ix -= w.strides[d] * w.shape[d];
      index[d] = 0;
    }
  }
  outs = {std::move(y)};
  return true;
}

KernelCall lower_walk(const ir::Graph& g, const ir::Node& n, Walk w) {
  simplify(w);
  KernelCall k{"strided.h", "strided_copy", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", ir::shape_elements(w.out)},
              {"rank", static_cast<int64_t>(w.shape.size())},
              {"offset", w.offset},
              {"shape", w.shape},
              {"strides", w.strides}};
  return k;
}

#define MOTE_WALK_OP(Name)                                                                          \
  bool Name##_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) { \
    return fold_walk(g, n, Name##_walk(InferContext(g, n)), outs);                                   \
  }                                                                                                  \
  KernelCall Name##_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {           \
    return lower_walk(g, n, Name##_walk(InferContext(g, n)));                                        \
  }
MOTE_WALK_OP(Slice)
MOTE_WALK_OP(Expand)
MOTE_WALK_OP(Tile)
MOTE_WALK_OP(DepthToSpace)
MOTE_WALK_OP(SpaceToDepth)
#undef MOTE_WALK_OP

}  // namespace

extern const OpDef op_Slice = {"Slice", Slice_infer, Slice_fold, nullptr, Slice_lower, false, nullptr,
                               &kMovesBytesInt8Rule};
extern const OpDef op_Expand = {"Expand", Expand_infer, Expand_fold, nullptr, Expand_lower, false, nullptr,
                                &kMovesBytesInt8Rule};
extern const OpDef op_Tile = {"Tile", Tile_infer, Tile_fold, nullptr, Tile_lower, false, nullptr,
                              &kMovesBytesInt8Rule};
extern const OpDef op_DepthToSpace = {"DepthToSpace", DepthToSpace_infer, DepthToSpace_fold, nullptr, DepthToSpace_lower, false, nullptr,
                                      &kMovesBytesInt8Rule};
extern const OpDef op_SpaceToDepth = {"SpaceToDepth", SpaceToDepth_infer, SpaceToDepth_fold, nullptr, SpaceToDepth_lower, false, nullptr,
                                      &kMovesBytesInt8Rule};

}  // namespace mote::ops
