#pragma once
// `mote bench`: one inference on an emulated Cortex-M, measured: instructions
// (QEMU -icount: a repeatable count, not cycles), MACs per instruction, flash
// and RAM of the model, and the peak stack of the inference.
#include <optional>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/driver/energy.h"
#include "compiler/driver/footprint.h"
#include "compiler/driver/layer_cost.h"
#include "compiler/driver/object_sizes.h"

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
  // Battery life at one inference every 1/rate_hz seconds from a battery_mah
  // battery (docs/energy.md): both or neither, and a part with power figures.
  std::optional<double> rate_hz, battery_mah;
};

int bench(const BenchOptions& opts);

// One measured inference of an already compiled model on opts.compile.target
// (and its per-layer profile with opts.per_layer); what `bench` prints and
// `report` draws. `failure` says why not, when !ok.
struct BenchRun {
  bool ok = false;
  std::string failure;
  uint64_t instructions = 0, stack_bytes = 0;
  Footprint footprint;
  SectionSizes image;  // the whole test image
  std::vector<LayerCost> layers;
};
BenchRun run_bench(const BenchOptions& opts, const CompileResult& r);

// Refuses the host and unsupported targets: bench runs on an emulated Cortex-M.
void require_bench_target(const target::Target& t);

}  // namespace mote::driver
