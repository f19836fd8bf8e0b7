#pragma once
// `mote bench`: one inference on an emulated Cortex-M, measured: instructions
// (QEMU -icount: a repeatable count, not cycles), MACs per instruction, flash
// and RAM of the model, and the peak stack of the inference.
#include <string>

#include "compiler/driver/compile.h"

namespace mote::driver {

struct BenchOptions {
  CompileOptions compile;
  std::string data_dir;  // first data set used as input; empty: zeros
  std::string toolchain = "gcc";
  bool json = false;
  // Also build with the per-layer profiling hooks and report each layer's
  // instructions, MACs and kernel variant (a second build and run: the total above
  // stays the count of the code a firmware gets).
  bool per_layer = false;
  int timeout_seconds = 600;
};

int bench(const BenchOptions& opts);

}  // namespace mote::driver
