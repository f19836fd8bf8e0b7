#pragma once
// A target is data: the core and its FPU/DSP, the toolchain flags that select
// them, the QEMU board that emulates it, and the RAM/flash budget of a real part.
// Kernel selection reads it through the operator definitions; nothing else in
// the compiler branches on the core.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/target/power.h"

namespace mote::target {

struct Core {
  std::string name;                    // "cortex-m4"
  bool has_fpu = false;                // single-precision hardware float
  bool has_dsp = false;                // v7E-M / v8-M DSP extension (SIMD on 8/16-bit)
  bool has_mve = false;                // Helium
  std::vector<std::string> gcc_flags;  // -mcpu=... -mthumb -mfloat-abi=... -mfpu=...
  std::string clang_triple;            // --target=... for clang
  std::string qemu_machine;            // -M ... ; empty when QEMU has no board for it
  std::string linker_script;           // runtime-stub/cortex-m/<board>.ld
  int64_t systick_hz = 0;              // SysTick clock of the QEMU board
  bool armv6m = false;                 // ARMv6-M (M0/M0+): Thumb-1, 8 low registers, no MLA
  Cpi cpi;                             // cycles per instruction, for energy estimates (power.cpp)
};

struct Target {
  std::string name = "host";  // what the user typed: "host", "cortex-m4", "stm32f446re"
  std::string description;
  bool host = true;
  bool supported = true;      // false: a part Mote cannot build for yet (e.g. Xtensa)
  std::string why_unsupported;
  Core core;
  int64_t ram_bytes = 0;      // 0: no budget
  int64_t flash_bytes = 0;
  std::optional<PartPower> power;  // clock and currents with their sources; none unless sourced
};

Target host_target();

// "host", a core ("cortex-m0" ... "cortex-m55"), a QEMU board ("mps2-an386") or a
// part ("stm32f446re"; case-insensitive). Throws support::Refusal listing the names.
Target find_target(const std::string& name);

// Every named target, hosts and cores first, then boards and parts.
std::vector<Target> all_targets();

}  // namespace mote::target
