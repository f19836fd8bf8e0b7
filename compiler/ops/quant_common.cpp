#include "compiler/ops/quant_common.h"

#include "compiler/ir/tensor_data.h"

namespace mote::ops {

bool is_q8(ir::DType t) { return t == ir::DType::kU8 || t == ir::DType::kI8; }

void require_q8(const InferContext& ctx, size_t i, const char* what) {
  ctx.require(is_q8(ctx.dtype(i)), "{} must be uint8 or int8, not {}", what, ir::dtype_name(ctx.dtype(i)));
}

void require_qparam(const InferContext& ctx, size_t i, bool scale, int64_t channels, size_t data, const char* what) {
  if (!ctx.has_input(i)) {
    ctx.require(!scale, "{} is required", what);
    return;
  }
  if (scale)
    ctx.require(ctx.dtype(i) == ir::DType::kF32, "{} must be float32, not {}", what, ir::dtype_name(ctx.dtype(i)));
  else
    ctx.require(ctx.dtype(i) == ctx.dtype(data), "{} must have the type of the data it quantizes ({}), not {}", what,
                ir::dtype_name(ctx.dtype(data)), ir::dtype_name(ctx.dtype(i)));
  const int64_t e = ir::shape_elements(ctx.shape(i));
  ctx.require(ctx.rank(i) <= 1 && (e == 1 || e == channels),
              "{} of shape {} must be a scalar{}", what, ir::shape_str(ctx.shape(i)),
              channels > 1 ? fmt::format(" or hold {} elements, one per channel", channels) : std::string());
}

void require_same_count(const InferContext& ctx, size_t scale, size_t zp) {
  if (!ctx.has_input(zp)) return;
  ctx.require(ir::shape_elements(ctx.shape(zp)) == ir::shape_elements(ctx.shape(scale)),
              "zero point of shape {} does not match scale of shape {}", ir::shape_str(ctx.shape(zp)),
              ir::shape_str(ctx.shape(scale)));
}

int64_t qparam_count(const ir::Graph& g, const ir::Node& n, size_t i) {
  return has_in(n, i) ? in(g, n, i).elements() : 1;
}

void add_qparam(KernelCall& k, const ir::Graph& g, const ir::Node& n, size_t i, const char* name) {
  const std::string nm = name;
  const int64_t count = qparam_count(g, n, i);
  const bool baked = !has_in(n, i) || in(g, n, i).is_constant();
  // A zero point is absent or an integer; a scale is always present and float.
  const bool is_scale = has_in(n, i) && ir::dtype_is_float(in(g, n, i).dtype);
  k.params.push_back({nm + "_const", int64_t{baked}});
  k.params.push_back({nm + "_pc", int64_t{count > 1}});
  if (is_scale)
    k.params.push_back({nm, baked ? ir::data_as_double(in(g, n, i)) : std::vector<double>(count, 0.0)});
  else
    k.params.push_back({nm, baked && has_in(n, i) ? ir::data_as_int(in(g, n, i)) : std::vector<int64_t>(count, 0)});
  k.inputs.push_back(baked ? ir::kNoTensor : n.inputs[i]);
}

}  // namespace mote::ops
