// Transpose: any permutation of any rank, any element type (it only moves
// elements). Kernel: transpose.h. Folds on constants, since exporters often
// transpose weights inside the graph.
#include <algorithm>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

std::vector<int64_t> perm_of(const InferContext& ctx) {
  const int64_t r = ctx.rank(0);
  std::vector<int64_t> perm = ctx.attr_ints("perm");
  if (!ctx.has_attr("perm"))
    for (int64_t i = r - 1; i >= 0; --i) perm.push_back(i);
  ctx.require(static_cast<int64_t>(perm.size()) == r, "perm has {} entries, the input has rank {}", perm.size(), r);
  std::vector<bool> seen(static_cast<size_t>(r), false);
  for (int64_t p : perm) {
    ctx.require(p >= 0 && p < r && !seen[static_cast<size_t>(p)], "perm is not a permutation of 0..{}", r - 1);
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"perm"});
  ctx.require(ir::dtype_size(ctx.dtype(0)) > 0, "element type {} is not supported", ir::dtype_name(ctx.dtype(0)));
  const ir::Shape& x = ctx.shape(0);
  ir::Shape y;
  for (int64_t p : perm_of(ctx)) y.push_back(x[static_cast<size_t>(p)]);
  ctx.set_output(0, ctx.dtype(0), y);
}

// The input's strides in output axis order: stepping output axis d moves the
// input by strides[d].
std::vector<int64_t> permuted_strides(const ir::Shape& x, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> st = row_major_strides(x);
  std::vector<int64_t> out;
  for (int64_t p : perm) out.push_back(st[static_cast<size_t>(p)]);
  return out;
}

bool fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  if (!x.is_constant()) return false;
  const std::vector<int64_t> st = permuted_strides(x.shape, perm_of(InferContext(g, n)));
  const std::vector<int64_t> ost = row_major_strides(y.shape);
  const size_t es = static_cast<size_t>(ir::dtype_size(x.dtype));
  const std::vector<uint8_t>& src = *x.data;
  std::vector<uint8_t> dst(static_cast<size_t>(y.elements()) * es);
  for (int64_t i = 0; i < y.elements(); ++i) {
    int64_t ix = 0;
    for (size_t d = 0; d < y.shape.size(); ++d) ix += (i / ost[d]) % y.shape[d] * st[d];
    std::copy_n(src.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(ix) * es), es,
                dst.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(i) * es));
  }
  outs = {std::move(dst)};
  return true;
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  const ir::Tensor &x = in(g, n, 0), &y = out(g, n, 0);
  KernelCall k{"transpose.h", "transpose", {ir::dtype_ctype(x.dtype)}, {}, {n.inputs[0]}, {n.outputs[0]}};
  k.params = {{"count", y.elements()},
              {"rank", static_cast<int64_t>(y.shape.size())},
              {"shape", y.shape},
              {"strides", permuted_strides(x.shape, perm_of(InferContext(g, n)))}};
  return k;
}

}  // namespace

extern const OpDef op_Transpose = {"Transpose", infer, fold, nullptr, lower, false, nullptr, &kMovesBytesInt8Rule};

}  // namespace mote::ops
