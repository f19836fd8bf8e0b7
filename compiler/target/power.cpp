#include "compiler/target/power.h"

#include <map>

namespace mote::target {

namespace {

// The M4 value is counted, not assumed: the int8 fully-connected kernel's inner
// loop (fc_s8_1x4_dsp, gcc 12 -O2) is 23 instructions that take 31 cycles by the
// Cortex-M4 TRM's timings. M0 and M3 run the reference kernels (no SMLAD): their
// loops are loads of 2 cycles and MLA of 2 (M3) or MULS + ADDS (M0). The dual-issue
// and newer cores are scaled from the M4 by Arm's CoreMark/MHz, which on the same
// Thumb-2 code is a ratio of instructions per cycle.
const std::map<std::string, Cpi>& cpis() {
  static const std::map<std::string, Cpi> c = {
      {"cortex-m0", {1.6, 1.3, 2.2, "TRM timings: loads 2 cycles, taken branch 2-3, MULS 1 (fast multiplier); "
                                    "the high end is XIP flash cache misses (RP2040)"}},
      {"cortex-m3", {1.6, 1.3, 2.0, "TRM timings: LDRSB 2 cycles (N+1 back to back), MLA 2, taken branch 2-4"}},
      {"cortex-m4", {1.35, 1.1, 1.8, "TRM timings of the int8 FC inner loop: 23 instructions, 31 cycles; "
                                     "the high end is flash wait states the cache does not hide"}},
      {"cortex-m33", {1.1, 0.9, 1.6, "the M4 value scaled by CoreMark/MHz, 3.40 (M4) / 4.07 (M33)"}},
      {"cortex-m7", {0.9, 0.6, 1.5, "the M4 value scaled by CoreMark/MHz, 3.40 (M4) / 5.01 (M7); dual issue, "
                                    "the high end is cache misses to flash and AXI SRAM"}},
      {"cortex-m55", {1.2, 0.9, 2.0, "the M4 value scaled by CoreMark/MHz, 3.40 (M4) / 4.2 (M55), raised for "
                                     "Helium instructions of two beats"}},
  };
  return c;
}

// Only parts whose datasheet figures were found, with the table each came from.
const std::map<std::string, PartPower>& parts() {
  static const std::map<std::string, PartPower> p = {
      {"nrf52840",
       {64000000, 3300.0 / 64, 3.16, 3.0,
        "nRF52840 Product Specification v1.11: 64 MHz Arm Cortex-M4F",
        "nRF52840 PS v1.11, Current consumption, CPU running, ICPU0: CoreMark at 64 MHz from flash, "
        "clock HFXO, regulator DC/DC, 3 V, 25 C: 3.3 mA typ (6.3 mA with the LDO)",
        "nRF52840 PS v1.11, Current consumption, Sleep, ION_RAMON_RTC: System ON, full 256 kB RAM "
        "retention, wake on RTC, 3 V, 25 C: 3.16 uA typ"}},
      {"stm32u585",
       {160000000, 84.4, 13.0, 3.0,
        "STM32U585xx datasheet DS13086 Rev 10, Table 33: fHCLK up to 160 MHz in voltage range 1",
        "DS13086 Rev 10, Table 42: Run mode on LDO, 160 MHz (range 1, PLL on HSE 16 MHz bypass), CoreMark from "
        "flash, ICACHE on, prefetch on, all peripherals disabled, all SRAMs on, VDD 3 V, typ: 13.5 mA = "
        "84.4 uA/MHz (44.1 uA/MHz on the SMPS, Table 44)",
        "DS13086 Rev 10, Table 62: Stop 3 mode on LDO, RTC disabled, all SRAMs retained, VDD 3.0 V, 25 C: "
        "13.0 uA typ"}},
      // RP2040: its datasheet gives no run current per MHz, so the run figure is a whole use case's core
      // current divided by its stated clock (docs/energy.md says what that includes); the sleep figure is
      // SLEEP, not the lower DORMANT, which stops every clock and so cannot wake itself on a timer.
      {"rp2040",
       {133000000, 227.08, 390.0, 3.3,
        "RP2040 Datasheet, key features: dual Arm Cortex-M0+ at 133 MHz",
        "RP2040 Datasheet, 5.7.2 Power consumption for typical user cases, Table 637: 'Popcorn' (VGA, I2S audio, "
        "SD card) at clk_sys 48 MHz, typical average DVDD current at room temperature, DVDD 1.1 V: 10.9 mA = "
        "227.08 uA/MHz; DVDD from the on-chip LDO, fed at VREG_VIN 3.3 V (Table 634); IOVDD's 24.8 mA not counted",
        "RP2040 Datasheet, 5.7.2, Table 637: SLEEP (hello_sleep, some clocks left running), typical average "
        "DVDD current: 0.39 mA (DORMANT, all clocks stopped, wakes on a GPIO event: 0.18 mA)"}},
  };
  return p;
}

}  // namespace

Cpi core_cpi(const std::string& core) {
  auto it = cpis().find(core);
  return it == cpis().end() ? Cpi{} : it->second;
}

std::optional<PartPower> part_power(const std::string& target) {
  auto it = parts().find(target);
  if (it == parts().end()) return std::nullopt;
  return it->second;
}

}  // namespace mote::target
