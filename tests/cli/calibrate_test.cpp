// `mote calibrate` on shipped models: the ranges it observes for the model's
// inputs and outputs must be those of the data itself, where the outputs were
// computed by onnxruntime (an independent runtime), not by Mote.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

#include "compiler/driver/calibrate.h"
#include "compiler/driver/test_data.h"
#include "frontend/tensor_proto.h"

using namespace mote;

namespace {

std::pair<float, float> min_max(const std::vector<std::string>& files) {
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (const std::string& f : files) {
    const ir::Tensor t = frontend::read_tensor_file(f);
    std::vector<float> v(t.data->size() / sizeof(float));
    std::memcpy(v.data(), t.data->data(), v.size() * sizeof(float));
    for (float x : v) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  return {lo, hi};
}

}  // namespace

TEST_CASE("calibrate observes the inputs and onnxruntime's outputs", "[cli][calibration]") {
  for (const char* model : {"kws_dscnn", "digits_mlp"}) {
    INFO(model);
    const std::string dir = std::string(MOTE_MODELS_DIR) + "/" + model;
    driver::CalibrateOptions o;
    o.compile.model_path = dir + "/model.onnx";
    o.data_dir = dir;
    o.progress = false;
    const driver::Calibration cal = driver::calibrate(o);
    const std::vector<driver::DataSet> sets = driver::find_data_sets(dir);
    CHECK(cal.inputs_used == static_cast<int>(sets.size()));
    std::vector<std::string> ins, outs;
    for (const driver::DataSet& s : sets) {
      ins.push_back(s.inputs.at(0));
      outs.push_back(s.outputs.at(0));
    }
    // Graph input first, then the model's output, then the exposed intermediates.
    REQUIRE(cal.tensors.size() > 3);
    const auto [in_lo, in_hi] = min_max(ins);
    CHECK(cal.tensors[0].observed.min() == in_lo);
    CHECK(cal.tensors[0].observed.max() == in_hi);
    const auto [out_lo, out_hi] = min_max(outs);
    CHECK(cal.tensors[1].observed.min() == Approx(out_lo).margin(1e-4));
    CHECK(cal.tensors[1].observed.max() == Approx(out_hi).margin(1e-4));
    // Every intermediate was seen on every run.
    for (const driver::TensorStats& s : cal.tensors) {
      INFO(s.name);
      CHECK(!s.observed.empty());
      CHECK(s.range.lo <= 0.0f);
      CHECK(s.range.hi >= 0.0f);
    }
  }
}
