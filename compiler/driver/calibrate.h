#pragma once
// `mote calibrate`: the first step of post-training quantization. Builds the float
// model for the host with every intermediate tensor exposed as an output, runs it
// on each representative input, and gathers each tensor's range (quant/calibration.h).
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/quant/calibration.h"

namespace mote::driver {

struct CalibrateOptions {
  CompileOptions compile;
  // test_data_set_*/input_N.pb folders (outputs, if any, are ignored), one such set,
  // loose .pb files (one-input models) or .npy samples and batches: see
  // calibration_inputs.h.
  std::string data_dir;
  quant::CalibrationMethod method = quant::CalibrationMethod::kMinMax;
  double percentile = 99.99;
  bool progress = true;  // a line on stderr every few inputs
  int run_timeout_seconds = 120;
};

struct TensorStats {
  std::string name;      // the tensor's name in the model
  std::string producer;  // the node that computes it ('' for graph inputs)
  std::string op;
  quant::RangeObserver observed;
  quant::Range range;    // by the chosen method
};

struct Calibration {
  std::string model;
  int inputs_used = 0;
  std::vector<TensorStats> tensors;  // graph inputs, then in schedule order
};

Calibration calibrate(const CalibrateOptions& opts);

// The tensors calibrate observes in the model `co` describes, in its order, with
// their producers and no range (a compile, no run): what a ranges file must cover.
std::vector<TensorStats> calibrated_tensors(const CompileOptions& co);

// `--quantize int8 --calibrate DIR`: calibrates the float model `co` describes on
// the inputs in DIR and puts every tensor's range into co.quantize.
void calibrate_for_quantization(CompileOptions& co, const std::string& data_dir, quant::CalibrationMethod method,
                                double percentile = 99.99);

// The CLI command: prints a table (or JSON) of every float tensor's range and the
// int8 scale and zero point it gives.
int calibrate_command(const CalibrateOptions& opts, bool json);

}  // namespace mote::driver
