#pragma once
// Source files compiled into the mote binary (by embed_files.cmake), so generated
// code and its harnesses never depend on where Mote's sources are installed.
#include <string>
#include <vector>

namespace mote::codegen {

struct EmbeddedFile {
  const char* name;  // "conv.h"
  const char* text;
};

// The kernel library (codegen/kernels/), in dependency order: a file only uses files before it.
const std::vector<EmbeddedFile>& kernel_files();
// The harnesses and start-up code of runtime-stub/.
const std::vector<EmbeddedFile>& runtime_stub_files();

// Text of one file; throws support::InternalError if it is not embedded.
const char* find_embedded(const std::vector<EmbeddedFile>& files, const std::string& name);

}  // namespace mote::codegen
