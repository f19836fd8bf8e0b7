#pragma once
// Section sizes of a built object or ELF, read with LLVM's object library
// (the same split as `arm-none-eabi-size`: text = code and read-only data).
#include <cstdint>
#include <string>

namespace mote::driver {

struct SectionSizes {
  int64_t code = 0;    // allocated, executable
  int64_t rodata = 0;  // allocated, read-only, not executable (weights live here)
  int64_t data = 0;    // allocated, writable, with contents (in flash and RAM)
  int64_t bss = 0;     // allocated, writable, zero-filled (RAM only; the arena)
  int64_t flash() const { return code + rodata + data; }
  int64_t ram() const { return data + bss; }
  SectionSizes& operator+=(const SectionSizes& o) {
    code += o.code; rodata += o.rodata; data += o.data; bss += o.bss;
    return *this;
  }
};

// Throws support::InternalError when the file is not an object LLVM can read.
SectionSizes object_sizes(const std::string& path);

// The bytes of the sections named `name` in an object file (0 when it has none).
int64_t section_bytes(const std::string& path, const std::string& name);

}  // namespace mote::driver
