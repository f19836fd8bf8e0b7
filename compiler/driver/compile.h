#pragma once
// `mote compile`: ONNX file -> IR -> passes -> C++ files, all-or-nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codegen/generate.h"
#include "compiler/ops/op_def.h"
#include "compiler/ir/graph.h"
#include "compiler/target/target.h"
#include "passes/memory/plan_memory.h"
#include "passes/patch.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

namespace mote::driver {

struct CompileOptions {
  std::string model_path;
  std::string symbol;  // empty: derived from the file name
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // Graph inputs compiled as constants, each from a TensorProto file (--bind-input).
  std::map<std::string, std::string> bound_input_files;
  std::string planner = "greedy";
  std::vector<std::string> print_after;
  target::Target target = target::host_target();
  // Calibration builds: every intermediate tensor is also a graph output. With
  // `quantize`, exposed after fuse-activation, right before quantize-int8: int8
  // tensors come back through DequantizeLinear, fused as in the plain int8 build.
  bool expose_intermediates = false;
  // --quantize int8: run pass quantize-int8 with these calibrated ranges.
  std::optional<passes::QuantizeOptions> quantize;
  // --io int8: pass int8-io, the C API takes and returns int8 (not in builds that
  // expose intermediates: calibration and per-layer reports read float tensors).
  bool io_int8 = false;
  // Constant folding refuses to make more bytes than this (--max-folded-bytes).
  int64_t max_folded_bytes = passes::default_max_folded_bytes();
  // Run ONNX's own tools in a child process (frontend::LoadOptions::isolate_onnx).
  bool isolate_onnx = true;
  // --optimize speed|size: which of an operator's kernel variants select-kernels takes.
  ops::Preference preference = ops::Preference::kSpeed;
  // Optional passes left out (--skip-pass NAME; --no-in-place is --skip-pass in-place).
  std::vector<std::string> skip_passes;
  // --patch: patch-based execution of the first stage (pass patch).
  passes::PatchOptions patch;
  // --strict-int8: refuse (exit 2) a quantized build that leaves any layer in float.
  bool strict_int8 = false;
};

struct CompileResult {
  std::string symbol;
  ir::Graph graph;
  passes::MemoryReport memory;
  codegen::Files files;
  int64_t weight_bytes = 0;
  int64_t macs = 0;
  // With --quantize int8 (`quantized`): the layers left in float, with why (quantize-int8).
  bool quantized = false;
  std::vector<passes::FloatLayer> float_layers;
};

// The options that shape the generated code, as `mote compile` flags (for the
// files' banner; no paths, so the same command gives the same text anywhere).
std::string describe_options(const CompileOptions& o);

// A C identifier from a model file name: "models/kws-dscnn.onnx" -> "kws_dscnn".
std::string default_symbol(const std::string& model_path);

// Loads and lowers the model (refusing bad input with exit 2), without running passes.
ir::Graph load_graph(const std::string& model_path, const std::map<std::string, std::vector<int64_t>>& input_shapes,
                     const std::map<std::string, std::string>& bound_input_files = {}, bool isolate_onnx = true);

CompileResult compile(const CompileOptions& opts);

// The passes and codegen of compile() on a graph already loaded from opts.model_path.
CompileResult compile_graph(ir::Graph g, const CompileOptions& opts);

// Writes SYMBOL.h, SYMBOL.cpp and SYMBOL_weights.cpp into `outdir` (created if needed).
// Files appear only once all three are written.
std::vector<std::string> write_outputs(const CompileResult& r, const std::string& outdir);

// "1x3x32x32" -> {1,3,32,32}; refuses malformed text.
std::vector<int64_t> parse_shape(const std::string& text);

// --input-shape NAME=DxDx... specs, the last '=' splitting name from shape.
std::map<std::string, std::vector<int64_t>> parse_input_shapes(const std::vector<std::string>& specs);

}  // namespace mote::driver
