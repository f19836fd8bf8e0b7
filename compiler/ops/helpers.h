#pragma once
// Small pieces several operator definitions share: typed access to a node's
// tensors from a const graph, broadcasting, spatial window arithmetic.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/infer_context.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {

const ir::Tensor& in(const ir::Graph& g, const ir::Node& n, size_t i);
const ir::Tensor& out(const ir::Graph& g, const ir::Node& n, size_t i);
bool has_in(const ir::Node& n, size_t i);

// Numpy broadcasting of two shapes; false when incompatible.
// Adds constant t to the graph under t.name, or t.name2, t.name3, ... when taken;
// returns the existing tensor instead when one of those names already holds an
// equal constant (dtype, shape, data and parameters): re-laid weights and tables
// that several nodes need are one constant in flash.
ir::TensorId add_or_reuse_constant(ir::Graph& g, ir::Tensor t);

bool broadcast_shapes(const ir::Shape& a, const ir::Shape& b, ir::Shape& out);
// Element strides of `in` read as `out` (0 along broadcast dimensions, rank aligned right).
std::vector<int64_t> broadcast_strides(const ir::Shape& in, const ir::Shape& out);
std::vector<int64_t> row_major_strides(const ir::Shape& s);

// MatMul's operands after numpy's 1-D promotion: (batch..., M, K) and (batch..., K, N),
// the broadcast batch and the output shape (MatMul, QLinearMatMul, MatMulInteger).
struct MatMulShapes {
  ir::Shape a, b, batch, y;
  int64_t m = 0, k = 0, n = 0;
};
// False when the operands do not multiply.
bool matmul_shapes(const ir::Shape& a0, const ir::Shape& b0, MatMulShapes& s);

// The element type an ONNX TensorProto.DataType code names (Cast's `to`, EyeLike's
// `dtype`: attributes keep ONNX's codes); kUnknown for types Mote has not.
ir::DType dtype_from_onnx_code(int64_t code);

// Float dtypes Mote's float kernels take.
bool is_float_kernel_type(ir::DType t);
// Refuses unless input i is f32 (or f64 when `allow_f64`).
void require_float(const InferContext& ctx, size_t i, bool allow_f64 = true);

// Spatial windows (Conv, pooling): resolves auto_pad and explicit pads into
// begin/end pads and the output size along each spatial axis.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads_begin, pads_end, out;
};
Window spatial_window(const InferContext& ctx, const ir::Shape& in_spatial, const std::vector<int64_t>& kernel,
                      bool ceil_mode);

// Parameter struct entries for the 2-D kernels, 1-D windows mapped to H = 1.
void add_window_params(std::vector<Param>& p, const Window& w, const ir::Shape& in_spatial);

// The value of the kernel parameter `name`; throws InternalError when absent.
const Param::Value& param(const std::vector<Param>& params, const std::string& name);

// The clamp a fused activation applies (attributes mote_act_min/max set by the
// fuse-activation pass), or (-inf, +inf) when none was fused.
void add_activation(std::vector<Param>& p, const InferContext& ctx);

}  // namespace mote::ops
