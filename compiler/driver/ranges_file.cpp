#include "compiler/driver/ranges_file.h"

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/calibrate.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"

namespace mote::driver {

namespace {

namespace fs = std::filesystem;

// calibrate --json of a large model is a few hundred KiB; this bounds what is read.
constexpr uintmax_t kMaxRangesFileBytes = 64u << 20;

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw support::Refusal(fmt::format("--ranges {}: {}", path, why));
}

struct RangesFile {
  std::string model, method;
  int64_t inputs = 0;
  std::map<std::string, quant::Range> ranges;
};

RangesFile parse(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) refuse(path, "no such file");
  if (fs::file_size(path, ec) > kMaxRangesFileBytes) refuse(path, "larger than any ranges file calibrate writes");
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(support::read_text(path));
  if (!v) refuse(path, fmt::format("not JSON ({})", llvm::toString(v.takeError())));
  const llvm::json::Object* o = v->getAsObject();
  const llvm::Optional<llvm::StringRef> command = o ? o->getString("command") : llvm::None;
  const llvm::json::Array* tensors = o ? o->getArray("tensors") : nullptr;
  if (!command || *command != "calibrate" || !tensors)
    refuse(path, "not the JSON `mote calibrate MODEL --data DIR --json` writes (no \"command\": \"calibrate\" and "
                 "\"tensors\" list)");
  RangesFile f;
  f.model = o->getString("model").getValueOr("").str();
  f.method = o->getString("method").getValueOr("").str();
  f.inputs = o->getInteger("inputs").getValueOr(0);
  for (size_t i = 0; i < tensors->size(); ++i) {
    const llvm::json::Object* t = (*tensors)[i].getAsObject();
    const llvm::Optional<llvm::StringRef> name = t ? t->getString("tensor") : llvm::None;
    const llvm::Optional<double> lo = t ? t->getNumber("lo") : llvm::None;
    const llvm::Optional<double> hi = t ? t->getNumber("hi") : llvm::None;
    if (!name || !lo || !hi) refuse(path, fmt::format("tensors[{}] has no \"tensor\", \"lo\" and \"hi\"", i));
    const quant::Range r{static_cast<float>(*lo), static_cast<float>(*hi)};
    if (!std::isfinite(r.lo) || !std::isfinite(r.hi) || r.lo > r.hi)
      refuse(path, fmt::format("the range of tensor '{}' is [{}, {}], not a finite interval", name->str(), *lo, *hi));
    if (!f.ranges.emplace(name->str(), r).second) refuse(path, fmt::format("tensor '{}' is listed twice", name->str()));
  }
  return f;
}

}  // namespace

void ranges_for_quantization(CompileOptions& co, const std::string& path) {
  RangesFile f = parse(path);
  const std::vector<TensorStats> wanted = calibrated_tensors(co);
  std::set<std::string> names;
  for (const TensorStats& s : wanted) {
    names.insert(s.name);
    if (!f.ranges.count(s.name))
      refuse(path, fmt::format("no range for tensor '{}'{} of {}: the file was calibrated on another model, or on "
                               "another export of this one (run mote calibrate --json again)",
                               s.name, s.producer.empty() ? " (an input)" : fmt::format(" (computed by {} '{}')", s.op, s.producer),
                               co.model_path));
  }
  for (const auto& [name, range] : f.ranges)
    if (!names.count(name))
      refuse(path, fmt::format("tensor '{}' is not a float tensor of {} that calibration observes: the file was "
                               "calibrated on another model, or on another export of this one",
                               name, co.model_path));
  passes::QuantizeOptions q;
  q.ranges = std::move(f.ranges);
  co.quantize = std::move(q);
  std::cerr << fmt::format("mote: took the ranges of {} tensors of {} from {} (calibrated on {} inputs, {})\n",
                           wanted.size(), co.model_path, path, f.inputs, f.method.empty() ? "method not given" : f.method);
}

}  // namespace mote::driver
