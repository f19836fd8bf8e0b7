#pragma once
// The figures an energy estimate needs, each with the document it came from:
// a core's cycles per instruction (QEMU counts instructions, a battery pays for
// cycles) and a part's maximum clock, run current and sleep current. A part
// whose figures could not be sourced has none; nothing here is a guess dressed
// as data. The figures and their sources are listed in docs/energy.md.
#include <cstdint>
#include <optional>
#include <string>

namespace mote::target {

// Cycles per instruction of Mote's kernels on a core: a typical value and the
// range it plausibly falls in. An estimate, not a measurement (docs/energy.md).
struct Cpi {
  double typical = 0, low = 0, high = 0;
  std::string basis;  // how the value was reached, in one line
};

// Typical supply figures of one part at one supply voltage.
struct PartPower {
  int64_t max_clock_hz = 0;     // the CPU's maximum clock
  double run_ua_per_mhz = 0;    // run mode at that clock: code from flash, peripherals off
  double sleep_ua = 0;          // the deepest sleep that keeps all RAM and wakes on a timer or event
  double supply_v = 0;          // the VDD both currents were measured at
  std::string clock_source, run_source, sleep_source;
};

// {} for a core Mote does not know (the host).
Cpi core_cpi(const std::string& core);

// nullopt for a part, board or core without sourced figures.
std::optional<PartPower> part_power(const std::string& target);

}  // namespace mote::target
