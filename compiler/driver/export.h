#pragma once
// `mote export`: the compiled model as a library in an embedded ecosystem's own
// layout (Arduino, PlatformIO, Zephyr module, CMSIS-Pack), so it is added the way
// that ecosystem adds any library. docs/integration.md shows each layout.
#include <string>
#include <vector>

#include "compiler/driver/compile.h"

namespace mote::driver {

struct ExportOptions {
  CompileOptions compile;
  std::string format;          // arduino, platformio, zephyr, cmsis-pack
  std::string outdir;
  std::string version = "1.0.0";  // the library's own version, for its manifest
};

// The formats, in the order `--help` lists them.
const std::vector<std::string>& export_formats();

// Compiles, then writes the library into outdir (all or nothing: a refusal leaves
// it as it was). Returns the files written, relative to outdir.
std::vector<std::string> export_library(const ExportOptions& opts);

}  // namespace mote::driver
