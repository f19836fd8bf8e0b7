#include "compiler/target/target.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/support/error.h"

namespace mote::target {

namespace {

constexpr int64_t KiB = 1024, MiB = 1024 * 1024;

// Cores Mote builds for, with the QEMU board that runs each (an385 runs v6-M code too).
const std::vector<Core>& cores() {
  static const std::vector<Core> c = {
      {"cortex-m0", false, false, false, {"-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"},
       "thumbv6m-none-eabi", "mps2-an385", "mps2_an385.ld", 25000000, /*armv6m=*/true},
      {"cortex-m3", false, false, false, {"-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"},
       "thumbv7m-none-eabi", "mps2-an385", "mps2_an385.ld", 25000000},
      {"cortex-m4", true, true, false,
       {"-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"},
       "thumbv7em-none-eabihf", "mps2-an386", "mps2_an386.ld", 25000000},
      {"cortex-m7", true, true, false,
       {"-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"},
       "thumbv7em-none-eabihf", "mps2-an500", "mps2_an500.ld", 25000000},
      {"cortex-m33", true, true, false,
       {"-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"},
       "thumbv8m.main-none-eabihf", "mps2-an505", "mps2_an505.ld", 20000000},
      {"cortex-m55", true, true, true, {"-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard"},
       "thumbv8.1m.main-none-eabihf", "mps3-an547", "mps3_an547.ld", 32000000},
  };
  return c;
}

const Core& core(const std::string& name) {
  for (const Core& c : cores())
    if (c.name == name) return c;
  throw support::InternalError("no core " + name);
}

Target make(const std::string& name, const std::string& desc, const std::string& core_name, int64_t ram,
            int64_t flash) {
  Target t;
  t.name = name;
  t.description = desc;
  t.host = false;
  t.core = core(core_name);
  t.core.cpi = core_cpi(core_name);
  t.power = part_power(name);
  t.ram_bytes = ram;
  t.flash_bytes = flash;
  return t;
}

// QEMU 7.2's mps3-an547 (hw/arm/mps2-tz.c, an547_raminfo; the SSE-300's TCMs in
// hw/arm/armsse.c): 512 KiB DTCM at 0x20000000 holds the stack and static data, and
// 2 MiB of SRAM at 0x01000000 (runtime-stub/cortex-m/mps3_an547.ld maps it).
constexpr int64_t kAn547Dtcm = 512 * KiB;
const std::vector<RamRegion>& an547_regions() {
  static const std::vector<RamRegion> r = {{"SRAM", 0x01000000, 2 * MiB, ".bss.mote_sram"}};
  return r;
}

// The default region's size for placement: the budget's, or a core's QEMU board's.
int64_t default_region_bytes(const Target& t) {
  if (t.ram_bytes > 0) return t.ram_bytes;
  if (t.core.qemu_machine == "mps3-an547") return kAn547Dtcm;
  return 0;
}

std::vector<Target> build_all() {
  std::vector<Target> all;
  Target host = host_target();
  all.push_back(host);
  for (const Core& c : cores()) {
    Target t = make(c.name, fmt::format("{} core, runs on QEMU {} (no budget)", c.name, c.qemu_machine), c.name, 0, 0);
    if (c.qemu_machine == "mps3-an547") {
      t.ram_name = "DTCM";
      t.ram_regions = an547_regions();
    }
    all.push_back(t);
  }
  // QEMU boards: the memory QEMU gives them.
  all.push_back(make("mps2-an385", "QEMU MPS2 AN385 board, Cortex-M3", "cortex-m3", 4 * MiB, 4 * MiB));
  all.push_back(make("mps2-an386", "QEMU MPS2 AN386 board, Cortex-M4F", "cortex-m4", 4 * MiB, 4 * MiB));
  all.push_back(make("mps2-an500", "QEMU MPS2 AN500 board, Cortex-M7", "cortex-m7", 4 * MiB, 4 * MiB));
  all.push_back(make("mps2-an505", "QEMU MPS2 AN505 board, Cortex-M33", "cortex-m33", 4 * MiB, 4 * MiB));
  Target an547 = make("mps3-an547", "QEMU MPS3 AN547 board, Cortex-M55 (512 KiB DTCM, 2 MiB SRAM for large arenas)",
                       "cortex-m55", kAn547Dtcm, 512 * KiB);
  an547.ram_name = "DTCM";
  an547.ram_regions = an547_regions();
  all.push_back(an547);
  // Real parts: on-chip SRAM and flash from the vendors' datasheets.
  all.push_back(make("stm32f446re", "ST STM32F446RE (Nucleo-F446RE), Cortex-M4F 180 MHz", "cortex-m4", 128 * KiB, 512 * KiB));
  all.push_back(make("stm32l4r5", "ST STM32L4R5ZI, Cortex-M4F 120 MHz, low power", "cortex-m4", 640 * KiB, 2 * MiB));
  all.push_back(make("stm32h743", "ST STM32H743ZI, Cortex-M7 480 MHz (1 MiB SRAM in several banks)", "cortex-m7", 1 * MiB, 2 * MiB));
  all.push_back(make("stm32u585", "ST STM32U585AI, Cortex-M33 160 MHz with TrustZone", "cortex-m33", 786 * KiB, 2 * MiB));
  all.push_back(make("nrf52840", "Nordic nRF52840, Cortex-M4F 64 MHz, BLE", "cortex-m4", 256 * KiB, 1 * MiB));
  all.push_back(make("arduino-nano-33-ble", "Arduino Nano 33 BLE (nRF52840; the bootloader keeps 64 KiB of flash)", "cortex-m4", 256 * KiB, 960 * KiB));
  all.push_back(make("rp2040", "Raspberry Pi RP2040 (Pico), dual Cortex-M0+ 133 MHz, 2 MiB QSPI flash", "cortex-m0", 264 * KiB, 2 * MiB));
  Target esp = make("esp32-s3", "Espressif ESP32-S3, dual Xtensa LX7 240 MHz, 512 KiB SRAM, 8 MiB flash", "cortex-m4", 512 * KiB, 8 * MiB);
  esp.supported = false;
  esp.why_unsupported = "its Xtensa LX7 core is not an Arm core; Mote builds and measures for Cortex-M only";
  all.push_back(esp);
  return all;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Target host_target() {
  Target t;
  t.description = "this machine (g++), for verification; no budget";
  t.core.name = "host";
  t.core.has_fpu = true;
  return t;
}

const RamRegion* arena_region(const Target& t, int64_t arena_bytes) {
  const int64_t home = default_region_bytes(t);
  if (home == 0 || arena_bytes + kDefaultRegionReserve <= home) return nullptr;
  const RamRegion* best = nullptr;
  for (const RamRegion& r : t.ram_regions)
    if (r.bytes >= arena_bytes && (!best || r.bytes < best->bytes)) best = &r;
  return best;
}

std::vector<Target> all_targets() {
  static const std::vector<Target> all = build_all();
  return all;
}

Target find_target(const std::string& name) {
  std::vector<std::string> names;
  for (const Target& t : all_targets()) {
    if (t.name == lower(name)) return t;
    names.push_back(t.name);
  }
  throw support::Refusal(fmt::format("unknown target '{}' (known: {}; see 'mote targets')", name, fmt::join(names, ", ")));
}

}  // namespace mote::target
