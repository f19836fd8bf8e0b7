#pragma once
// What a model costs a Cortex-M part: flash (code and weights) and RAM (arena,
// other static data, stack), from the generated code compiled for the target's
// core, and the check against a part's budget.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/driver/object_sizes.h"
#include "compiler/support/error.h"
#include "compiler/target/target.h"

namespace mote::driver {

// RAM a model takes in a bank beside the default one (the arena, placed there by
// target::arena_region).
struct RegionUse {
  std::string name;
  int64_t bytes = 0, available = 0;
};

struct Footprint {
  std::string core;
  SectionSizes model;    // SYMBOL.cpp: kernels, schedule, arena
  SectionSizes weights;  // SYMBOL_weights.cpp
  int64_t stack_estimate = 0;  // deepest static frame chain from -fstack-usage (libm calls excluded)
  std::vector<RegionUse> regions;  // RAM in other banks, not counted in static_ram()
  int64_t flash() const { return model.flash() + weights.flash(); }
  int64_t region_bytes() const {
    int64_t b = 0;
    for (const RegionUse& r : regions) b += r.bytes;
    return b;
  }
  // In the default region (the budget's `ram`).
  int64_t static_ram() const { return model.ram() + weights.ram() - region_bytes(); }
  int64_t ram() const { return static_ram() + stack_estimate; }
};

// Compiles SYMBOL.cpp and SYMBOL_weights.cpp in `dir` (already written) for `core`.
Footprint measure_footprint(const std::string& dir, const std::string& symbol, const target::Core& core,
                            const std::string& toolchain);

struct Budget {
  int64_t ram = 0, flash = 0;                  // 0: unchecked
  int64_t reserve_ram = 0, reserve_flash = 0;  // for the rest of the firmware
};

// Refuses (exit 2) when the footprint does not fit, giving needed and available bytes.
void check_budget(const Footprint& f, const Budget& b, const std::string& target_name);

std::string footprint_summary(const Footprint& f);

// The budget a target itself carries (a part's or a board's RAM and flash; none
// for a bare core or the host).
Budget target_budget(const target::Target& t);
bool has_budget(const Budget& b);

// What compile checks, for the commands that go on to build and run the code
// (verify, bench): the footprint measured the way compile measures it, and
// whether it fits `b`. `model_path` names the model in the refusal.
struct FitCheck {
  Footprint footprint;
  Budget budget;
  bool fits = true;
  std::string message;  // "<model>: the model does not fit <part>: RAM: needs ..., ... available"
};
FitCheck check_fits(const CompileResult& r, const target::Target& t, const Budget& b, const std::string& toolchain,
                    const std::string& model_path);

// A model that does not fit: the check, and what it was checked against (a part's
// name, or "the given budget"), for the commands' --json error object.
struct BudgetRefusal : support::Refusal {
  BudgetRefusal(FitCheck c, std::string against) : support::Refusal(c.message), check(std::move(c)), target(std::move(against)) {}
  FitCheck check;
  std::string target;
};

// "256K", "1M", "1.5M", "4096" -> bytes; refuses malformed text.
int64_t parse_bytes(const std::string& text, const char* option);

}  // namespace mote::driver
