#pragma once
// Compiling for a part's budget. With `--patch auto` and a budget, patching is
// sized to the budget: the model is compiled unpatched first, and only when its
// RAM is short is it compiled again, patched just enough to close the gap (the
// fewest added MACs among the splits that do), as MCUNetV2 trades recomputation
// for memory only where it must.
#include <optional>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/driver/footprint.h"

namespace mote::driver {

struct FittedCompile {
  CompileResult result;
  std::optional<FitCheck> fit;  // measured when asked to, or when patching is sized to a budget
};

// `measure`: build the code for the target's core and check `b` (check_fits).
FittedCompile compile_to_fit(const CompileOptions& o, const Budget& b, const std::string& toolchain, bool measure);

}  // namespace mote::driver
