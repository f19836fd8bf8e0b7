#pragma once
// ONNX TensorProto <-> IR tensor: initializers, Constant values and the backend-test
// data files (input_N.pb, output_N.pb) all go through here.
#include <string>

#include <onnx/onnx_pb.h>

#include "compiler/ir/tensor.h"

namespace mote::frontend {

// Maps an ONNX element type to Mote's; kUnknown for the ones Mote does not handle.
ir::DType dtype_from_onnx(int32_t onnx_type);
int32_t dtype_to_onnx(ir::DType t);

// Builds a constant tensor. External data is read only from files inside `model_dir`.
// Refuses (support::Refusal) with a reason naming the tensor.
ir::Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& model_dir);

// Checks what ONNX's own tools assume of a TensorProto without reading any data:
// a supported element type, dimensions that are not negative and whose product is
// bounded, exactly as many values (or raw bytes) as the dimensions need, and for
// external data a location inside `model_dir` with in-range offset and length.
// Refuses naming the tensor.
void check_tensor_proto(const onnx::TensorProto& p, const std::string& model_dir);

// Reads a serialized TensorProto file as the protobuf message.
onnx::TensorProto read_tensor_proto_file(const std::string& path);

// Reads a serialized TensorProto file (the backend-test layout).
ir::Tensor read_tensor_file(const std::string& path);

}  // namespace mote::frontend
