#pragma once
// Reads an ONNX file and prepares it with ONNX's own tools: the checker, the
// version converter (to the opset Mote lowers from) and shape inference.
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace mote::frontend {

constexpr int kMinOpset = 13;  // older models are converted up to this opset

struct LoadOptions {
  // Fixed shapes for graph inputs, replacing symbolic or declared dimensions.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // Graph inputs that become initializers with these values (compile-time constants).
  std::map<std::string, onnx::TensorProto> bound_inputs;
  // Run ONNX's checker, version converter and shape inference in a child process,
  // so a crash or hang in them is a refusal, not the end of Mote. Fuzz targets turn
  // it off to find such crashes and add the check that prevents them.
  bool isolate_onnx = true;
};

// Names of the graph inputs that are not initializers, in order.
std::vector<std::string> graph_input_names(const std::string& path);

// One dimension of a graph input as written: a value, or symbolic (value -1) with
// its dim_param as the text ("?" when it has none).
struct InputDim {
  int64_t value = -1;
  std::string text;
};

// Graph inputs (not initializers) with a dimension that is symbolic or missing.
std::map<std::string, std::vector<InputDim>> symbolic_input_dims(const std::string& path);

// Parses, checks what ONNX's tools assume (model_check.h), then runs ONNX's checker,
// version converter and shape inference. Refuses (exit 2) with "<file>: <reason>".
onnx::ModelProto load_model(const std::string& path, const LoadOptions& opts);

// ONNX's checker, version converter and shape inference on a model read from
// `path` (the checker reads the file again), in a child process when `isolate`:
// a crash or a hang in them is then a refusal. load_model calls it after its checks.
onnx::ModelProto run_onnx_tools(const onnx::ModelProto& m, const std::string& path, bool isolate);

// Every operator of the default ONNX domain this libonnx knows, sorted.
std::vector<std::string> onnx_operator_names();

// Opset of the default ("" or "ai.onnx") domain.
int default_opset(const onnx::ModelProto& m);

}  // namespace mote::frontend
