// The `mote` command line. Exit codes, the same for every subcommand:
//   0 success; 1 verification failed (out of tolerance, generated code did not
//   build or crashed); 2 the model or the arguments were refused; 3 internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <iostream>

#include "compiler/cli/suggest.h"
#include "compiler/driver/bench.h"
#include "compiler/driver/calibrate.h"
#include "compiler/driver/ranges_file.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/fit_compile.h"
#include "compiler/driver/footprint.h"
#include "compiler/driver/export.h"
#include "compiler/driver/inspect.h"
#include "compiler/driver/report.h"
#include "compiler/driver/json_report.h"
#include "compiler/driver/verify.h"
#include "compiler/ops/registry.h"
#include "compiler/target/target.h"
#include "frontend/onnx_loader.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/one_line.h"
#include "passes/pass_manager.h"

namespace {

using mote::support::Refusal;

// A folder given as the model means its model.onnx (the backend-test layout).
std::string model_file(const std::string& arg) {
  if (std::filesystem::is_directory(arg)) return (std::filesystem::path(arg) / "model.onnx").string();
  return arg;
}

struct Common {
  std::string model;
  std::string target = "host";
  std::vector<std::string> input_shapes;
  std::string planner = "greedy";
  std::vector<std::string> print_after;
  std::string optimize = "speed";
  std::string max_folded_bytes;
  bool no_in_place = false;
  std::vector<std::string> skip_passes;
  std::string patch = "off";
  int64_t patch_layers = 0;
};

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_option("model", c.model, "ONNX model file (or a folder holding model.onnx)")->required();
  cmd->add_option("--input-shape", c.input_shapes, "fix an input's shape, NAME=1x3x32x32 (repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  cmd->add_option("--planner", c.planner, "memory planner: greedy (default) or linear (no sharing)");
  cmd->add_option("--skip-pass", c.skip_passes,
                  "leave out an optional pass, to compare what it saves (repeatable): " +
                      fmt::format("{}", fmt::join(mote::passes::optional_pass_names(), ", ")))
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  cmd->add_flag("--no-in-place", c.no_in_place, "the same as --skip-pass in-place");
  cmd->add_option("--patch", c.patch,
                  "patch-based execution of the first layers: off (default), auto (the split that lowers the arena "
                  "most, or under --target PART just enough to fit, with the fewest added MACs) or RxC tiles, e.g. 4x4")
      ->capture_default_str();
  cmd->add_option("--patch-layers", c.patch_layers,
                  "with --patch RxC: how many of the first layers run on tiles (default: the number with the lowest "
                  "arena)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000}));
  cmd->add_option("--print-after", c.print_after, "dump the IR after a pass (or 'all') to stderr")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  cmd->add_option("--optimize", c.optimize,
                  "speed (default: the fast int8 kernels where they apply) or size (the reference kernels, less code)")
      ->capture_default_str();
  cmd->add_option("--max-folded-bytes", c.max_folded_bytes,
                  "refuse constant folding that makes more bytes than this (default: the largest flash in "
                  "'mote targets')");
  cmd->add_option("--target", c.target, "host (default), a core (cortex-m0..m55), a QEMU board or a part; see 'mote targets'")
      ->capture_default_str();
}

mote::driver::CompileOptions compile_options(const Common& c) {
  mote::driver::CompileOptions o;
  o.model_path = model_file(c.model);
  // Named first: every command needs the model, and a missing one otherwise shows
  // up as whatever the command looks for next (verify's data folder).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.model_path, ec))
    throw Refusal(fmt::format("{}: no such model file", o.model_path));
  for (const std::string& p : c.print_after) {
    const std::vector<std::string>& names = mote::passes::pass_names();
    if (p == "all" || std::find(names.begin(), names.end(), p) != names.end()) continue;
    std::string hint = mote::cli::nearest(p, names);
    throw Refusal(fmt::format("--print-after '{}': no such pass{}; the passes are {} (or 'all')", p,
                              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), fmt::join(names, ", ")));
  }
  o.input_shapes = mote::driver::parse_input_shapes(c.input_shapes);
  o.planner = c.planner;
  for (const std::string& p : c.skip_passes) {
    const std::vector<std::string>& optional = mote::passes::optional_pass_names();
    if (std::find(optional.begin(), optional.end(), p) != optional.end()) {
      if (std::find(o.skip_passes.begin(), o.skip_passes.end(), p) == o.skip_passes.end()) o.skip_passes.push_back(p);
      continue;
    }
    const std::vector<std::string>& all = mote::passes::pass_names();
    const bool exists = std::find(all.begin(), all.end(), p) != all.end();
    const std::string hint = exists ? "" : mote::cli::nearest(p, optional);
    throw Refusal(fmt::format("--skip-pass '{}': {}{}; the passes that may be skipped are {}", p,
                              exists ? "the output needs this pass" : "no such pass",
                              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), fmt::join(optional, ", ")));
  }
  if (c.no_in_place && std::find(o.skip_passes.begin(), o.skip_passes.end(), "in-place") == o.skip_passes.end())
    o.skip_passes.push_back("in-place");
  o.print_after = c.print_after;
  o.patch = mote::passes::parse_patch(c.patch);
  if (c.patch_layers > 0) {
    if (o.patch.mode != mote::passes::PatchOptions::Mode::kFixed)
      throw Refusal("--patch-layers is only used with --patch RxC");
    o.patch.layers = c.patch_layers;
  }
  o.target = mote::target::find_target(c.target);
  if (c.optimize != "speed" && c.optimize != "size")
    throw Refusal(fmt::format("--optimize '{}': expected speed or size", c.optimize));
  o.preference = c.optimize == "size" ? mote::ops::Preference::kSize : mote::ops::Preference::kSpeed;
  if (!c.max_folded_bytes.empty()) o.max_folded_bytes = mote::driver::parse_bytes(c.max_folded_bytes, "--max-folded-bytes");
  return o;
}

// --quantize int8 --calibrate DIR [--calibration-method minmax|percentile], or
// --quantize int8 --ranges FILE
struct QuantArgs {
  std::string quantize;
  std::string calibrate;
  std::string ranges;
  std::string method = "minmax";
  std::vector<std::string> keep_float;
  std::vector<std::string> int16;
  std::string io = "float";
  bool strict_int8 = false;
};

void add_quantize(CLI::App* cmd, QuantArgs& q) {
  cmd->add_option("--quantize", q.quantize, "int8: post-training quantization of Conv/Gemm (needs --calibrate)");
  cmd->add_option("--calibrate", q.calibrate,
                  "representative inputs for --quantize: test_data_set_* folders, .pb files, or .npy files (one "
                  "sample, or a batch N x the input's shape without its leading 1; <input name>.npy for several "
                  "inputs)");
  cmd->add_option("--calibration-method", q.method, "minmax or percentile (99.99%)")->capture_default_str();
  cmd->add_option("--ranges", q.ranges,
                  "instead of --calibrate: the ranges `mote calibrate MODEL --data DIR --json` wrote to a file "
                  "(checked against the model)");
  cmd->add_option("--keep-float", q.keep_float, "with --quantize: this node (by name) stays float (repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  cmd->add_option("--int16", q.int16,
                  "with --quantize: this Conv/Gemm/MatMul (by name) gets int16 activations, int8 weights (repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  cmd->add_option("--io", q.io,
                  "float, or int8: the C API takes and returns int8 (scale and zero point in the header); "
                  "needs int8 first and last layers (--quantize int8, or a QDQ model)")
      ->capture_default_str();
  cmd->add_flag("--strict-int8", q.strict_int8,
                "with --quantize int8: refuse (exit 2, naming the layer) a build that would leave a layer in float, "
                "instead of falling back (for cores without an FPU)");
}

// Calibrates and sets o.quantize when --quantize is given; refuses inconsistent flags.
void apply_quantize(mote::driver::CompileOptions& o, const QuantArgs& q) {
  if (q.io != "float" && q.io != "int8") throw Refusal(fmt::format("--io '{}': expected float or int8", q.io));
  o.io_int8 = q.io == "int8";
  if (q.quantize.empty()) {
    if (!q.calibrate.empty()) throw Refusal("--calibrate is only used with --quantize int8");
    if (!q.ranges.empty()) throw Refusal("--ranges is only used with --quantize int8");
    if (!q.keep_float.empty()) throw Refusal("--keep-float is only used with --quantize int8");
    if (!q.int16.empty()) throw Refusal("--int16 is only used with --quantize int8");
    if (q.strict_int8) throw Refusal("--strict-int8 is only used with --quantize int8");
    return;
  }
  o.strict_int8 = q.strict_int8;
  if (q.quantize != "int8") throw Refusal(fmt::format("--quantize '{}': only int8 is supported", q.quantize));
  if (!q.ranges.empty()) {
    if (!q.calibrate.empty())
      throw Refusal("--calibrate and --ranges both give the activation ranges: pass one of them");
    if (q.method != "minmax")
      throw Refusal("--calibration-method is for --calibrate (a ranges file holds ranges already chosen)");
    mote::driver::ranges_for_quantization(o, q.ranges);
  } else {
    if (q.calibrate.empty())
      throw Refusal("--quantize int8 needs --calibrate DIR (representative inputs to take the activation ranges "
                    "from) or --ranges FILE (ranges mote calibrate --json wrote)");
    mote::quant::CalibrationMethod m;
    if (!mote::quant::parse_calibration_method(q.method, m))
      throw Refusal(fmt::format("--calibration-method '{}': expected minmax or percentile", q.method));
    mote::driver::calibrate_for_quantization(o, q.calibrate, m);
  }
  o.quantize->keep_float.insert(q.keep_float.begin(), q.keep_float.end());
  o.quantize->int16.insert(q.int16.begin(), q.int16.end());
}

struct BudgetArgs {
  std::string ram, flash, reserve_ram, reserve_flash, toolchain = "gcc";
  bool json = false;
  std::map<std::string, std::string> bound;  // --bind-input NAME=FILE
};

// What --patch did, for the compile summary.
std::string patch_summary(const mote::passes::PatchReport& p, int64_t macs) {
  if (!p.patched)
    return "not patched: the model fits its budget as it is, or no split of its first layers shrinks the arena (for "
           "auto without a budget: adding at most a quarter more MACs)";
  const int64_t before = macs - p.macs_added;
  return fmt::format("{}x{} tiles over {} layer{} ({} .. {}): ideal lower bound {} -> {} bytes (saves {}), +{} MACs (+{:.1f}%)",
                     p.rows, p.cols, p.layers.size(), p.layers.size() == 1 ? "" : "s", p.layers.front(), p.layers.back(),
                     p.peak_before, p.peak_after, p.peak_before - p.peak_after, p.macs_added,
                     before > 0 ? 100.0 * static_cast<double>(p.macs_added) / static_cast<double>(before) : 0.0);
}

int run_compile(const Common& c, const std::string& outdir, const std::string& name, const BudgetArgs& ba,
                const QuantArgs& qa) {
  mote::driver::CompileOptions o = compile_options(c);
  o.symbol = name;
  o.bound_input_files = ba.bound;
  const mote::target::Target& t = o.target;
  if (!t.supported) throw Refusal(fmt::format("target '{}' is not supported: {}", t.name, t.why_unsupported));
  apply_quantize(o, qa);
  mote::driver::Budget budget;
  budget.ram = ba.ram.empty() ? t.ram_bytes : mote::driver::parse_bytes(ba.ram, "--ram");
  budget.flash = ba.flash.empty() ? t.flash_bytes : mote::driver::parse_bytes(ba.flash, "--flash");
  if (!ba.reserve_ram.empty()) budget.reserve_ram = mote::driver::parse_bytes(ba.reserve_ram, "--reserve-ram");
  if (!ba.reserve_flash.empty()) budget.reserve_flash = mote::driver::parse_bytes(ba.reserve_flash, "--reserve-flash");
  // For an MCU, measure the code built for its core and check the budget before
  // anything is written into OUTDIR.
  const mote::driver::FittedCompile fc =
      mote::driver::compile_to_fit(o, budget, ba.toolchain, !t.host || mote::driver::has_budget(budget));
  const mote::driver::CompileResult& r = fc.result;
  std::string footprint;
  const std::optional<mote::driver::FitCheck>& fit_check = fc.fit;
  const std::string against = t.host ? "the given budget" : t.name;
  if (fit_check) {
    const mote::driver::FitCheck& fit = *fit_check;
    if (!fit.fits) throw mote::driver::BudgetRefusal(fit, against);
    const mote::driver::Footprint& fp = fit.footprint;
    footprint = mote::driver::footprint_summary(fp);
    if (mote::driver::has_budget(budget)) {
      std::string regions;
      for (const mote::driver::RegionUse& u : fp.regions) regions += fmt::format(", {} {} <= {} bytes", u.name, u.bytes, u.available);
      footprint += fmt::format("\n  budget:  fits {}: {} {} + reserve {} <= {} bytes{}, flash {} + reserve {} <= {} bytes",
                               against, t.ram_name, fp.ram(), budget.reserve_ram, budget.ram, regions,
                               fp.flash(), budget.reserve_flash, budget.flash);
    }
  }
  const std::vector<std::string> files = mote::driver::write_outputs(r, outdir);
  if (ba.json) {
    fmt::print("{}\n", mote::driver::compile_json(r, o.model_path, files, fit_check ? &*fit_check : nullptr, t.name,
                                                    against));
    return 0;
  }
  fmt::print("mote: compiled {} ({} nodes)\n", o.model_path, r.graph.nodes.size());
  for (const std::string& f : files) fmt::print("  wrote {}\n", f);
  fmt::print("  arena:   {} bytes (planner '{}'; one buffer per tensor would need {}, ideal lower bound {}; in the "
             "model's own order {})\n",
             r.memory.arena_bytes, r.memory.strategy, r.memory.unshared_bytes, r.memory.lower_bound_bytes,
             r.memory.model_order_lower_bound_bytes);
  if (o.patch.mode != mote::passes::PatchOptions::Mode::kOff) fmt::print("  patch:   {}\n", patch_summary(r.memory.patch, r.macs));
  if (o.quantize) {
    if (r.float_layers.empty()) {
      fmt::print("  int8:    every layer int8\n");
    } else {
      fmt::print("  float:   {} layer{} stay{} float in this int8 build (--strict-int8 refuses instead):\n",
                 r.float_layers.size(), r.float_layers.size() == 1 ? "" : "s", r.float_layers.size() == 1 ? "s" : "");
      for (const mote::passes::FloatLayer& f : r.float_layers)
        fmt::print("           {} ({}): {}{}{}\n", mote::support::one_line(f.name), f.op, mote::support::one_line(f.reason),
                   f.flag.empty() ? "" : "; ", mote::support::one_line(f.flag));
    }
  }
  fmt::print("  weights: {} bytes\n", r.weight_bytes);
  fmt::print("  MACs:    {} per inference\n", r.macs);
  if (!footprint.empty()) fmt::print("  target:  {}\n", footprint);
  return 0;
}

// A number in [lo, hi], said in the user's terms rather than CLI11's.
CLI::Validator number_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() && *end == '\0' && v >= lo && v <= hi) return "";
        return std::isinf(hi) ? fmt::format("'{}' is not a number >= {}", s, lo)
                              : fmt::format("'{}' is not a number in [{}, {}]", s, lo, hi);
      },
      std::isinf(hi) ? fmt::format("NUMBER>={}", lo) : fmt::format("NUMBER in [{}, {}]", lo, hi));
}

// CLI11 reports "--outptu" as "--output is required"; this names the word the
// user mistyped and the flag they probably meant.
std::string unknown_word(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> subcommands;
  std::vector<std::vector<std::string>> flags;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    subcommands.push_back(sub->get_name());
    std::vector<std::string> names = {"--help"};
    for (const CLI::Option* opt : sub->get_options())
      for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
    flags.push_back(std::move(names));
  }
  return mote::cli::unknown_word_message(std::vector<std::string>(argv + 1, argv + argc), subcommands, flags);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Mote: ahead-of-time compiler from ONNX to allocation-free C++ for microcontrollers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mote ") + MOTE_VERSION);
  app.footer("Exit codes: 0 success, 1 verification failed, 2 model or arguments refused, 3 internal error.");

  Common cc;
  std::string outdir, name;
  CLI::App* compile = app.add_subcommand("compile", "compile a model into SYMBOL.h, SYMBOL.cpp, SYMBOL_weights.cpp");
  add_common(compile, cc);
  compile->add_option("-o,--output", outdir, "output directory")->required();
  compile->add_option("--name", name, "C symbol prefix (default: from the file name)");
  std::vector<std::string> bind_specs;
  compile->add_option("--bind-input", bind_specs,
                      "compile a graph input as a constant: NAME=VALUE.pb (a serialized TensorProto; repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  BudgetArgs ba;
  compile->add_option("--ram", ba.ram, "RAM budget (e.g. 256K); default: the target part's RAM");
  compile->add_option("--flash", ba.flash, "flash budget (e.g. 1M); default: the target part's flash");
  compile->add_option("--reserve-ram", ba.reserve_ram, "RAM the rest of the firmware needs");
  compile->add_option("--reserve-flash", ba.reserve_flash, "flash the rest of the firmware needs");
  compile->add_option("--toolchain", ba.toolchain, "toolchain for measuring: gcc or clang")->capture_default_str();
  compile->add_flag("--json", ba.json, "print one JSON object (docs/json.md)");
  QuantArgs cq;
  add_quantize(compile, cq);

  Common bc;
  mote::driver::BenchOptions bo;
  CLI::App* bench_cmd = app.add_subcommand("bench", "measure one inference on an emulated Cortex-M: instructions, flash, RAM");
  add_common(bench_cmd, bc);
  bc.target.clear();  // bench runs on an emulated core: the host is not a choice
  bench_cmd->get_option("--target")
      ->description("a core (cortex-m0..m55), a QEMU board or a part; see 'mote targets'")
      ->default_str("")
      ->required();
  bench_cmd->add_option("--data", bo.data_dir, "inputs: the first test_data_set_* here (default: zeros)");
  bench_cmd->add_option("--toolchain", bo.toolchain, "gcc (arm-none-eabi-g++) or clang (clang-14)")->capture_default_str();
  bench_cmd->add_flag("--json", bo.json, "print one JSON object");
  bench_cmd->add_flag("--per-layer", bo.per_layer,
                      "also each layer's instructions, MACs, MACs per instruction and kernel variant (a second, "
                      "profiled build; docs/performance.md)");
  double bench_rate = 0, bench_battery = 0;
  CLI::Option* rate_opt = bench_cmd->add_option(
      "--rate", bench_rate, "with --battery: inferences per second, for the battery life on a part (docs/energy.md)");
  CLI::Option* battery_opt =
      bench_cmd->add_option("--battery", bench_battery, "with --rate: the battery's capacity in mAh");
  QuantArgs bq;
  add_quantize(bench_cmd, bq);

  Common vc;
  mote::driver::VerifyOptions vo;
  bool no_sanitize = false;
  CLI::App* verify = app.add_subcommand("verify", "compile, build and run on test data, compare with expected outputs");
  add_common(verify, vc);
  verify->add_option("--data", vo.data_dir,
                     "test data: a folder of test_data_set_*/ (input_N.pb, output_N.pb), one such set, or a "
                     "backend-test folder (default: the model's folder)");
  verify->add_option("--atol", vo.tolerance.atol, "absolute tolerance")->capture_default_str()->check(number_in(0, std::numeric_limits<double>::infinity()));
  verify->add_option("--rtol", vo.tolerance.rtol, "relative tolerance")->capture_default_str()->check(number_in(0, std::numeric_limits<double>::infinity()));
  verify->add_flag("--no-sanitize", no_sanitize, "build without AddressSanitizer and UBSan");
  verify->add_flag("--keep", vo.keep, "keep the build folder");
  verify->add_option("--bind-input", vo.bind_inputs,
                     "compile this graph input as a constant, its value taken from each data set (repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  verify->add_option("--toolchain", vo.toolchain, "for Cortex-M targets: gcc (arm-none-eabi-g++) or clang (clang-14)")
      ->capture_default_str();
  QuantArgs vq;
  add_quantize(verify, vq);
  CLI::Option* min_snr =
      verify->add_option("--min-snr", vo.min_snr_db,
                         "the least SNR in dB of each output over the data sets (with --quantize; alone it replaces "
                         "atol/rtol, e.g. for a QDQ model run on int8 kernels)")
          ->capture_default_str();
  verify->add_option("--min-top1", vo.min_top1,
                     "with --quantize or --min-snr: the least top-1 agreement (0..1) of class outputs ([1, C] or [C])")
      ->capture_default_str()
      ->check(number_in(0, 1));
  verify->add_flag("--json", vo.json, "print one JSON object (docs/json.md); the report goes to stderr");
  verify->add_flag("--per-layer", vo.per_layer,
                   "with --quantize int8 (host only): each tensor's int8-vs-float SNR, max error and scale; the worst "
                   "layer (--json: 'layers')");

  Common calc;
  mote::driver::CalibrateOptions calo;
  std::string cal_method = "minmax";
  bool cal_json = false;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "run the float model on representative inputs: every tensor's range and int8 scale/zero point");
  add_common(calibrate_cmd, calc);
  calibrate_cmd->add_option("--data", calo.data_dir,
                            "representative inputs: test_data_set_*/input_N.pb folders, *.pb files (one input each), or *.npy files: "
                            "one sample, or a batch N x the input's shape without its leading 1 (several inputs: "
                            "<input name>.npy each, the same N)")
      ->required();
  calibrate_cmd->add_option("--method", cal_method, "minmax, or percentile (clips rare outliers)")->capture_default_str();
  calibrate_cmd->add_option("--percentile", calo.percentile, "for --method percentile: the share of values kept, in (50, 100]")
      ->capture_default_str();
  calibrate_cmd->add_flag("--json", cal_json, "print one JSON object");

  Common ic;
  Common ec;
  mote::driver::ExportOptions eo;
  std::string export_name;
  bool export_json = false;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "compile a model into a library for Arduino, PlatformIO, Zephyr or a CMSIS-Pack (docs/integration.md)");
  add_common(export_cmd, ec);
  export_cmd->add_option("--format", eo.format, "arduino, platformio, zephyr or cmsis-pack")->required();
  export_cmd->add_option("-o,--output", eo.outdir, "the library's folder")->required();
  export_cmd->add_option("--name", export_name, "C symbol prefix and library name (default: from the file name)");
  export_cmd->add_option("--lib-version", eo.version, "the library's version in its manifest")->capture_default_str();
  export_cmd->add_flag("--json", export_json, "print one JSON object (docs/json.md)");
  QuantArgs eq;
  add_quantize(export_cmd, eq);

  Common rc;
  mote::driver::ReportOptions ro;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "one self-contained HTML page: the memory plan drawn, a per-layer table, the part's budgets");
  add_common(report_cmd, rc);
  report_cmd->add_option("-o,--output", ro.output, "the HTML file to write")->required();
  report_cmd->add_option("--toolchain", ro.toolchain, "for Cortex-M targets: gcc or clang")->capture_default_str();
  report_cmd->add_flag("--json", ro.json, "also print the page's data as one JSON object (docs/json.md)");
  report_cmd->add_option("--data", ro.data_dir,
                         "with --quantize int8: test data (test_data_set_*/) whose inputs measure each layer's int8 SNR "
                         "against float, as verify --per-layer does (default: the model's folder, if it holds any)");
  QuantArgs rq;
  add_quantize(report_cmd, rq);

  CLI::App* inspect = app.add_subcommand("inspect", "inputs, outputs, ops, parameters, MACs and unsupported nodes");
  inspect->add_option("model", ic.model, "ONNX model file (or a folder holding model.onnx)")->required();
  inspect->add_option("--input-shape", ic.input_shapes, "fix an input's shape, NAME=1x3x32x32 (repeatable)")
      ->allow_extra_args(false);  // one value per flag: a later positional is not swallowed
  bool inspect_json = false;
  inspect->add_flag("--json", inspect_json, "print one JSON object (docs/json.md)");

  CLI::App* targets_cmd = app.add_subcommand("targets", "list the targets: cores, QEMU boards and MCU parts with their budgets");

  bool targets_json = false;
  targets_cmd->add_flag("--json", targets_json, "print one JSON object (docs/json.md)");
  bool all_onnx = false, ops_json = false;
  CLI::App* ops_cmd = app.add_subcommand("ops", "list the ONNX operators Mote implements, one per line");
  ops_cmd->add_flag("--all-onnx", all_onnx, "every default-domain ONNX operator, with 'yes' or 'no'");
  ops_cmd->add_flag("--json", ops_json, "print one JSON object (docs/json.md)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      const std::string unknown = unknown_word(app, argc, argv);
      if (!unknown.empty()) {
        std::cerr << "mote: error: " << unknown << " (see 'mote --help')\n";
        return mote::support::kExitRefused;
      }
    }
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // One line, as every refusal is (CLI11's own adds a second).
    std::cerr << "mote: error: " << mote::support::one_line(e.what()) << " (run with --help for the options)\n";
    return mote::support::kExitRefused;
  }

  // --json: a refusal is a JSON object on stdout too, so a CI job always has one to read.
  const std::vector<std::pair<CLI::App*, const bool*>> json_flags = {
      {compile, &ba.json},     {verify, &vo.json},           {bench_cmd, &bo.json}, {calibrate_cmd, &cal_json},
      {inspect, &inspect_json}, {targets_cmd, &targets_json}, {ops_cmd, &ops_json}, {export_cmd, &export_json},
      {report_cmd, &ro.json}};
  auto json_wanted = [&] {
    for (const auto& [cmd, flag] : json_flags)
      if (cmd->parsed() && *flag) return true;
    return false;
  };
  auto json_command = [&] {
    for (const auto& [cmd, flag] : json_flags)
      if (cmd->parsed()) return cmd->get_name();
    return std::string("mote");
  };
  try {
    if (compile->parsed()) {
      for (const std::string& b : bind_specs) {
        const size_t eq = b.find('=');
        if (eq == std::string::npos || eq == 0) throw Refusal(fmt::format("--bind-input '{}': expected NAME=FILE.pb", b));
        ba.bound[b.substr(0, eq)] = b.substr(eq + 1);
      }
      return run_compile(cc, outdir, name, ba, cq);
    }
    if (bench_cmd->parsed()) {
      bo.compile = compile_options(bc);
      if (rate_opt->count()) bo.rate_hz = bench_rate;
      if (battery_opt->count()) bo.battery_mah = bench_battery;
      mote::driver::check_battery_args(bo.compile.target, bo.rate_hz, bo.battery_mah);  // before calibrating
      apply_quantize(bo.compile, bq);
      return mote::driver::bench(bo);
    }
    if (calibrate_cmd->parsed()) {
      calo.compile = compile_options(calc);
      if (!mote::quant::parse_calibration_method(cal_method, calo.method))
        throw Refusal(fmt::format("--method '{}': expected minmax or percentile", cal_method));
      if (!(calo.percentile > 50 && calo.percentile <= 100))
        throw Refusal(fmt::format("--percentile {}: expected a value in (50, 100]", calo.percentile));
      return mote::driver::calibrate_command(calo, cal_json);
    }
    if (verify->parsed()) {
      vo.compile = compile_options(vc);
      if (vo.data_dir.empty()) vo.data_dir = std::filesystem::path(vo.compile.model_path).parent_path().string();
      if (vo.data_dir.empty()) vo.data_dir = ".";
      vo.build.sanitize = !no_sanitize;
      vo.snr_bar = min_snr->count() > 0;
      if (vo.per_layer && !vo.compile.target.host)  // before calibrating
        throw Refusal(fmt::format("--per-layer runs on the host only, not on '{}': drop --target", vo.compile.target.name));
      apply_quantize(vo.compile, vq);
      return mote::driver::verify(vo);
    }
    if (report_cmd->parsed()) {
      ro.compile = compile_options(rc);
      if (!ro.compile.target.host) mote::driver::require_bench_target(ro.compile.target);  // before calibrating
      apply_quantize(ro.compile, rq);
      return mote::driver::report(ro);
    }
    if (export_cmd->parsed()) {
      eo.compile = compile_options(ec);
      eo.compile.symbol = export_name;
      if (!eo.compile.target.supported)
        throw Refusal(fmt::format("target '{}' is not supported: {}", eo.compile.target.name, eo.compile.target.why_unsupported));
      apply_quantize(eo.compile, eq);
      const std::vector<std::string> files = mote::driver::export_library(eo);
      if (export_json) {
        fmt::print("{}\n", mote::driver::export_json(eo, files));
        return 0;
      }
      fmt::print("mote: exported {} as a library for {} in {}\n", eo.compile.model_path, eo.format, eo.outdir);
      for (const std::string& f : files) fmt::print("  wrote {}\n", f);
      return 0;
    }
    if (targets_cmd->parsed() && targets_json) {
      fmt::print("{}\n", mote::driver::targets_json());
      return 0;
    }
    if (ops_cmd->parsed() && ops_json) {
      fmt::print("{}\n", mote::driver::ops_json(all_onnx));
      return 0;
    }
    if (targets_cmd->parsed()) {
      fmt::print("{:<22} {:<11} {:>4} {:>4} {:>10} {:>10}  {}\n", "target", "core", "FPU", "DSP", "RAM", "flash", "description");
      for (const mote::target::Target& t : mote::target::all_targets()) {
        auto kib = [](int64_t b) { return b ? fmt::format("{} KiB", b / 1024) : std::string("-"); };
        fmt::print("{:<22} {:<11} {:>4} {:>4} {:>10} {:>10}  {}{}\n", t.name, t.supported ? t.core.name : "xtensa",
                   t.core.has_fpu ? "yes" : "no", t.core.has_dsp ? "yes" : "no", kib(t.ram_bytes), kib(t.flash_bytes),
                   t.description, t.supported ? "" : " [not supported: " + t.why_unsupported + "]");
      }
      return 0;
    }
    if (ops_cmd->parsed()) {
      if (!all_onnx) {
        for (const mote::ops::OpDef* d : mote::ops::all_ops()) fmt::print("{}\n", d->op);
        return 0;
      }
      for (const std::string& op : mote::frontend::onnx_operator_names())
        fmt::print("{}\t{}\n", op, mote::ops::find_op(op) ? "yes" : "no");
      return 0;
    }
    if (inspect->parsed())
      return mote::driver::inspect(model_file(ic.model), mote::driver::parse_input_shapes(ic.input_shapes), inspect_json);
  } catch (const mote::support::Error& e) {
    // A refusal is one line, whatever the model's names hold; other errors keep
    // their build logs as they are.
    const bool refused = e.code() == mote::support::kExitRefused;
    const std::string message = refused ? mote::support::one_line(e.what()) : std::string(e.what());
    if (json_wanted()) {
      fmt::print("{}\n", mote::driver::error_json(json_command(), message, e.code(),
                                                  dynamic_cast<const mote::driver::BudgetRefusal*>(&e)));
    }
    std::cerr << "mote: error: " << message << "\n";
    return e.code();
  } catch (const std::exception& e) {
    if (json_wanted()) fmt::print("{}\n", mote::driver::error_json(json_command(), e.what(), mote::support::kExitInternal));
    std::cerr << "mote: internal error: " << e.what() << "\n";
    return mote::support::kExitInternal;
  }
  return 0;
}
