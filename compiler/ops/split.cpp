// Split: one input into several outputs along an axis, any element type. The
// sizes come from the `split` input (opset 13+, must be constant), the `split`
// attribute (before 13) or `num_outputs` (18+), else equal parts. Kernel:
// strided.h (split), the inverse of Concat. Folds when the input is constant.
// Int8: every part int8 with the input's parameters (Int8Rule::every_output).
#include <algorithm>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

int64_t axis_of(const InferContext& ctx) {
  ctx.require(ctx.rank(0) >= 1, "cannot split a scalar");
  return ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
}

std::vector<int64_t> sizes_of(const InferContext& ctx) {
  const int64_t dim = ctx.shape(0)[static_cast<size_t>(axis_of(ctx))];
  const int64_t outs = static_cast<int64_t>(ctx.num_outputs());
  std::vector<int64_t> sizes;
  if (ctx.opset() >= 13 && ctx.has_input(1)) {
    sizes = ctx.const_ints(1, "split");
  } else if (ctx.opset() < 13 && ctx.has_attr("split")) {
    sizes = ctx.attr_ints("split");
  } else if (ctx.has_attr("num_outputs")) {
    // Opset 18: equal parts of ceil(dim / n), the last one smaller.
    const int64_t n = ctx.attr_int("num_outputs", 0);
    ctx.require(n == outs && n > 0, "num_outputs ({}) must equal the number of outputs ({})", n, outs);
    const int64_t part = (dim + n - 1) / n;
    for (int64_t i = 0; i < n; ++i) sizes.push_back(std::clamp<int64_t>(dim - i * part, 0, part));
  } else {
    ctx.require(outs > 0 && dim % outs == 0, "axis size {} does not split into {} equal parts", dim, outs);
    sizes.assign(static_cast<size_t>(outs), dim / outs);
  }
  ctx.require(static_cast<int64_t>(sizes.size()) == outs, "split has {} entries, the node has {} outputs", sizes.size(),
              outs);
  int64_t total = 0;
  for (int64_t s : sizes) {
    ctx.require(s >= 0, "negative split size {}", s);
    total += s;
  }
  ctx.require(total == dim, "split sizes add up to {}, the axis has {}", total, dim);
  return sizes;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis", "split", "num_outputs"});
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  const std::vector<int64_t> sizes = sizes_of(ctx);
  const size_t axis = static_cast<size_t>(axis_of(ctx));
  for (size_t i = 0; i < sizes.size(); ++i) {
    ir::Shape y = ctx.shape(0);
    y[axis] = sizes[i];
    ctx.set_output(i, t, y);
  }
}

// The input is `outer` rows; each row is the outputs' rows one after another,
// output i taking chunks[i] elements.
void layout(const ir::Graph& g, const ir::Node& n, int64_t& outer, std::vector<int64_t>& chunks) {
  const InferContext ctx(g, n);
  const int64_t axis = axis_of(ctx);
  const ir::Shape& x = in(g, n, 0).shape;
  outer = ir::shape_elements(ir::Shape(x.begin(), x.begin() + axis));
  const int64_t inner = ir::shape_elements(ir::Shape(x.begin() + axis + 1, x.end()));
  chunks.clear();
  for (int64_t s : sizes_of(ctx)) chunks.push_back(s * inner);
}

bool fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor& x = in(g, n, 0);
  if (!x.is_constant()) return false;
  int64_t outer;
  std::vector<int64_t> chunks;
  layout(g, n, outer, chunks);
  const size_t es = static_cast<size_t>(ir::dtype_size(x.dtype));
  outs.assign(chunks.size(), {});
  auto from = x.data->begin();
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < chunks.size(); ++i) {
      const auto bytes = static_cast<std::ptrdiff_t>(static_cast<size_t>(chunks[i]) * es);
      outs[i].insert(outs[i].end(), from, from + bytes);
      from += bytes;
    }
  return true;
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  int64_t outer;
  std::vector<int64_t> chunks;
  layout(g, n, outer, chunks);
  KernelCall k{"strided.h", "split", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {n.inputs[0]}, n.outputs};
  k.params = {{"outputs", static_cast<int64_t>(chunks.size())}, {"outer", outer}, {"chunks", chunks}};
  return k;
}

// Int8: the parts are the input's bytes, so each keeps its scale and zero point.
std::string int8_form(const ir::Graph&, const ir::Node& n) {
  return n.inputs.empty() || n.inputs[0] == ir::kNoTensor ? "it has no input" : "";
}
const Int8Rule kSplitInt8Rule = {int8_form, 1, /*quantizes_inputs=*/false, keep_input_params, nullptr, nullptr, false,
                                 nullptr, /*every_output=*/true};

}  // namespace

extern const OpDef op_Split = {"Split", infer, fold, nullptr, lower, false, nullptr, &kSplitInt8Rule};

}  // namespace mote::ops
