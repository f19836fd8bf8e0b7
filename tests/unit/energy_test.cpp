// The energy arithmetic against values worked out by hand (the comments show the
// working), and the part data it reads.
#include <catch2/catch.hpp>

#include "compiler/driver/energy.h"
#include "compiler/support/error.h"

using mote::driver::check_battery_args;
using mote::driver::estimate_battery;
using mote::driver::estimate_energy;
using mote::target::Cpi;
using mote::target::PartPower;

namespace {

// 100 MHz, 50 uA/MHz (5 mA running), 2 uA asleep, 3 V.
PartPower test_part() {
  PartPower p;
  p.max_clock_hz = 100000000;
  p.run_ua_per_mhz = 50;
  p.sleep_ua = 2;
  p.supply_v = 3.0;
  return p;
}

const Cpi test_cpi{1.5, 1.0, 2.0, "test"};

}  // namespace

TEST_CASE("time and energy of one inference", "[energy]") {
  // 1e6 instructions x 1.5 cycles / 100 MHz = 15 ms; 5 mA x 3 V = 15 mW; 15 ms x 15 mW = 225 uJ.
  const auto e = estimate_energy(1000000, test_cpi, test_part());
  CHECK(e.time_s == Approx(0.015));
  CHECK(e.time_low_s == Approx(0.010));   // CPI 1.0
  CHECK(e.time_high_s == Approx(0.020));  // CPI 2.0
  CHECK(e.run_current_a == Approx(0.005));
  CHECK(e.energy_j * 1e6 == Approx(225.0));
  CHECK(e.energy_low_j * 1e6 == Approx(150.0));
  CHECK(e.energy_high_j * 1e6 == Approx(300.0));
}

TEST_CASE("battery life at a rate", "[energy]") {
  const PartPower p = test_part();
  const auto e = estimate_energy(1000000, test_cpi, p);
  // 10 Hz x 15 ms: running 15% of the time. 0.15 x 5 mA + 0.85 x 0.002 mA = 0.7517 mA;
  // 1000 mAh / 0.7517 mA = 1330.3 h = 55.43 days.
  const auto b = estimate_battery(e, p, 10, 1000);
  CHECK(b.duty == Approx(0.15));
  CHECK(b.average_a * 1e3 == Approx(0.7517));
  CHECK(b.days == Approx(1000.0 / 0.7517 / 24.0));
  CHECK(b.days == Approx(55.43).epsilon(1e-3));
  // The range: 20 ms (20%): 1.0 + 0.8 x 0.002 = 1.0016 mA; 10 ms (10%): 0.5 + 0.9 x 0.002 = 0.5018 mA.
  CHECK(b.days_low == Approx(1000.0 / 1.0016 / 24.0));
  CHECK(b.days_high == Approx(1000.0 / 0.5018 / 24.0));

  // 60 Hz: 90% typical, but the CPI's high end (20 ms x 60 = 120%) never sleeps: 5 mA.
  const auto busy = estimate_battery(e, p, 60, 1000);
  CHECK(busy.days_low == Approx(1000.0 / 5.0 / 24.0));
}

TEST_CASE("a rate at which an inference does not fit its period is refused", "[energy]") {
  const PartPower p = test_part();
  const auto e = estimate_energy(1000000, test_cpi, p);  // 15 ms: at most 66.7 Hz
  CHECK_THROWS_AS(estimate_battery(e, p, 100, 1000), mote::support::Refusal);
  CHECK_THROWS_WITH(estimate_battery(e, p, 67, 1000), Catch::Contains("longer than the period"));
  CHECK_NOTHROW(estimate_battery(e, p, 66, 1000));
}

TEST_CASE("--rate and --battery are checked before anything runs", "[energy]") {
  const auto nrf = mote::target::find_target("nrf52840");
  CHECK_NOTHROW(check_battery_args(nrf, std::nullopt, std::nullopt));
  CHECK_NOTHROW(check_battery_args(nrf, 1.0, 220.0));
  CHECK_THROWS_WITH(check_battery_args(nrf, 1.0, std::nullopt), Catch::Contains("go together"));
  CHECK_THROWS_WITH(check_battery_args(nrf, std::nullopt, 220.0), Catch::Contains("go together"));
  CHECK_THROWS_WITH(check_battery_args(nrf, 0.0, 220.0), Catch::Contains("positive rate"));
  CHECK_THROWS_WITH(check_battery_args(nrf, -1.0, 220.0), Catch::Contains("positive rate"));
  CHECK_THROWS_WITH(check_battery_args(nrf, 1.0, 0.0), Catch::Contains("positive capacity"));
  // A part without sourced figures, and a bare core.
  CHECK_THROWS_WITH(check_battery_args(mote::target::find_target("stm32f446re"), 1.0, 220.0),
                    Catch::Contains("no energy data for stm32f446re"));
  CHECK_THROWS_WITH(check_battery_args(mote::target::find_target("cortex-m4"), 1.0, 220.0),
                    Catch::Contains("no energy data for cortex-m4"));
}

TEST_CASE("the sourced parts carry their datasheet figures", "[energy]") {
  // nRF52840: ICPU0 3.3 mA at 64 MHz, 3 V; M4 CPI 1.35. 1e6 instructions: 1.35e6 cycles / 64 MHz
  // = 21.09375 ms; 3.3 mA x 3 V = 9.9 mW; x 21.09375 ms = 208.828125 uJ.
  const auto nrf = mote::target::find_target("nrf52840");
  REQUIRE(nrf.power);
  const auto e = estimate_energy(1000000, nrf.core.cpi, *nrf.power);
  CHECK(e.time_s * 1e3 == Approx(21.09375));
  CHECK(e.run_current_a * 1e3 == Approx(3.3));
  CHECK(e.energy_j * 1e6 == Approx(208.828125));
  CHECK(nrf.power->sleep_ua == Approx(3.16));

  // STM32U585: 84.4 uA/MHz x 160 MHz = 13.504 mA (DS13086 Table 42 says 13.5 mA), Stop 3 13 uA.
  const auto u5 = mote::target::find_target("stm32u585");
  REQUIRE(u5.power);
  CHECK(estimate_energy(1, u5.core.cpi, *u5.power).run_current_a * 1e3 == Approx(13.504));
  CHECK(u5.power->max_clock_hz == 160000000);

  // RP2040: Table 637's 10.9 mA DVDD at 48 MHz as 227.08 uA/MHz, x 133 MHz = 30.20164 mA; SLEEP 0.39 mA.
  const auto rp = mote::target::find_target("rp2040");
  REQUIRE(rp.power);
  CHECK(estimate_energy(1, rp.core.cpi, *rp.power).run_current_a * 1e3 == Approx(30.20164));
  CHECK(rp.power->max_clock_hz == 133000000);
  CHECK(rp.power->sleep_ua == Approx(390.0));
  CHECK(rp.power->supply_v == Approx(3.3));

  for (const char* name : {"stm32f446re", "stm32l4r5", "stm32h743", "arduino-nano-33-ble", "cortex-m4",
                           "mps2-an386", "esp32-s3"})
    CHECK_FALSE(mote::target::find_target(name).power);
}

TEST_CASE("every core has a CPI range around its typical value", "[energy]") {
  for (const char* core : {"cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"}) {
    const Cpi c = mote::target::find_target(core).core.cpi;
    INFO(core);
    CHECK(c.low > 0);
    CHECK(c.low <= c.typical);
    CHECK(c.typical <= c.high);
    CHECK_FALSE(c.basis.empty());
  }
}
