#pragma once
// Lowers a loaded ONNX model to Mote's IR. After this, nothing in Mote knows ONNX.
#include <string>

#include <onnx/onnx_pb.h>

#include "compiler/ir/graph.h"

namespace mote::frontend {

// `model_path` names the model in messages and locates external data.
ir::Graph lower_to_ir(const onnx::ModelProto& m, const std::string& model_path);

}  // namespace mote::frontend
