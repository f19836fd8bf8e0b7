#include "compiler/driver/test_data.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "compiler/support/checked.h"
#include "compiler/support/error.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

// Numbered files prefix_0.pb, prefix_1.pb, ... until the first gap.
std::vector<std::string> numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (int i = 0;; ++i) {
    const fs::path p = dir / fmt::format("{}_{}.pb", prefix, i);
    if (!fs::is_regular_file(p)) break;
    out.push_back(p.string());
  }
  return out;
}

int64_t set_number(const fs::path& p) {
  const std::string name = p.filename().string();
  // Unnumbered or out-of-range folders sort first, by name, instead of stopping verify.
  return support::parse_int(name.substr(name.rfind('_') + 1), 0, INT64_MAX).value_or(-1);
}

}  // namespace

std::vector<DataSet> find_data_sets(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw support::Refusal(fmt::format("{}: no such data directory", dir));
  std::vector<fs::path> dirs;
  if (!numbered(dir, "input").empty()) {
    dirs.push_back(dir);
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
      return std::make_pair(set_number(a), a.filename().string()) < std::make_pair(set_number(b), b.filename().string());
    });
  }
  std::vector<DataSet> sets;
  for (const fs::path& d : dirs) {
    DataSet s{d.string(), numbered(d, "input"), numbered(d, "output")};
    if (s.inputs.empty() && s.outputs.empty()) continue;
    sets.push_back(std::move(s));
  }
  if (sets.empty())
    throw support::Refusal(fmt::format("{}: no test data (expected test_data_set_*/input_N.pb and output_N.pb)", dir));
  return sets;
}

}  // namespace mote::driver
