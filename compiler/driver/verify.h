#pragma once
// `mote verify`: compile, build with a harness, run on every test data set and
// compare with the expected outputs, on the host or on an emulated Cortex-M
// (the target in `compile.target`).
#include <string>
#include <vector>

#include "compiler/driver/compare.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/host_build.h"

namespace mote::driver {

struct VerifyOptions {
  CompileOptions compile;
  std::string data_dir;
  Tolerance tolerance;
  // Quantized builds (compile.quantize set): instead of atol/rtol, each output must
  // reach this signal-to-noise ratio over all data sets, 10*log10(sum want^2 /
  // sum (got - want)^2), and class outputs ([1, C] or [C], C > 1) this share of
  // top-1 agreement.
  double min_snr_db = 20;
  double min_top1 = 0;
  // --min-snr given without --quantize: the same SNR and top-1 bars for a plain
  // build (a QDQ model whose pattern fold-qdq put on the int8 kernels rounds
  // differently from onnxruntime's float-between-Q/DQ reference).
  bool snr_bar = false;
  BuildOptions build;
  std::vector<std::string> bind_inputs;  // graph inputs compiled as constants from each data set
  std::string toolchain = "gcc";  // for Cortex-M targets: gcc or clang
  bool keep = false;  // keep the build folder and say where it is
  int run_timeout_seconds = 120;
  // --per-layer (int8, host): after the verdict, each tensor's int8 error (layer_report.h).
  bool per_layer = false;
  // --json: one JSON object on stdout (docs/json.md), the report on stderr.
  bool json = false;
};

// Prints a report to stdout; returns the exit code (0 pass, 1 mismatch or broken
// build/run). Refusals (exit 2) are thrown as support::Refusal.
int verify(const VerifyOptions& opts);

}  // namespace mote::driver
