#pragma once
// `mote verify --quantize int8 --calibrate DIR --per-layer`: where the int8 error
// comes from. Builds the float model and the int8 model for the host, both with
// every intermediate tensor exposed as a graph output (the int8 build's tensors
// come back through their DequantizeLinear, with the fusion and int8 parameters of
// the plain int8 build), runs both on the inputs of every data set, matches the
// tensors by name and prints, in schedule order, each tensor's producing op, dtype
// in the int8 build, SNR of int8 against float over all data sets, max abs error
// and int8 scale; then the int8 tensor with the lowest SNR.
#include "compiler/driver/verify.h"

namespace mote::driver {

// Prints the report to stdout. Returns 0, or 1 when a build or run failed.
// Refuses (support::Refusal) targets other than the host, builds without
// `opts.compile.quantize` and bound inputs.
int layer_report(const VerifyOptions& opts);

}  // namespace mote::driver
