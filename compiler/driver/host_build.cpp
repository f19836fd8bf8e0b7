#include "compiler/driver/host_build.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "codegen/embedded_file.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
constexpr int kBuildTimeoutSeconds = 600;
}  // namespace

BuildResult build_host(const CompileResult& r, const std::string& dir, const BuildOptions& opts) {
  write_outputs(r, dir);
  const std::string harness = (fs::path(dir) / "harness.cpp").string();
  support::write_file(harness, codegen::find_embedded(codegen::runtime_stub_files(), "harness.cpp"));
  std::string cxx = opts.compiler;
  if (cxx.empty()) {
    const char* env = std::getenv("CXX");
    cxx = env && *env ? env : "g++";
  }
  BuildResult b;
  b.executable = (fs::path(dir) / "harness").string();
  std::vector<std::string> argv = {cxx, "-std=c++17", "-Wall", "-Wextra", "-fno-exceptions", "-fno-rtti"};
  if (opts.sanitize) {
    for (const char* f : {"-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                          "-fno-omit-frame-pointer"})
      argv.push_back(f);
  } else {
    argv.push_back("-O2");
  }
  argv.push_back("-I" + dir);
  argv.push_back(fmt::format("-DMOTE_MODEL_HEADER=\"{}.h\"", r.symbol));
  argv.push_back("-DMOTE_SYMBOL=" + r.symbol);
  argv.push_back("-DMOTE_SYMBOL_UPPER=" + upper(r.symbol));
  for (const std::string& f : {r.symbol + ".cpp", r.symbol + "_weights.cpp", std::string("harness.cpp")})
    argv.push_back((fs::path(dir) / f).string());
  argv.push_back("-o");
  argv.push_back(b.executable);
  argv.push_back("-lm");
  const support::ProcessResult p = support::run_process(argv, kBuildTimeoutSeconds);
  b.ok = p.exited && p.exit_code == 0;
  if (!b.ok) b.log = fmt::format("{} ({})\n{}", fmt::join(argv, " "), support::describe(p, kBuildTimeoutSeconds), p.output);
  return b;
}

}  // namespace mote::driver
