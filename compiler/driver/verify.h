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
  BuildOptions build;
  std::vector<std::string> bind_inputs;  // graph inputs compiled as constants from each data set
  std::string toolchain = "gcc";  // for Cortex-M targets: gcc or clang
  bool keep = false;  // keep the build folder and say where it is
  int run_timeout_seconds = 120;
};

// Prints a report to stdout; returns the exit code (0 pass, 1 mismatch or broken
// build/run). Refusals (exit 2) are thrown as support::Refusal.
int verify(const VerifyOptions& opts);

}  // namespace mote::driver
