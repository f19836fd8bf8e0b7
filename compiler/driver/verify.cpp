#include "compiler/driver/verify.h"

#include "compiler/driver/fit_compile.h"

#include "compiler/driver/footprint.h"

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/cortex_m_build.h"
#include "compiler/driver/io_quant.h"
#include "compiler/driver/json_text.h"
#include "compiler/driver/layer_report.h"
#include "compiler/driver/test_data.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "frontend/onnx_loader.h"
#include "compiler/ir/tensor_data.h"
#include "frontend/tensor_proto.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

// Checks a data file's tensor against the graph tensor it feeds or is compared with:
// the same shape, not only the same count (a 64x1 input is not a 1x64 one). Float
// data for an int8 input or output (--io int8) matches: it is converted.
void check_matches(const ir::Tensor& data, const ir::Tensor& model, const std::string& file, const char* role) {
  const bool converted = ops::is_s8_quantized(model) && data.dtype == ir::DType::kF32;
  if ((data.dtype != model.dtype && !converted) || data.shape != model.shape)
    throw support::Refusal(fmt::format("{}: {} {}[{}] does not match the model's '{}' {}[{}]", file, role,
                                       ir::dtype_name(data.dtype), ir::shape_str(data.shape), model.name,
                                       ir::dtype_name(model.dtype), ir::shape_str(model.shape)));
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  const std::string s = support::read_text(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

// Accuracy of one output of a quantized build, over the data sets.
struct Accuracy {
  std::string name;
  double signal = 0, noise = 0;  // sum want^2, sum (got - want)^2
  int top1_agree = 0, top1_sets = 0;
  bool classes = false;          // shape [1, C] or [C] with C > 1
};

// Quantized builds, and int8 C APIs, are judged by SNR and top-1, not atol/rtol.
// --min-snr without --quantize asks for the same (a QDQ model on the integer kernels).
bool accuracy_mode(const VerifyOptions& opts) {
  return opts.compile.quantize || opts.compile.io_int8 || opts.snr_bar;
}

double snr_db(double signal, double noise) {
  if (noise == 0) return INFINITY;
  return 10 * std::log10(signal / noise);
}

size_t argmax(const std::vector<double>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// One data set's outcome, for --json.
struct SetRecord {
  std::string name;
  bool ok = false;
  int64_t instructions = -1, peak_stack_bytes = -1;  // -1: not measured (host)
};

struct Totals {
  int passed = 0, sets = 0;
  double worst_abs = 0, worst_rel = 0;
  std::string model;
  std::vector<Accuracy> accuracy;  // quantized builds, one per output
  std::vector<SetRecord> records;
  std::string failure;  // why nothing ran (the code did not build)
};

// The human report goes to stderr when stdout is for JSON.
std::FILE* report_stream(const VerifyOptions& opts) { return opts.json ? stderr : stdout; }

// Compiles once with `co` and verifies every data set of `sets` against that build.
// Returns false when the code does not build (reported already).
bool verify_group(const VerifyOptions& opts, const std::vector<DataSet>& sets, CompileOptions co, Totals& totals) {
  std::FILE* const out = report_stream(opts);
  co.symbol = "model";
  // A part or board with a budget: the same check as compile's (and --patch auto
  // sized to it), before anything runs.
  const Budget budget = target_budget(co.target);
  const FittedCompile fc = compile_to_fit(co, budget, opts.toolchain, has_budget(budget));
  if (fc.fit && !fc.fit->fits) throw BudgetRefusal(*fc.fit, co.target.name);
  const CompileResult& r = fc.result;
  totals.model = r.graph.name;
  const ir::Graph& g = r.graph;

  // Read and check all data before building, so bad data is a refusal, not a failure.
  std::vector<std::vector<ir::Tensor>> inputs, outputs;
  for (const DataSet& s : sets) {
    if (s.inputs.size() != g.inputs.size())
      throw support::Refusal(fmt::format("{}: {} input files, the model has {} inputs", s.dir, s.inputs.size(), g.inputs.size()));
    if (s.outputs.size() != g.outputs.size())
      throw support::Refusal(fmt::format("{}: {} output files, the model has {} outputs", s.dir, s.outputs.size(), g.outputs.size()));
    inputs.emplace_back();
    outputs.emplace_back();
    for (size_t i = 0; i < s.inputs.size(); ++i) {
      inputs.back().push_back(frontend::read_tensor_file(s.inputs[i]));
      const ir::Tensor& model_in = g.tensor(g.inputs[i]);
      check_matches(inputs.back().back(), model_in, s.inputs[i], "input");
      if (ops::is_s8_quantized(model_in) && inputs.back().back().dtype == ir::DType::kF32)
        inputs.back().back() = quantize_for(inputs.back().back(), model_in);
    }
    for (size_t i = 0; i < s.outputs.size(); ++i) {
      outputs.back().push_back(frontend::read_tensor_file(s.outputs[i]));
      check_matches(outputs.back().back(), g.tensor(g.outputs[i]), s.outputs[i], "expected output");
    }
  }

  support::TempDir tmp("verify");
  if (opts.keep) tmp.keep();
  const target::Target& target = opts.compile.target;
  // One way to run a data set folder (in_N.bin in, out_N.bin out), host or QEMU.
  std::function<QemuRun(const std::string&)> run_set;
  std::string build_log;
  bool built = false;
  if (target.host) {
    const BuildResult b = build_host(r, tmp.path(), opts.build);
    built = b.ok;
    build_log = b.log;
    run_set = [&, exe = b.executable](const std::string& dir) {
      std::vector<std::string> argv = {exe};
      for (size_t i = 0; i < g.inputs.size(); ++i) argv.push_back(fmt::format("in_{}.bin", i));
      argv.push_back("--");
      for (size_t i = 0; i < g.outputs.size(); ++i) argv.push_back(fmt::format("out_{}.bin", i));
      QemuRun q;
      q.process = support::run_process(argv, opts.run_timeout_seconds, dir);
      return q;
    };
  } else {
    const CortexMBuild b = build_cortex_m(r, tmp.path(), target, opts.toolchain);
    built = b.ok;
    build_log = b.log;
    run_set = [&, elf = b.elf](const std::string& dir) { return run_qemu(target, elf, dir, opts.run_timeout_seconds); };
  }
  if (!built) {
    fmt::print(out, "verify: {}: FAIL: the generated code does not build for {}:\n{}\n", g.name, target.name, build_log);
    totals.failure = fmt::format("the generated code does not build for {}", target.name);
    return false;
  }
  if (opts.keep) fmt::print(out, "verify: build folder kept at {}\n", tmp.path());

  int& passed = totals.passed;
  double& worst_abs = totals.worst_abs;
  double& worst_rel = totals.worst_rel;
  totals.sets += static_cast<int>(sets.size());
  for (size_t s = 0; s < sets.size(); ++s) {
    const std::string dir = (fs::path(tmp.path()) / fmt::format("set_{}", s)).string();
    fs::create_directories(dir);
    for (size_t i = 0; i < inputs[s].size(); ++i) {
      const auto& d = *inputs[s][i].data;
      support::write_file((fs::path(dir) / fmt::format("in_{}.bin", i)).string(), std::string(d.begin(), d.end()));
    }
    const QemuRun q = run_set(dir);
    const support::ProcessResult& p = q.process;
    const std::string set_name = fs::path(sets[s].dir).filename().string();
    totals.records.push_back({set_name, false, -1, -1});
    SetRecord& record = totals.records.back();
    if (!p.exited || p.exit_code != 0) {
      fmt::print(out, "  {}: FAIL: the generated code crashed on {} ({})\n{}\n", set_name, target.name,
                 support::describe(p, opts.run_timeout_seconds), p.output);
      continue;
    }
    if (q.measured) {
      record.instructions = static_cast<int64_t>(q.instructions);
      record.peak_stack_bytes = static_cast<int64_t>(q.stack_bytes);
      fmt::print(out, "  {}: {}: {} instructions, peak stack {} bytes\n", set_name, target.name, q.instructions,
                 q.stack_bytes);
    }
    bool set_ok = true;
    if (accuracy_mode(opts)) {
      // Accuracy, not tolerance: the bars apply to the totals over all data sets.
      totals.accuracy.resize(outputs[s].size());
      for (size_t i = 0; i < outputs[s].size(); ++i) {
        const ir::Tensor& want = outputs[s][i];
        const ir::Tensor& model_out = g.tensor(g.outputs[i]);
        const std::vector<uint8_t> bytes = read_bytes((fs::path(dir) / fmt::format("out_{}.bin", i)).string());
        if (static_cast<int64_t>(bytes.size()) != model_out.bytes()) {
          fmt::print(out, "  {}: output {}: FAIL: got {} bytes, expected {}\n", set_name, i, bytes.size(), model_out.bytes());
          set_ok = false;
          continue;
        }
        ir::Tensor got = want;
        got.data = bytes;
        const std::vector<double> w = ir::data_as_double(want);
        const std::vector<double> o = ops::is_s8_quantized(model_out) && want.dtype == ir::DType::kF32
                                          ? dequantize_from(model_out, bytes)
                                          : ir::data_as_double(got);
        double sig = 0, noise = 0, max_abs = 0;
        for (size_t e = 0; e < w.size(); ++e) {
          sig += w[e] * w[e];
          noise += (o[e] - w[e]) * (o[e] - w[e]);
          max_abs = std::max(max_abs, std::fabs(o[e] - w[e]));
        }
        Accuracy& a = totals.accuracy[i];
        a.name = g.tensor(g.outputs[i]).name;
        a.signal += sig;
        a.noise += noise;
        const ir::Shape& sh = g.tensor(g.outputs[i]).shape;
        a.classes = (sh.size() == 1 && sh[0] > 1) || (sh.size() == 2 && sh[0] == 1 && sh[1] > 1);
        std::string top1;
        if (a.classes) {
          const size_t gw = argmax(w), go = argmax(o);
          a.top1_agree += gw == go;
          ++a.top1_sets;
          top1 = fmt::format(", top-1 {} (expected {})", go, gw);
        }
        fmt::print(out, "  {}: output {} '{}': SNR {:.1f} dB, max abs err {:.3g}{}\n", set_name, i, a.name,
                   snr_db(sig, noise), max_abs, top1);
      }
      passed += set_ok;
      record.ok = set_ok;
      continue;
    }
    for (size_t i = 0; i < outputs[s].size(); ++i) {
      const Comparison c =
          compare(outputs[s][i], read_bytes((fs::path(dir) / fmt::format("out_{}.bin", i)).string()), opts.tolerance);
      worst_abs = std::max(worst_abs, c.max_abs);
      worst_rel = std::max(worst_rel, c.max_rel);
      fmt::print(out, "  {}: output {} '{}': max abs err {:.3g}, max rel err {:.3g}{}\n", set_name, i,
                 g.tensor(g.outputs[i]).name, c.max_abs, c.max_rel,
                 c.ok ? "" : fmt::format(" FAIL ({} mismatches; first {})", c.mismatches, c.first_mismatch));
      set_ok = set_ok && c.ok;
    }
    passed += set_ok;
    record.ok = set_ok;
  }
  return true;
}

// verify --json (docs/json.md). SNR is null when the output is exact (no noise).
// With --per-layer, `layers` carries layer_report's rows (null when its builds failed).
std::string verify_json(const VerifyOptions& opts, const Totals& totals, bool ok, const std::vector<bool>& output_oks,
                        const LayerErrors* layers) {
  namespace json = llvm::json;
  auto finite = [](double v) { return std::isfinite(v) ? json::Value(v) : json::Value(nullptr); };
  json::Array records;
  for (const SetRecord& r : totals.records) {
    json::Object o{{"name", json::fixUTF8(r.name)}, {"ok", r.ok}};
    if (r.instructions >= 0) {
      o["instructions"] = r.instructions;
      o["peak_stack_bytes"] = r.peak_stack_bytes;
    }
    records.push_back(std::move(o));
  }
  json::Object o{{"command", "verify"},
                 {"model", json::fixUTF8(opts.compile.model_path)},
                 {"target", opts.compile.target.name},
                 {"result", ok ? "PASS" : "FAIL"},
                 {"passed_sets", totals.passed},
                 {"sets", totals.sets},
                 {"data_sets", std::move(records)}};
  if (!totals.failure.empty()) o["error"] = totals.failure;
  if (accuracy_mode(opts)) {
    o["mode"] = "accuracy";
    json::Array outs;
    for (size_t i = 0; i < totals.accuracy.size(); ++i) {
      const Accuracy& a = totals.accuracy[i];
      json::Object oo{{"name", json::fixUTF8(a.name)},
                      {"snr_db", finite(snr_db(a.signal, a.noise))},
                      {"min_snr_db", opts.min_snr_db},
                      {"ok", i < output_oks.size() && output_oks[i]}};
      if (a.classes && a.top1_sets > 0) {
        oo["top1_agree"] = a.top1_agree;
        oo["top1_sets"] = a.top1_sets;
        oo["top1"] = static_cast<double>(a.top1_agree) / a.top1_sets;
        oo["min_top1"] = opts.min_top1;
      }
      outs.push_back(std::move(oo));
    }
    o["outputs"] = std::move(outs);
  } else {
    o["mode"] = "tolerance";
    o["max_abs_err"] = finite(totals.worst_abs);
    o["max_rel_err"] = finite(totals.worst_rel);
    o["atol"] = opts.tolerance.atol;
    o["rtol"] = opts.tolerance.rtol;
  }
  if (layers) {
    json::Array rows;
    for (const LayerError& l : layers->rows)
      rows.push_back(json::Object{{"tensor", json::fixUTF8(l.tensor)}, {"node", json::fixUTF8(l.node)},
                                  {"op", l.op}, {"dtype", l.dtype}, {"quantized", l.quantized},
                                  {"snr_db", finite(l.snr_db)}, {"max_abs_err", l.max_abs},
                                  {"scale", l.scale == "-" ? json::Value(nullptr) : json::Value(l.scale)}});
    o["layers"] = layers->ok ? json::Value(std::move(rows)) : json::Value(nullptr);
  }
  return json_text(json::Value(std::move(o)));
}

// Compiles, runs and judges; with `layers` (--per-layer) their table follows the verdict.
int verify_sets(const VerifyOptions& opts, const LayerErrors* layers) {
  const std::vector<DataSet> sets = find_data_sets(opts.data_dir);
  std::FILE* const out = report_stream(opts);
  Totals totals;
  auto print_layers = [&] {
    if (layers && layers->ok) print_layer_errors(*layers, out);
  };
  auto build_failed = [&] {
    if (opts.json) fmt::print("{}\n", verify_json(opts, totals, false, {}, layers));
    print_layers();
    return support::kExitVerifyFailed;
  };
  if (opts.bind_inputs.empty()) {
    if (!verify_group(opts, sets, opts.compile, totals)) return build_failed();
  } else {
    // Bound inputs become constants taken from each data set: one build per set.
    const std::vector<std::string> names = frontend::graph_input_names(opts.compile.model_path);
    for (const DataSet& set : sets) {
      CompileOptions co = opts.compile;
      DataSet rest = set;
      rest.inputs.clear();
      for (size_t i = 0; i < names.size() && i < set.inputs.size(); ++i) {
        const bool bound = std::find(opts.bind_inputs.begin(), opts.bind_inputs.end(), names[i]) != opts.bind_inputs.end();
        if (bound) co.bound_input_files[names[i]] = set.inputs[i];
        else rest.inputs.push_back(set.inputs[i]);
      }
      for (const std::string& b : opts.bind_inputs)
        if (!co.bound_input_files.count(b))
          throw support::Refusal(fmt::format("--bind-input '{}' is not a graph input with data in {}", b, set.dir));
      if (!verify_group(opts, {rest}, co, totals)) return build_failed();
    }
  }
  if (accuracy_mode(opts)) {
    bool ok = totals.passed == totals.sets;
    std::vector<std::string> parts;
    std::vector<bool> output_oks;
    for (const Accuracy& a : totals.accuracy) {
      const double snr = snr_db(a.signal, a.noise);
      bool out_ok = snr >= opts.min_snr_db;
      std::string part = fmt::format("'{}' SNR {:.1f} dB (min {:g})", a.name, snr, opts.min_snr_db);
      if (a.classes && a.top1_sets > 0) {
        const double frac = static_cast<double>(a.top1_agree) / a.top1_sets;
        out_ok = out_ok && frac >= opts.min_top1;
        part += fmt::format(", top-1 agreement {}/{} = {:.3f} (min {:g})", a.top1_agree, a.top1_sets, frac, opts.min_top1);
      }
      ok = ok && out_ok;
      output_oks.push_back(out_ok);
      parts.push_back(part);
    }
    if (opts.json) fmt::print("{}\n", verify_json(opts, totals, ok, output_oks, layers));
    fmt::print(out, "verify: {}: {} on {} ({}{}): {}/{} data sets ran; {}\n", totals.model, ok ? "PASS" : "FAIL",
               opts.compile.target.name, opts.compile.quantize ? "int8" : "SNR",
               opts.compile.io_int8 ? ", int8 C API" : "", totals.passed, totals.sets, fmt::join(parts, "; "));
    print_layers();
    return ok ? support::kExitOk : support::kExitVerifyFailed;
  }
  const bool ok = totals.passed == totals.sets;
  if (opts.json) fmt::print("{}\n", verify_json(opts, totals, ok, {}, layers));
  fmt::print(out, "verify: {}: {} on {}: {}/{} data sets (max abs err {:.3g}, max rel err {:.3g}, atol {:g}, rtol {:g}){}\n",
             totals.model, ok ? "PASS" : "FAIL", opts.compile.target.name, totals.passed, totals.sets,
             totals.worst_abs, totals.worst_rel, opts.tolerance.atol, opts.tolerance.rtol,
             opts.bind_inputs.empty() ? "" : fmt::format(" with {} bound at compile time", fmt::join(opts.bind_inputs, ", ")));
  print_layers();
  return ok ? support::kExitOk : support::kExitVerifyFailed;
}

}  // namespace

int verify(const VerifyOptions& opts) {
  if (!opts.per_layer) return verify_sets(opts, nullptr);
  // The per-layer figures first (refusing what it cannot do before anything long
  // runs), so that the verdict, its JSON and the table come out together.
  const LayerErrors layers = measure_layer_errors(opts, report_stream(opts));
  const int code = verify_sets(opts, &layers);
  return layers.ok ? code : support::kExitVerifyFailed;
}

}  // namespace mote::driver
