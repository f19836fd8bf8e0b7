#pragma once
// Time, energy and battery life of one inference on a part, from QEMU's
// instruction count: cycles = instructions x the core's cycles per instruction,
// at the part's maximum clock, drawing its datasheet run current; between
// inferences the part sleeps at its datasheet sleep current. An estimate with a
// range from the CPI's range (docs/energy.md), not a measurement.
#include <cstdint>
#include <optional>
#include <string>

#include "compiler/target/target.h"

namespace mote::driver {

struct EnergyEstimate {
  double time_s = 0, time_low_s = 0, time_high_s = 0;        // one inference
  double run_current_a = 0;                                   // at the maximum clock
  double energy_j = 0, energy_low_j = 0, energy_high_j = 0;   // one inference, from the supply
};

struct BatteryEstimate {
  double rate_hz = 0, capacity_mah = 0;
  double duty = 0;              // fraction of time running, rate x time
  double average_a = 0;         // duty x run + (1 - duty) x sleep
  double days = 0, days_low = 0, days_high = 0;  // low: with the CPI's high end
};

// Refuses a target without sourced power figures (the message names it).
const target::PartPower& require_power(const target::Target& t);

// --rate and --battery as given: both or neither, each positive, and a part with
// power figures. Checked before anything runs.
void check_battery_args(const target::Target& t, std::optional<double> rate_hz, std::optional<double> capacity_mah);

EnergyEstimate estimate_energy(uint64_t instructions, const target::Cpi& cpi, const target::PartPower& p);

// Refuses a rate at which one inference (at the typical CPI) does not fit in its period.
BatteryEstimate estimate_battery(const EnergyEstimate& e, const target::PartPower& p, double rate_hz,
                                 double capacity_mah);

}  // namespace mote::driver
