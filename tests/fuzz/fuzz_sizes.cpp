// libFuzzer target: the command-line numbers a build script passes through: shapes
// (--input-shape NAME=1x3x32x32) and sizes (--ram 256K, --max-folded-bytes 1.5M).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/driver/footprint.h"
#include "compiler/support/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& [name, dims] : mote::driver::parse_input_shapes({text}))
      for (int64_t d : dims)
        if (d < 0 || name.empty()) std::abort();
  } catch (const mote::support::Refusal&) {
  }
  try {
    if (mote::driver::parse_bytes(text, "--ram") < 0) std::abort();
  } catch (const mote::support::Refusal&) {
  }
  return 0;
}
