#pragma once
// `mote report`: one self-contained HTML page (no scripts, fonts or network) of
// where a compiled model's RAM goes and what each layer costs: the memory plan
// drawn as boxes over schedule step and arena offset with the peak marked, a
// per-layer table (with int8 SNR per layer when quantized), and the part's RAM and
// flash budgets as bars. `--json` prints the same data the page shows, so a test
// can hold one against the other.
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"

namespace mote::driver {

struct ReportOptions {
  CompileOptions compile;
  std::string output;             // report.html
  std::string toolchain = "gcc";  // for the footprint and the per-layer run
  bool json = false;
  // Quantized builds: test data whose inputs measure each layer's int8 SNR (as
  // verify --per-layer). Empty: the model's folder, when it holds test_data_set_*.
  std::string data_dir;
};

// Everything the page shows.
struct ReportData {
  struct Box {  // a tensor or a kernel's scratch in the arena
    std::string label, kind;  // kind: "tensor" or "scratch"
    int64_t offset = 0, size = 0;
    int first = 0, last = 0;  // schedule steps, inclusive
  };
  struct Layer {
    size_t index = 0;
    std::string name, op, variant, output_shape;
    int64_t macs = 0, weights_bytes = 0, live_bytes = 0;
    std::optional<uint64_t> instructions;  // with a Cortex-M target
    // Quantized builds with test data: int8 against float over the data sets, of
    // the layer's int8 output (infinite when exact). None when the layer stays
    // float or has no int8 output of its own (a QuantizeLinear of an input).
    std::optional<double> snr_db;
  };
  std::string model, target;
  int64_t arena_bytes = 0, lower_bound_bytes = 0, unshared_bytes = 0, weights_bytes = 0, macs = 0;
  int peak_step = 0;
  int64_t peak_bytes = 0;
  std::vector<Box> boxes;
  std::vector<Layer> layers;
  std::optional<uint64_t> instructions;
  // The SNR column: shown when set (a quantized build with test data).
  std::optional<size_t> snr_data_sets;
  std::string snr_data;  // the folder the data sets came from
  // With a part: needed and available bytes.
  std::optional<int64_t> ram_needed, ram_available, flash_needed, flash_available;
};

ReportData make_report(const ReportOptions& opts);
std::string report_html(const ReportData& d);
std::string report_json(const ReportData& d);

// Writes opts.output; returns the exit code.
int report(const ReportOptions& opts);

}  // namespace mote::driver
