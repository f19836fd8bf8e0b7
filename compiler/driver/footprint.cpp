#include "compiler/driver/footprint.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

// Deepest chain SYMBOL_run -> kernel: its own frame plus the largest other frame,
// since kernels are leaves (or inlined into it) apart from libm.
int64_t stack_from_su(const std::string& su_path, const std::string& symbol) {
  std::ifstream f(su_path);
  std::string line;
  int64_t run = 0, other = 0;
  static const std::regex row(R"(^\S+:\d+:\d+:(.*)\t(\d+)\t)");
  while (std::getline(f, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    const int64_t bytes = support::parse_int(m[2].str(), 0, INT64_MAX).value_or(0);
    if (m[1].str().find(symbol + "_run") != std::string::npos) run = std::max(run, bytes);
    else if (m[1].str().find(symbol + "_invoke") == std::string::npos) other = std::max(other, bytes);
  }
  return run + other;
}

}  // namespace

Footprint measure_footprint(const std::string& dir, const std::string& symbol, const target::Core& core,
                            const std::string& toolchain) {
  Footprint fp;
  fp.core = core.name;
  std::vector<std::string> cxx;
  if (toolchain == "clang") {
    cxx = {"clang++-14", "--target=" + core.clang_triple, "--sysroot=/usr/lib/arm-none-eabi", "-fshort-enums"};
    for (const std::string& f : core.gcc_flags)
      if (f.rfind("-mthumb", 0) != 0) cxx.push_back(f);
  } else {
    cxx = {"arm-none-eabi-g++"};
    cxx.insert(cxx.end(), core.gcc_flags.begin(), core.gcc_flags.end());
  }
  for (const char* f : {"-std=c++17", "-O2", "-ffunction-sections", "-fdata-sections", "-fno-exceptions", "-fno-rtti"})
    cxx.push_back(f);
  const bool su = toolchain != "clang";  // clang-14 has no -fstack-usage
  for (const std::string& part : {symbol, symbol + "_weights"}) {
    std::vector<std::string> argv = cxx;
    const std::string obj = (fs::path(dir) / (part + ".o")).string();
    if (su) argv.push_back("-fstack-usage");
    argv.insert(argv.end(), {"-I" + dir, "-c", (fs::path(dir) / (part + ".cpp")).string(), "-o", obj});
    const support::ProcessResult p = support::run_process(argv, 600, dir);
    if (!p.exited || p.exit_code != 0)
      throw support::Error(support::kExitVerifyFailed,
                           fmt::format("the generated code does not build for {}:\n{}", core.name, p.output));
    (part == symbol ? fp.model : fp.weights) = object_sizes(obj);
  }
  if (su) fp.stack_estimate = stack_from_su((fs::path(dir) / (symbol + ".su")).string(), symbol);
  return fp;
}

std::string footprint_summary(const Footprint& f) {
  std::string other;
  for (const RegionUse& r : f.regions) other += fmt::format(", and {} bytes (the arena) in {}", r.bytes, r.name);
  return fmt::format(
      "flash {} bytes (code {}, weights {}), RAM {} bytes ({} data {}, stack about {}){}, for {}", f.flash(),
      f.model.code + f.model.rodata + f.model.data, f.weights.flash(), f.ram(),
      f.regions.empty() ? "arena and other static" : "static", f.static_ram(), f.stack_estimate, other, f.core);
}

void check_budget(const Footprint& f, const Budget& b, const std::string& target_name) {
  std::vector<std::string> problems;
  if (b.ram > 0 && f.ram() + b.reserve_ram > b.ram)
    problems.push_back(fmt::format("RAM: needs {} bytes ({} for the model{}), {} available", f.ram() + b.reserve_ram,
                                   f.ram(), b.reserve_ram ? fmt::format(" + {} reserved", b.reserve_ram) : "", b.ram));
  for (const RegionUse& r : f.regions)
    if (r.bytes > r.available)
      problems.push_back(fmt::format("{}: needs {} bytes (the arena), {} available", r.name, r.bytes, r.available));
  if (b.flash > 0 && f.flash() + b.reserve_flash > b.flash)
    problems.push_back(fmt::format("flash: needs {} bytes ({} for the model{}), {} available",
                                   f.flash() + b.reserve_flash, f.flash(),
                                   b.reserve_flash ? fmt::format(" + {} reserved", b.reserve_flash) : "", b.flash));
  if (!problems.empty())
    throw support::Refusal(fmt::format("the model does not fit {}: {}", target_name, fmt::join(problems, "; ")));
}

Budget target_budget(const target::Target& t) {
  Budget b;
  b.ram = t.ram_bytes;
  b.flash = t.flash_bytes;
  return b;
}

bool has_budget(const Budget& b) { return b.ram > 0 || b.flash > 0; }

FitCheck check_fits(const CompileResult& r, const target::Target& t, const Budget& b, const std::string& toolchain,
                    const std::string& model_path) {
  FitCheck c;
  c.budget = b;
  // The host has no core of its own to measure for; a budget given for it is
  // measured on the M4, as compile does.
  const target::Core core = t.host ? target::find_target("cortex-m4").core : t.core;
  support::TempDir tmp("footprint");
  write_outputs(r, tmp.path());
  c.footprint = measure_footprint(tmp.path(), r.symbol, core, toolchain);
  if (const target::RamRegion* region = target::arena_region(t, r.graph.arena_bytes)) {
    const std::string obj = (fs::path(tmp.path()) / (r.symbol + ".o")).string();
    c.footprint.regions.push_back({region->name, section_bytes(obj, region->section), region->bytes});
  }
  try {
    check_budget(c.footprint, b, t.host ? "the given budget" : t.name);
  } catch (const support::Refusal& e) {
    c.fits = false;
    c.message = fmt::format("{}: {}", model_path, e.what());
  }
  return c;
}

int64_t parse_bytes(const std::string& text, const char* option) {
  static const std::regex re(R"(^(\d{1,15})(?:\.(\d{1,6}))?([kKmMgG]?)$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw support::Refusal(fmt::format("{} '{}': expected a size like 4096, 256K, 1.5M or 2G", option, text));
  const char unit = m[3].str().empty() ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(m[3].str()[0])));
  const int64_t scale = unit == 'K' ? int64_t{1} << 10 : unit == 'M' ? int64_t{1} << 20 : unit == 'G' ? int64_t{1} << 30 : 1;
  // Whole and fractional parts in integers: at most 15 + 6 digits, so nothing overflows
  // below the 2^50 cap checked next.
  const int64_t whole = *support::parse_int(m[1].str(), 0, INT64_MAX);
  const std::string frac = m[2].str();
  const int64_t frac_num = frac.empty() ? 0 : *support::parse_int(frac, 0, INT64_MAX);
  int64_t frac_den = 1;
  for (size_t i = 0; i < frac.size(); ++i) frac_den *= 10;
  const auto bytes = support::checked_mul(whole, scale);
  if (!bytes || *bytes > (int64_t{1} << 50))
    throw support::Refusal(fmt::format("{} '{}': larger than any memory Mote plans for", option, text));
  return *bytes + static_cast<int64_t>(static_cast<__int128>(frac_num) * scale / frac_den);
}

}  // namespace mote::driver
