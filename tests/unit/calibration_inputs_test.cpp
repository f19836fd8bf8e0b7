#include <catch2/catch.hpp>

#include <cstring>

#include "compiler/driver/calibration_inputs.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "graph_builder.h"
#include "npy_bytes.h"

using namespace mote;

namespace {

std::string f32(const std::vector<float>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4); }

std::vector<float> floats(const std::vector<uint8_t>& b) {
  std::vector<float> v(b.size() / 4);
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

// Two inputs, a [1, 3] and b [1, 2].
ir::Graph two_inputs() {
  test::GraphBuilder g;
  g.input("a", {1, 3});
  g.input("b", {1, 2});
  return g.g;
}

}  // namespace

TEST_CASE("calibration .npy for several inputs: <input name>.npy batches, sample i of each per run", "[npy]") {
  const ir::Graph g = two_inputs();
  support::TempDir tmp("npy_multi");
  support::write_file(tmp.path() + "/a.npy", test::npy_bytes("<f4", {2, 3}, f32({1, 2, 3, 4, 5, 6})));
  support::write_file(tmp.path() + "/b.npy", test::npy_bytes("<f8", {2, 1, 2}, [] {
                        const double d[] = {-1, -2, -3, -4};
                        return std::string(reinterpret_cast<const char*>(d), sizeof d);
                      }()));
  const std::vector<driver::CalibrationRun> runs = driver::find_calibration_runs(tmp.path(), g);
  REQUIRE(runs.size() == 2);
  CHECK(floats(runs[0].inputs.at(0)) == std::vector<float>{1, 2, 3});
  CHECK(floats(runs[0].inputs.at(1)) == std::vector<float>{-1, -2});
  CHECK(floats(runs[1].inputs.at(0)) == std::vector<float>{4, 5, 6});
  CHECK(floats(runs[1].inputs.at(1)) == std::vector<float>{-3, -4});
}

TEST_CASE("calibration .npy for several inputs: a missing, extra or uneven file is refused", "[npy]") {
  const ir::Graph g = two_inputs();
  support::TempDir tmp("npy_multi_bad");
  support::write_file(tmp.path() + "/a.npy", test::npy_bytes("<f4", {2, 3}, f32({1, 2, 3, 4, 5, 6})));
  CHECK_THROWS_WITH(driver::find_calibration_runs(tmp.path(), g), Catch::Contains("b.npy: missing"));
  support::write_file(tmp.path() + "/b.npy", test::npy_bytes("<f4", {3, 2}, f32({1, 2, 3, 4, 5, 6})));
  CHECK_THROWS_WITH(driver::find_calibration_runs(tmp.path(), g), Catch::Contains("3 samples"));
  support::write_file(tmp.path() + "/b.npy", test::npy_bytes("<f4", {2, 2}, f32({1, 2, 3, 4})));
  support::write_file(tmp.path() + "/c.npy", test::npy_bytes("<f4", {2, 2}, f32({1, 2, 3, 4})));
  CHECK_THROWS_WITH(driver::find_calibration_runs(tmp.path(), g), Catch::Contains("no input 'c'"));
}

TEST_CASE("calibration .npy for one input: an integer input refuses float values", "[npy]") {
  test::GraphBuilder b;
  b.input("ids", {1, 4}, ir::DType::kI64);
  support::TempDir tmp("npy_int");
  support::write_file(tmp.path() + "/x.npy", test::npy_bytes("<f4", {1, 4}, f32({1, 2, 3, 4})));
  CHECK_THROWS_AS(driver::find_calibration_runs(tmp.path(), b.g), support::Refusal);
  support::write_file(tmp.path() + "/x.npy", test::npy_bytes("<i8", {2, 4}, std::string(64, '\0')));
  const std::vector<driver::CalibrationRun> runs = driver::find_calibration_runs(tmp.path(), b.g);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].inputs.at(0).size() == 32);
}
