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

// A bank of RAM beside the one that holds the stack and static data. An arena too
// large for that one goes whole into the smallest such bank that holds it, through
// a linker section of its own ("NOBITS": the name starts with .bss, so a linker
// script that does not map it still places it, in .bss).
struct RamRegion {
  std::string name;     // "sram"
  uint64_t base = 0;    // its address on the board
  int64_t bytes = 0;
  std::string section;  // ".bss.mote_sram"
};

struct Target {
  std::string name = "host";  // what the user typed: "host", "cortex-m4", "stm32f446re"
  std::string description;
  bool host = true;
  bool supported = true;      // false: a part Mote cannot build for yet (e.g. Xtensa)
  std::string why_unsupported;
  Core core;
  int64_t ram_bytes = 0;      // 0: no budget (the default region: stack, static data, arena)
  std::string ram_name = "RAM";  // what the default region is called ("DTCM")
  // Banks beside it (a core target lists its QEMU board's, for the runs there).
  std::vector<RamRegion> ram_regions;
  int64_t flash_bytes = 0;
  std::optional<PartPower> power;  // clock and currents with their sources; none unless sourced
};

Target host_target();

// The stack and the firmware's own data stay in the default region: an arena goes
// elsewhere only when the default region cannot hold it with this much to spare.
constexpr int64_t kDefaultRegionReserve = 64 * 1024;
// The region the arena goes in: nullptr for the default one (it fits there with
// kDefaultRegionReserve to spare, its size is unknown, or no bank holds the arena
// whole), else the smallest of ram_regions that holds it. The default region's
// size is the budget's, or for a core its QEMU board's.
const RamRegion* arena_region(const Target& t, int64_t arena_bytes);

// "host", a core ("cortex-m0" ... "cortex-m55"), a QEMU board ("mps2-an386") or a
// part ("stm32f446re"; case-insensitive). Throws support::Refusal listing the names.
Target find_target(const std::string& name);

// Every named target, hosts and cores first, then boards and parts.
std::vector<Target> all_targets();

}  // namespace mote::target
