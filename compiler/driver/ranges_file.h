#pragma once
// `--quantize int8 --ranges FILE`: the ranges `mote calibrate --json` wrote, reused
// instead of calibrating again (calibrate once in CI, compile many times). The file
// is checked against the model: it must give a range to exactly the tensors
// calibration observes in it, by name, so ranges of another model or of another
// export of it are refused rather than misapplied.
#include <string>

#include "compiler/driver/compile.h"

namespace mote::driver {

// Reads FILE, checks it against the model `co` describes, and puts its ranges into
// co.quantize. Refuses (exit 2) a file that is missing, not calibrate's JSON, holds a
// range that is not finite or whose low end exceeds its high end, names a tensor
// twice or one the model does not have, or leaves out one the model has.
void ranges_for_quantization(CompileOptions& co, const std::string& path);

}  // namespace mote::driver
