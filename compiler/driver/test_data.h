#pragma once
// Finds and reads test data in the ONNX backend-test layout:
// DIR/test_data_set_N/{input_K.pb, output_K.pb}.
#include <string>
#include <vector>

namespace mote::driver {

struct DataSet {
  std::string dir;
  std::vector<std::string> inputs;   // input_0.pb, input_1.pb, ... in order
  std::vector<std::string> outputs;  // output_0.pb, ...
};

// `dir` may be a single test_data_set_* folder, a folder holding them, or a
// backend-test folder (with model.onnx). Refuses when nothing is found.
std::vector<DataSet> find_data_sets(const std::string& dir);

}  // namespace mote::driver
