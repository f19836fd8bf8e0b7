// RAM regions are target data: where an arena too large for a board's default RAM goes.
#include <catch2/catch.hpp>

#include "compiler/target/target.h"

using namespace mote;

TEST_CASE("ram regions: an arena goes beside the default region only when it must", "[target][regions]") {
  for (const char* name : {"mps3-an547", "cortex-m55"}) {
    INFO(name);
    const target::Target t = target::find_target(name);
    REQUIRE(t.ram_regions.size() == 1);
    CHECK(t.ram_name == "DTCM");
    CHECK(t.ram_regions[0].name == "SRAM");
    CHECK(t.ram_regions[0].base == 0x01000000u);
    CHECK(t.ram_regions[0].bytes == 2 * 1024 * 1024);
    // 512 KiB of DTCM, 64 KiB of it kept for the stack and the firmware's data.
    CHECK(target::arena_region(t, 448 * 1024) == nullptr);
    const target::RamRegion* r = target::arena_region(t, 448 * 1024 + 1);
    REQUIRE(r != nullptr);
    CHECK(r->section == ".bss.mote_sram");
    CHECK(target::arena_region(t, 2 * 1024 * 1024) == r);
    CHECK(target::arena_region(t, 2 * 1024 * 1024 + 1) == nullptr);  // no bank holds it: the budget check says so
  }
  // Targets without banks beside their RAM keep every arena there.
  for (const char* name : {"host", "cortex-m4", "stm32f446re"}) {
    INFO(name);
    const target::Target t = target::find_target(name);
    CHECK(t.ram_regions.empty());
    CHECK(target::arena_region(t, 100 * 1024 * 1024) == nullptr);
  }
}
