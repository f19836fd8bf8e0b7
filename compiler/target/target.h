#pragma once
// A target is data: the core, its FPU, and the memory budget. Kernel selection reads
// it through the operator definitions; nothing else in the compiler branches on the core.
#include <cstdint>
#include <string>

namespace mote::target {

struct Target {
  std::string name = "host";
  std::string core = "host";  // "cortex-m4", ...
  bool has_fpu = true;
  bool has_dsp = false;
  int64_t ram_bytes = 0;     // 0: no budget
  int64_t flash_bytes = 0;
};

Target host_target();

}  // namespace mote::target
