#include "compiler/driver/calibration_inputs.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "compiler/driver/test_data.h"
#include "compiler/ir/tensor_data.h"
#include "compiler/support/error.h"
#include "compiler/support/npy.h"
#include "frontend/tensor_proto.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> read_pb(const std::string& file, const ir::Tensor& want) {
  const ir::Tensor t = frontend::read_tensor_file(file);
  if (t.dtype != want.dtype || t.elements() != want.elements())
    throw support::Refusal(fmt::format("{}: {} {} does not match input '{}' ({} {})", file, ir::dtype_name(t.dtype),
                                       ir::shape_str(t.shape), want.name, ir::dtype_name(want.dtype),
                                       ir::shape_str(want.shape)));
  return *t.data;
}

// How many samples of `want` the array holds: 1 when shaped like it, N when
// shaped [N] + its shape without a leading 1, or [N] + its shape.
int64_t samples_in(const support::NpyArray& a, const ir::Tensor& want, const std::string& file) {
  if (a.is_float && !ir::dtype_is_float(want.dtype))
    throw support::Refusal(
        fmt::format("{}: {} values for input '{}' of type {}", file, a.descr, want.name, ir::dtype_name(want.dtype)));
  const ir::Shape& s = want.shape;
  const ir::Shape& got = a.shape;
  int64_t n = -1;
  if (got == s) {
    n = 1;
  } else if (!got.empty() && got.size() == s.size() && s[0] == 1 && std::equal(s.begin() + 1, s.end(), got.begin() + 1)) {
    n = got[0];
  } else if (got.size() == s.size() + 1 && std::equal(s.begin(), s.end(), got.begin() + 1)) {
    n = got[0];
  }
  if (n < 0) {
    const std::string rest = s.size() > 1 && s[0] == 1 ? ir::shape_str(ir::Shape(s.begin() + 1, s.end())) : ir::shape_str(s);
    throw support::Refusal(fmt::format("{}: shape {} fits neither input '{}' ({}) nor a batch Nx{}", file,
                                       ir::shape_str(got), want.name, ir::shape_str(s), rest));
  }
  if (n == 0) throw support::Refusal(fmt::format("{}: holds no samples (shape {})", file, ir::shape_str(got)));
  return n;
}

std::vector<uint8_t> sample(const support::NpyArray& a, int64_t i, const ir::Tensor& want) {
  const auto per = static_cast<size_t>(want.elements());
  const auto from = a.values.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(i) * per);
  return ir::encode_double(want.dtype, std::vector<double>(from, from + static_cast<std::ptrdiff_t>(per)));
}

std::vector<CalibrationRun> from_npy(const std::vector<std::string>& files, const ir::Graph& g) {
  std::vector<CalibrationRun> runs;
  if (g.inputs.size() == 1) {
    const ir::Tensor& want = g.tensor(g.inputs[0]);
    for (const std::string& f : files) {
      const support::NpyArray a = support::read_npy(f);
      const int64_t n = samples_in(a, want, f);
      for (int64_t i = 0; i < n; ++i)
        runs.push_back({n == 1 ? f : fmt::format("{}[{}]", f, i), {sample(a, i, want)}});
    }
    return runs;
  }
  // Several inputs: one file per input, named after it.
  std::map<std::string, std::string> by_name;
  for (const std::string& f : files) by_name[fs::path(f).stem().string()] = f;
  std::vector<std::string> names;
  for (ir::TensorId id : g.inputs) names.push_back(g.tensor(id).name);
  for (const auto& [stem, f] : by_name)
    if (std::find(names.begin(), names.end(), stem) == names.end())
      throw support::Refusal(fmt::format("{}: the model has no input '{}' (a model with several inputs takes "
                                         "<input name>.npy files: {}.npy)",
                                         f, stem, fmt::join(names, ".npy, ")));
  std::vector<support::NpyArray> arrays;
  int64_t n = -1;
  std::string first;
  for (ir::TensorId id : g.inputs) {
    const ir::Tensor& want = g.tensor(id);
    const auto it = by_name.find(want.name);
    if (it == by_name.end())
      throw support::Refusal(fmt::format("{}.npy: missing; a model with several inputs takes <input name>.npy files: {}.npy",
                                         want.name, fmt::join(names, ".npy, ")));
    arrays.push_back(support::read_npy(it->second));
    const int64_t k = samples_in(arrays.back(), want, it->second);
    if (n >= 0 && k != n)
      throw support::Refusal(fmt::format("{}: {} samples, {} has {}", it->second, k, first, n));
    n = k;
    first = it->second;
  }
  for (int64_t i = 0; i < n; ++i) {
    CalibrationRun r{fmt::format("sample {} of {}", i, fmt::join(files, ", ")), {}};
    for (size_t k = 0; k < g.inputs.size(); ++k) r.inputs.push_back(sample(arrays[k], i, g.tensor(g.inputs[k])));
    runs.push_back(std::move(r));
  }
  return runs;
}

}  // namespace

std::vector<CalibrationRun> find_calibration_runs(const std::string& dir, const ir::Graph& g) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw support::Refusal(fmt::format("{}: no such calibration directory", dir));
  bool has_sets = false;
  std::vector<std::string> pbs, npys;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    has_sets = has_sets || (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) ||
               e.path().filename() == "input_0.pb";
    if (e.is_regular_file() && e.path().extension() == ".pb") pbs.push_back(e.path().string());
    if (e.is_regular_file() && e.path().extension() == ".npy") npys.push_back(e.path().string());
  }
  std::sort(pbs.begin(), pbs.end());
  std::sort(npys.begin(), npys.end());
  std::vector<CalibrationRun> runs;
  auto run_of_files = [&](const std::string& source, const std::vector<std::string>& files) {
    if (files.size() != g.inputs.size())
      throw support::Refusal(fmt::format("{}: {} input files, the model has {} inputs", source, files.size(), g.inputs.size()));
    CalibrationRun r{source, {}};
    for (size_t i = 0; i < files.size(); ++i) r.inputs.push_back(read_pb(files[i], g.tensor(g.inputs[i])));
    runs.push_back(std::move(r));
  };
  if (has_sets) {
    for (const DataSet& s : find_data_sets(dir))
      if (!s.inputs.empty()) run_of_files(s.dir, s.inputs);
  } else {
    for (const std::string& f : pbs) run_of_files(f, {f});
    if (!npys.empty()) {
      std::vector<CalibrationRun> more = from_npy(npys, g);
      runs.insert(runs.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
  }
  if (runs.empty())
    throw support::Refusal(fmt::format(
        "{}: no calibration inputs (expected test_data_set_*/input_N.pb folders, *.pb or *.npy files)", dir));
  return runs;
}

}  // namespace mote::driver
