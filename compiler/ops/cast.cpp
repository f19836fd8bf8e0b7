// Cast and CastLike among the numeric types and bool: a C conversion per element
// (floating point to integer truncates toward zero, anything to bool is x != 0,
// bool to a number is 0 or 1). String, float16 and bfloat16 are refused (the
// frontend has no such tensors). Kernel: `unary` with op_cast in elementwise.h;
// both fold on constants, as PyTorch exports cast shape arithmetic.
#include "compiler/ops/elementwise_common.h"

namespace mote::ops {

namespace {

using eval::kAny;


void Cast_infer(InferContext& ctx) {
  ctx.allow_attrs({"to"});
  ctx.require(ctx.has_attr("to"), "the 'to' attribute is required");
  const int64_t code = ctx.attr_int("to", 0);
  const ir::DType to = dtype_from_onnx_code(code);
  ctx.require(to != ir::DType::kUnknown, "casting to ONNX element type {} is not supported", code);
  require_kind(ctx, 0, kAny, "numbers or bool");
  ctx.set_output(0, to, ctx.shape(0));
}

// Output type from `like` (input 1), which is never read.
void CastLike_infer(InferContext& ctx) {
  ctx.allow_attrs({});
  ctx.require(ctx.num_inputs() == 2, "expects 2 inputs, has {}", ctx.num_inputs());
  require_kind(ctx, 0, kAny, "numbers or bool");
  require_kind(ctx, 1, kAny, "numbers or bool");
  ctx.set_output(0, ctx.dtype(1), ctx.shape(0));
}

bool cast_fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  const ir::Tensor& x = in(g, n, 0);
  if (!x.is_constant()) return false;
  bool done = false;
  eval::with_type<kAny>(x.dtype, [&](auto tx) {
    done = eval::with_type<kAny>(out(g, n, 0).dtype, [&](auto ty) {
      using X = decltype(tx);
      using Y = decltype(ty);
      outs = {eval::unary<kernel_eval::op_cast, Y, X>(x)};
    });
  });
  return done;
}

KernelCall cast_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return unary_call(g, n, "op_cast");
}

}  // namespace

extern const OpDef op_Cast = {"Cast", Cast_infer, cast_fold, no_macs, cast_lower};
extern const OpDef op_CastLike = {"CastLike", CastLike_infer, cast_fold, no_macs, cast_lower};

}  // namespace mote::ops
