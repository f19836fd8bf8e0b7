#pragma once
// Finds the representative inputs `--calibrate DIR` / `mote calibrate --data DIR`
// name, for a model's graph inputs:
//  - test_data_set_*/input_N.pb folders (or one such folder): one run per set;
//  - loose *.pb files, one run each (one-input models);
//  - *.npy files: for a one-input model each holds one sample (the input's shape)
//    or a batch whose first dimension counts samples ([N] + the input's shape
//    without its leading 1, or [N] + the input's shape); for several inputs,
//    `<input name>.npy` per input, batches of the same N.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::driver {

struct CalibrationRun {
  std::string source;                       // for messages: a folder, a file, or "file.npy[i]"
  std::vector<std::vector<uint8_t>> inputs;  // per graph input, its elements in its dtype
};

// Refuses (naming the file) a missing folder, no inputs, or a file that does not
// fit the inputs' dtypes and shapes.
std::vector<CalibrationRun> find_calibration_runs(const std::string& dir, const ir::Graph& g);

}  // namespace mote::driver
