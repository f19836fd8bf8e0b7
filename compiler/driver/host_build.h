#pragma once
// Builds generated code with a harness into an executable.
#include <string>
#include <vector>

#include "compiler/driver/compile.h"

namespace mote::driver {

struct BuildOptions {
  bool sanitize = true;  // AddressSanitizer + UndefinedBehaviorSanitizer
  std::string compiler;  // empty: $CXX, else g++
};

struct BuildResult {
  bool ok = false;
  std::string executable;
  std::string log;  // compiler output when it failed
};

// Writes the generated files and the host harness into `dir` and builds them.
BuildResult build_host(const CompileResult& r, const std::string& dir, const BuildOptions& opts);

}  // namespace mote::driver
