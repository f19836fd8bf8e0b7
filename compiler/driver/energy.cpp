#include "compiler/driver/energy.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/support/error.h"

namespace mote::driver {

namespace {

double run_current_a(const target::PartPower& p) {
  return p.run_ua_per_mhz * 1e-6 * (static_cast<double>(p.max_clock_hz) / 1e6);
}

// Days a battery lasts at an inference every 1/rate seconds, each taking time_s.
double battery_days(double time_s, const target::PartPower& p, double rate_hz, double capacity_mah,
                    double* duty_out = nullptr, double* average_out = nullptr) {
  const double duty = rate_hz * time_s;
  const double average_a = duty * run_current_a(p) + (1 - duty) * p.sleep_ua * 1e-6;
  if (duty_out) *duty_out = duty;
  if (average_out) *average_out = average_a;
  return capacity_mah * 1e-3 / average_a / 24.0;
}

}  // namespace

const target::PartPower& require_power(const target::Target& t) {
  if (!t.power)
    throw support::Refusal(fmt::format("no energy data for {}: --rate and --battery need a part whose clock and "
                                       "currents are sourced (docs/energy.md lists them)",
                                       t.name));
  return *t.power;
}

void check_battery_args(const target::Target& t, std::optional<double> rate_hz, std::optional<double> capacity_mah) {
  if (!rate_hz && !capacity_mah) return;
  if (!rate_hz || !capacity_mah) throw support::Refusal("--rate and --battery go together: give both");
  if (!(*rate_hz > 0)) throw support::Refusal(fmt::format("--rate {}: expected a positive rate in Hz", *rate_hz));
  if (!(*capacity_mah > 0))
    throw support::Refusal(fmt::format("--battery {}: expected a positive capacity in mAh", *capacity_mah));
  require_power(t);
}

EnergyEstimate estimate_energy(uint64_t instructions, const target::Cpi& cpi, const target::PartPower& p) {
  EnergyEstimate e;
  const double n = static_cast<double>(instructions), hz = static_cast<double>(p.max_clock_hz);
  e.time_s = n * cpi.typical / hz;
  e.time_low_s = n * cpi.low / hz;
  e.time_high_s = n * cpi.high / hz;
  e.run_current_a = run_current_a(p);
  const double watts = e.run_current_a * p.supply_v;
  e.energy_j = e.time_s * watts;
  e.energy_low_j = e.time_low_s * watts;
  e.energy_high_j = e.time_high_s * watts;
  return e;
}

BatteryEstimate estimate_battery(const EnergyEstimate& e, const target::PartPower& p, double rate_hz,
                                 double capacity_mah) {
  if (rate_hz * e.time_s > 1)
    throw support::Refusal(fmt::format("--rate {} Hz: one inference takes an estimated {:.3f} ms, longer than the "
                                       "period of {:.3f} ms (at most {:.3f} Hz)",
                                       rate_hz, e.time_s * 1e3, 1e3 / rate_hz, 1 / e.time_s));
  BatteryEstimate b;
  b.rate_hz = rate_hz;
  b.capacity_mah = capacity_mah;
  b.days = battery_days(e.time_s, p, rate_hz, capacity_mah, &b.duty, &b.average_a);
  // The range's ends may not fit the period even when the typical value does: a
  // duty above 1 is capped, the part then never sleeps.
  b.days_low = battery_days(std::min(e.time_high_s, 1 / rate_hz), p, rate_hz, capacity_mah);
  b.days_high = battery_days(e.time_low_s, p, rate_hz, capacity_mah);
  return b;
}

}  // namespace mote::driver
