#include "compiler/driver/calibrate.h"

#include "compiler/driver/json_report.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "compiler/driver/calibration_inputs.h"
#include "compiler/driver/host_build.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  const std::string s = support::read_text(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

// The float model with every intermediate tensor exposed as an output, for the host.
CompileResult calibration_build(CompileOptions co) {
  co.symbol = "model";
  co.target = target::host_target();
  co.expose_intermediates = true;
  co.quantize.reset();  // ranges are taken on the float model
  co.print_after.clear();  // --print-after shows the build the user asked for, not this one
  return compile(co);
}

// Float tensors observed: the graph inputs and every output (the model's own and
// exposed), each with its producer; no range yet.
std::vector<TensorStats> observed_tensors(const ir::Graph& g) {
  std::vector<ir::TensorId> observed;
  for (ir::TensorId id : g.inputs)
    if (g.tensor(id).dtype == ir::DType::kF32) observed.push_back(id);
  for (ir::TensorId id : g.outputs)
    if (g.tensor(id).dtype == ir::DType::kF32) observed.push_back(id);
  const std::vector<int> producers = g.producers();
  std::vector<TensorStats> tensors;
  for (ir::TensorId id : observed) {
    TensorStats s;
    s.name = g.tensor(id).name;
    const int p = producers[static_cast<size_t>(id)];
    if (p >= 0) {
      s.producer = g.nodes[static_cast<size_t>(p)].name;
      s.op = g.nodes[static_cast<size_t>(p)].op;
    }
    tensors.push_back(std::move(s));
  }
  return tensors;
}

}  // namespace

std::vector<TensorStats> calibrated_tensors(const CompileOptions& co) {
  return observed_tensors(calibration_build(co).graph);
}

Calibration calibrate(const CalibrateOptions& opts) {
  const CompileResult r = calibration_build(opts.compile);
  const ir::Graph& g = r.graph;
  const std::vector<CalibrationRun> runs = find_calibration_runs(opts.data_dir, g);

  Calibration cal;
  cal.model = g.name;
  cal.tensors = observed_tensors(g);

  support::TempDir tmp("calibrate");
  BuildOptions bo;
  bo.sanitize = false;  // many runs: build for speed; verify covers the sanitizers
  const BuildResult b = build_host(r, tmp.path(), bo);
  if (!b.ok) throw support::InternalError(fmt::format("{}: the calibration build failed:\n{}", g.name, b.log));

  for (size_t run = 0; run < runs.size(); ++run) {
    const CalibrationRun& in = runs[run];
    const std::string dir = (fs::path(tmp.path()) / "run").string();
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::vector<std::string> argv = {b.executable};
    for (size_t i = 0; i < in.inputs.size(); ++i) {
      const std::string file = (fs::path(dir) / fmt::format("in_{}.bin", i)).string();
      support::write_file(file, std::string(in.inputs[i].begin(), in.inputs[i].end()));
      argv.push_back(file);
    }
    argv.push_back("--");
    for (size_t i = 0; i < g.outputs.size(); ++i) argv.push_back((fs::path(dir) / fmt::format("out_{}.bin", i)).string());
    const support::ProcessResult p = support::run_process(argv, opts.run_timeout_seconds, dir);
    if (!p.exited || p.exit_code != 0)
      throw support::InternalError(fmt::format("{}: the calibration build crashed on {} ({})\n{}", g.name, in.source,
                                               support::describe(p, opts.run_timeout_seconds), p.output));
    size_t k = 0;
    auto feed = [&](const std::string& path) {
      const std::vector<uint8_t> bytes = read_bytes(path);
      std::vector<float> v(bytes.size() / sizeof(float));
      if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
      cal.tensors[k++].observed.observe(v.data(), v.size());
    };
    for (size_t i = 0; i < g.inputs.size(); ++i)
      if (g.tensor(g.inputs[i]).dtype == ir::DType::kF32) feed(argv[1 + i]);
    for (size_t i = 0; i < g.outputs.size(); ++i)
      if (g.tensor(g.outputs[i]).dtype == ir::DType::kF32) feed(argv[g.inputs.size() + 2 + i]);
    ++cal.inputs_used;
    if (opts.progress && ((run + 1) % 10 == 0 || run + 1 == runs.size()))
      std::cerr << fmt::format("calibrate: {}/{} inputs\n", run + 1, runs.size());
  }
  for (TensorStats& s : cal.tensors) s.range = s.observed.range(opts.method, opts.percentile);
  return cal;
}

void calibrate_for_quantization(CompileOptions& co, const std::string& data_dir, quant::CalibrationMethod method,
                                double percentile) {
  CalibrateOptions c;
  c.compile = co;
  c.data_dir = data_dir;
  c.method = method;
  c.percentile = percentile;
  c.progress = false;
  const Calibration cal = calibrate(c);
  passes::QuantizeOptions q;
  for (const TensorStats& s : cal.tensors) q.ranges[s.name] = s.range;
  co.quantize = std::move(q);
  std::cerr << fmt::format("mote: calibrated {} tensors of {} on {} inputs from {} ({})\n", cal.tensors.size(),
                           cal.model, cal.inputs_used, data_dir, quant::calibration_method_name(method));
}

int calibrate_command(const CalibrateOptions& opts, bool json) {
  const Calibration cal = calibrate(opts);
  const char* method = quant::calibration_method_name(opts.method);
  if (json) {
    std::vector<std::string> items;
    for (const TensorStats& s : cal.tensors) {
      const quant::AffineInt8 a = quant::affine_int8(s.range);
      items.push_back(fmt::format(
          "    {{\"tensor\": {}, \"node\": {}, \"op\": {}, \"min\": {:.9g}, \"max\": {:.9g}, \"lo\": {:.9g}, "
          "\"hi\": {:.9g}, \"scale\": {:.9g}, \"zero_point\": {}}}",
          json_quote(s.name), json_quote(s.producer), json_quote(s.op), s.observed.min(), s.observed.max(), s.range.lo, s.range.hi, a.scale, a.zero_point));
    }
    fmt::print("{{\n  \"command\": \"calibrate\",\n  \"model\": {},\n  \"method\": \"{}\",\n  \"inputs\": {},\n  \"tensors\": [\n{}\n  ]\n}}\n", json_quote(cal.model),
               method, cal.inputs_used, fmt::join(items, ",\n"));
    return support::kExitOk;
  }
  fmt::print("calibrate: {}: {} inputs, method {}{}\n", cal.model, cal.inputs_used, method,
             opts.method == quant::CalibrationMethod::kPercentile ? fmt::format(" ({:g}%)", opts.percentile) : "");
  fmt::print("{:<40} {:<18} {:>12} {:>12} {:>12} {:>12} {:>12} {:>5}\n", "tensor", "op", "min", "max", "lo", "hi",
             "int8 scale", "zp");
  for (const TensorStats& s : cal.tensors) {
    const quant::AffineInt8 a = quant::affine_int8(s.range);
    fmt::print("{:<40} {:<18} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g} {:>5}\n", s.name,
               s.op.empty() ? "(input)" : s.op, s.observed.min(), s.observed.max(), s.range.lo, s.range.hi, a.scale,
               a.zero_point);
  }
  return support::kExitOk;
}

}  // namespace mote::driver
