// `mote calibrate` on shipped models: the ranges it observes for the model's
// inputs and outputs must be those of the data itself, where the outputs were
// computed by onnxruntime (an independent runtime), not by Mote.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "compiler/driver/calibrate.h"
#include "compiler/driver/test_data.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "frontend/tensor_proto.h"
#include "../unit/npy_bytes.h"
#include "run_mote.h"

using namespace mote;
namespace fs = std::filesystem;

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

namespace {

// The float32 bytes of the model's data sets, in order.
std::string input_bytes(const std::vector<driver::DataSet>& sets) {
  std::string bytes;
  for (const driver::DataSet& s : sets) {
    const ir::Tensor t = frontend::read_tensor_file(s.inputs.at(0));
    bytes.append(t.data->begin(), t.data->end());
  }
  return bytes;
}

std::string as_f64(const std::string& f32) {
  std::string out;
  for (size_t i = 0; i + 4 <= f32.size(); i += 4) {
    float f;
    std::memcpy(&f, f32.data() + i, 4);
    const double d = f;
    out.append(reinterpret_cast<const char*>(&d), 8);
  }
  return out;
}

const std::string kDigits = std::string(MOTE_MODELS_DIR) + "/digits_mlp";

}  // namespace

TEST_CASE("calibrate reads .npy batches and samples: the same ranges as the .pb data sets", "[cli][calibration][npy]") {
  const std::vector<driver::DataSet> sets = driver::find_data_sets(kDigits);
  REQUIRE(sets.size() == 3);
  const std::string x = input_bytes(sets);
  REQUIRE(x.size() == 3 * 64 * 4);
  driver::CalibrateOptions o;
  o.compile.model_path = kDigits + "/model.onnx";
  o.progress = false;
  o.data_dir = kDigits;
  const driver::Calibration want = driver::calibrate(o);

  support::TempDir tmp("npy_calibration");
  auto same_as_pb = [&](const std::string& dir) {
    o.data_dir = dir;
    const driver::Calibration got = driver::calibrate(o);
    CHECK(got.inputs_used == 3);
    REQUIRE(got.tensors.size() == want.tensors.size());
    for (size_t i = 0; i < got.tensors.size(); ++i) {
      INFO(got.tensors[i].name);
      CHECK(got.tensors[i].observed.min() == want.tensors[i].observed.min());
      CHECK(got.tensors[i].observed.max() == want.tensors[i].observed.max());
    }
  };
  SECTION("one batch [3, 64], format v1, float32") {
    const std::string dir = (fs::path(tmp.path()) / "batch").string();
    fs::create_directories(dir);
    support::write_file(dir + "/x.npy", test::npy_bytes("<f4", {3, 64}, x));
    same_as_pb(dir);
  }
  SECTION("one batch [3, 1, 64], format v2, float64") {
    const std::string dir = (fs::path(tmp.path()) / "stacked").string();
    fs::create_directories(dir);
    support::write_file(dir + "/x.npy", test::npy_bytes("<f8", {3, 1, 64}, as_f64(x), false, 2));
    same_as_pb(dir);
  }
  SECTION("three samples [1, 64], format v3") {
    const std::string dir = (fs::path(tmp.path()) / "samples").string();
    fs::create_directories(dir);
    for (int i = 0; i < 3; ++i)
      support::write_file(dir + "/s" + std::to_string(i) + ".npy",
                          test::npy_bytes("<f4", {1, 64}, x.substr(i * 256, 256), false, 3));
    same_as_pb(dir);
  }
}

TEST_CASE("verify --quantize int8 calibrates on a .npy batch", "[cli][calibration][npy]") {
  const std::string x = input_bytes(driver::find_data_sets(kDigits));
  support::TempDir tmp("npy_verify");
  support::write_file(tmp.path() + "/x.npy", test::npy_bytes("<f4", {3, 64}, x));
  const test::Run r = test::run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", tmp.path()});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("on 3 inputs from " + tmp.path()) != std::string::npos);
  CHECK(r.output.find("PASS") != std::string::npos);
}

TEST_CASE("calibrate refuses a bad .npy with exit 2, naming the file and the reason", "[cli][calibration][npy]") {
  const std::string x = input_bytes(driver::find_data_sets(kDigits)).substr(0, 2 * 256);
  struct Bad {
    const char* why;
    std::string bytes;
    const char* message;
  };
  const std::vector<Bad> bad = {
      {"Fortran order", test::npy_bytes("<f4", {2, 64}, x, true), "Fortran order"},
      {"big-endian", test::npy_bytes(">f4", {2, 64}, x), "dtype '>f4'"},
      {"complex", test::npy_bytes("<c8", {1, 64}, x), "dtype '<c8'"},
      {"truncated data", test::npy_bytes("<f4", {2, 64}, x.substr(0, 300)), "truncated"},
      {"truncated header", test::npy_bytes("<f4", {2, 64}, x).substr(0, 40), "truncated header"},
      {"not npy", std::string("PK\x03\x04 a zip file, not an array"), "magic"},
      {"wrong shape", test::npy_bytes("<f4", {2, 32}, x.substr(0, 256)), "fits neither input 'input' (1x64) nor a batch Nx64"},
      {"no samples", test::npy_bytes("<f4", {0, 64}, ""), "no samples"},
  };
  support::TempDir tmp("npy_bad");
  for (const Bad& b : bad) {
    INFO(b.why);
    const std::string dir = (fs::path(tmp.path()) / b.why).string();
    fs::create_directories(dir);
    const std::string file = dir + "/data.npy";
    support::write_file(file, b.bytes);
    const test::Run r = test::run_mote({"calibrate", kDigits, "--data", dir});
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(r.output.find(file) != std::string::npos);
    CHECK(r.output.find(b.message) != std::string::npos);
  }
  // The same refusal through verify --quantize int8.
  const std::string dir = (fs::path(tmp.path()) / "Fortran order").string();
  const test::Run r = test::run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", dir});
  CHECK(r.code == 2);
  CHECK(r.output.find("Fortran order") != std::string::npos);
}

namespace {

// `mote calibrate MODEL --data DIR --json > FILE`, as a CI job would write it.
void write_ranges(const std::string& model_dir, const std::string& file) {
  const support::ProcessResult r = support::run_process(
      {"sh", "-c", fmt::format("'{}' calibrate '{}/model.onnx' --data '{}' --json > '{}'", MOTE_BINARY, model_dir,
                               model_dir, file)},
      300);
  INFO(r.output);
  REQUIRE((r.exited && r.exit_code == 0));
}

std::vector<std::pair<std::string, std::string>> files_in(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> v;
  for (const auto& e : fs::directory_iterator(dir))
    v.emplace_back(e.path().filename().string(), support::read_text(e.path().string()));
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("--ranges reuses calibrate --json: the same generated code as --calibrate", "[cli][calibration][ranges]") {
  support::TempDir tmp("ranges");
  const std::string ranges = tmp.path() + "/ranges.json";
  write_ranges(kDigits, ranges);
  const test::Run a = test::run_mote({"compile", kDigits + "/model.onnx", "--quantize", "int8", "--ranges", ranges,
                                      "--io", "int8", "-o", tmp.path() + "/a"});
  INFO(a.output);
  REQUIRE(a.code == 0);
  CHECK(a.output.find("took the ranges of") != std::string::npos);
  CHECK(a.output.find("mote: calibrated") == std::string::npos);  // no calibration run
  const test::Run b = test::run_mote({"compile", kDigits + "/model.onnx", "--quantize", "int8", "--calibrate", kDigits,
                                      "--io", "int8", "-o", tmp.path() + "/b"});
  REQUIRE(b.code == 0);
  const auto fa = files_in(tmp.path() + "/a"), fb = files_in(tmp.path() + "/b");
  REQUIRE(fa.size() == 3);
  CHECK(fa == fb);
  const test::Run v = test::run_mote({"verify", kDigits, "--quantize", "int8", "--ranges", ranges, "--min-snr", "25"});
  INFO(v.output);
  CHECK(v.code == 0);
  CHECK(v.output.find("PASS") != std::string::npos);
}

TEST_CASE("--ranges refuses a file that does not match the model, with exit 2 and the reason",
          "[cli][calibration][ranges]") {
  support::TempDir tmp("ranges_bad");
  const std::string good = tmp.path() + "/good.json";
  write_ranges(kDigits, good);
  // calibrate --json writes one tensor a line: edit the lines as a user might.
  std::vector<std::string> lines;
  {
    std::istringstream in(support::read_text(good));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  size_t first = 0;
  while (first < lines.size() && lines[first].find("{\"tensor\": ") == std::string::npos) ++first;
  REQUIRE(first + 2 < lines.size());
  REQUIRE(lines[first].find("\"tensor\": \"input\"") != std::string::npos);
  const auto at = [&](size_t i) { return static_cast<std::ptrdiff_t>(i); };
  int edits = 0;
  auto edited = [&](const std::function<void(std::vector<std::string>&)>& edit) {
    std::vector<std::string> v = lines;
    edit(v);
    std::string text;
    for (const std::string& l : v) text += l + "\n";
    const std::string file = fmt::format("{}/edited_{}.json", tmp.path(), ++edits);
    support::write_file(file, text);
    return file;
  };
  const std::regex input_name("\"tensor\": \"input\""), lo_value("\"lo\": [^,]*");
  struct Bad {
    std::string file, why;
  };
  const std::vector<Bad> bad = {
      {tmp.path() + "/missing.json", "no such file"},
      {edited([&](std::vector<std::string>& v) { v.erase(v.begin() + at(first)); }),
       "no range for tensor 'input' (an input)"},
      {edited([&](std::vector<std::string>& v) {
         v.insert(v.begin() + at(first), std::regex_replace(v[first], input_name, "\"tensor\": \"conv_out\""));
       }),
       "tensor 'conv_out' is not a float tensor of"},
      {edited([&](std::vector<std::string>& v) { v.insert(v.begin() + at(first), v[first]); }),
       "tensor 'input' is listed twice"},
      {edited([&](std::vector<std::string>& v) { v[first + 1] = std::regex_replace(v[first + 1], lo_value, "\"lo\": 1e9"); }),
       "not a finite interval"},
  };
  for (const Bad& b : bad) {
    const test::Run r = test::run_mote({"compile", kDigits + "/model.onnx", "--quantize", "int8", "--ranges", b.file,
                                        "-o", tmp.path() + "/out"});
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(r.output.find("--ranges " + b.file + ": ") != std::string::npos);
    CHECK(r.output.find(b.why) != std::string::npos);
    CHECK(!fs::exists(tmp.path() + "/out"));
  }
  support::write_file(tmp.path() + "/text.json", "input 0.5 1.5\n");
  support::write_file(tmp.path() + "/other.json", "{\"command\": \"bench\", \"tensors\": []}");
  for (const auto& [file, why] : std::vector<std::pair<std::string, std::string>>{
           {tmp.path() + "/text.json", "not JSON"}, {tmp.path() + "/other.json", "not the JSON `mote calibrate"}}) {
    const test::Run r = test::run_mote({"verify", kDigits, "--quantize", "int8", "--ranges", file});
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(r.output.find(why) != std::string::npos);
  }
  const test::Run both = test::run_mote(
      {"compile", kDigits + "/model.onnx", "--quantize", "int8", "--ranges", good, "--calibrate", kDigits, "-o",
       tmp.path() + "/out"});
  CHECK(both.code == 2);
  CHECK(both.output.find("pass one of them") != std::string::npos);
}
