#include "compiler/driver/compile.h"

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "codegen/naming.h"
#include "compiler/ops/registry.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "frontend/onnx_loader.h"
#include "frontend/onnx_lowering.h"
#include "frontend/tensor_proto.h"
#include "passes/expose_intermediates.h"
#include "passes/pass_manager.h"

namespace mote::driver {

namespace fs = std::filesystem;

std::string default_symbol(const std::string& model_path) {
  fs::path p(model_path);
  std::string stem = p.stem().string();
  // Backend-test folders hold "model.onnx": name the symbol after the folder instead.
  if (stem == "model" && p.has_parent_path()) stem = p.parent_path().filename().string();
  return codegen::c_identifier(stem);
}

// Any larger dimension makes a tensor no microcontroller holds.
constexpr int64_t kMaxDimension = 999999999;

std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t x = text.find('x', start);
    const std::string part = text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    const auto d = support::parse_int(part, 0, kMaxDimension);
    if (!d) throw support::Refusal(fmt::format("invalid shape '{}': expected dimensions like 1x3x32x32, each at most {}", text, kMaxDimension));
    dims.push_back(*d);
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return dims;
}

std::map<std::string, std::vector<int64_t>> parse_input_shapes(const std::vector<std::string>& specs) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const std::string& s : specs) {
    const size_t eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0)
      throw support::Refusal(fmt::format("--input-shape '{}': expected NAME=DxDx..., e.g. input=1x3x32x32", s));
    shapes[s.substr(0, eq)] = parse_shape(s.substr(eq + 1));
  }
  return shapes;
}

ir::Graph load_graph(const std::string& model_path, const std::map<std::string, std::vector<int64_t>>& input_shapes,
                     const std::map<std::string, std::string>& bound_input_files, bool isolate_onnx) {
  frontend::LoadOptions lo;
  lo.input_shapes = input_shapes;
  lo.isolate_onnx = isolate_onnx;
  for (const auto& [name, file] : bound_input_files) lo.bound_inputs[name] = frontend::read_tensor_proto_file(file);
  const onnx::ModelProto m = frontend::load_model(model_path, lo);
  return frontend::lower_to_ir(m, model_path);
}

std::string describe_options(const CompileOptions& o) {
  std::vector<std::string> parts = {"--target " + o.target.name,
                                    std::string("--optimize ") + (o.preference == ops::Preference::kSize ? "size" : "speed")};
  if (o.planner != "greedy") parts.push_back("--planner " + o.planner);
  for (const std::string& p : o.skip_passes) parts.push_back("--skip-pass " + p);
  if (o.patch.mode != passes::PatchOptions::Mode::kOff) parts.push_back("--patch " + passes::patch_flag(o.patch));
  if (o.patch.layers > 0) parts.push_back(fmt::format("--patch-layers {}", o.patch.layers));
  for (const auto& [name, dims] : o.input_shapes)
    parts.push_back(fmt::format("--input-shape {}={}", name, fmt::join(dims, "x")));
  for (const auto& bound : o.bound_input_files) parts.push_back("--bind-input " + bound.first);
  if (o.quantize) {
    parts.push_back("--quantize int8");
    for (const std::string& n : o.quantize->keep_float) parts.push_back("--keep-float " + n);
    for (const std::string& n : o.quantize->int16) parts.push_back("--int16 " + n);
  }
  if (o.io_int8) parts.push_back("--io int8");
  if (o.strict_int8) parts.push_back("--strict-int8");
  if (o.max_folded_bytes != passes::default_max_folded_bytes())
    parts.push_back(fmt::format("--max-folded-bytes {}", o.max_folded_bytes));
  return fmt::format("{}", fmt::join(parts, " "));
}

CompileResult compile(const CompileOptions& opts) {
  const std::string symbol = opts.symbol.empty() ? default_symbol(opts.model_path) : opts.symbol;
  if (symbol != codegen::c_identifier(symbol))  // before the model is read: a bad flag is the first thing to say
    throw support::Refusal(fmt::format("--name '{}' is not a C identifier", symbol));
  return compile_graph(load_graph(opts.model_path, opts.input_shapes, opts.bound_input_files, opts.isolate_onnx), opts);
}

CompileResult compile_graph(ir::Graph g, const CompileOptions& opts) {
  CompileResult r;
  r.symbol = opts.symbol.empty() ? default_symbol(opts.model_path) : opts.symbol;
  if (r.symbol != codegen::c_identifier(r.symbol))
    throw support::Refusal(fmt::format("--name '{}' is not a C identifier", r.symbol));
  r.graph = std::move(g);
  // Float builds expose every tensor before fusion (calibration sees pre-activation
  // values); int8 builds after fusion, so exposing does not change what is quantized.
  if (opts.expose_intermediates && !opts.quantize) passes::expose_intermediates(r.graph);
  passes::PipelineOptions po;
  po.expose_before_quantize = opts.expose_intermediates && opts.quantize;
  po.planner = opts.planner;
  po.max_folded_bytes = opts.max_folded_bytes;
  po.target = opts.target;
  po.preference = opts.preference;
  po.skip = opts.skip_passes;
  // Builds that expose every tensor (calibration, per-layer reports) read whole
  // intermediate tensors: there is no stage to patch, and nothing to save.
  if (!opts.expose_intermediates) po.patch = opts.patch;
  po.print_after = opts.print_after;
  po.dump = &std::cerr;
  if (opts.quantize) po.quantize = &*opts.quantize;
  po.io_int8 = opts.io_int8 && !opts.expose_intermediates;
  passes::QuantizeReport quantized;
  po.quantize_report = &quantized;
  r.memory = passes::run_pipeline(r.graph, po);
  r.quantized = opts.quantize.has_value();
  r.float_layers = quantized.float_layers;
  if (opts.strict_int8 && !r.float_layers.empty()) {
    const passes::FloatLayer& f = r.float_layers.front();
    throw support::Refusal(fmt::format("{}: --strict-int8: layer '{}' ({}) would stay float: {}{}{}{}", opts.model_path,
                                       f.name, f.op, f.reason, f.flag.empty() ? "" : "; ", f.flag,
                                       r.float_layers.size() > 1
                                           ? fmt::format(" ({} more layers would; compile without --strict-int8 lists them)",
                                                         r.float_layers.size() - 1)
                                           : ""));
  }

  codegen::Options co;
  co.symbol = r.symbol;
  co.model_file = fs::path(opts.model_path).filename().string();
  co.target = opts.target;
  co.options = describe_options(opts);
  r.files = codegen::generate(r.graph, co);
  r.macs = ops::total_macs(r.graph);

  for (ir::TensorId t : codegen::kernel_constants(r.graph)) r.weight_bytes += r.graph.tensor(t).bytes();
  return r;
}

std::vector<std::string> write_outputs(const CompileResult& r, const std::string& outdir) {
  std::error_code ec;
  fs::create_directories(outdir, ec);
  if (ec) throw support::Refusal(fmt::format("cannot create output directory '{}': {}", outdir, ec.message()));
  const std::vector<std::pair<std::string, const std::string*>> files = {
      {r.symbol + ".h", &r.files.header},
      {r.symbol + ".cpp", &r.files.source},
      {r.symbol + "_weights.cpp", &r.files.weights}};
  // Write beside the final names, then rename: a failure leaves no half-written file.
  std::vector<std::string> written;
  for (const auto& [name, text] : files) {
    const std::string tmp = (fs::path(outdir) / ("." + name + ".tmp")).string();
    support::write_file(tmp, *text);
  }
  for (const auto& [name, text] : files) {
    const fs::path final_path = fs::path(outdir) / name;
    fs::rename(fs::path(outdir) / ("." + name + ".tmp"), final_path, ec);
    if (ec) throw support::Refusal(fmt::format("cannot write '{}': {}", final_path.string(), ec.message()));
    written.push_back(final_path.string());
  }
  return written;
}

}  // namespace mote::driver
