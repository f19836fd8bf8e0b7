#pragma once
// `mote verify --quantize int8 --calibrate DIR --per-layer`: where the int8 error
// comes from. Builds the float model and the int8 model for the host, both with
// every intermediate tensor exposed as a graph output (the int8 build's tensors
// come back through their DequantizeLinear, with the fusion and int8 parameters of
// the plain int8 build), runs both on the inputs of every data set, matches the
// tensors by name and prints, in schedule order, each tensor's producing op, dtype
// in the int8 build, SNR of int8 against float over all data sets, max abs error
// and int8 scale; then the int8 tensor with the lowest SNR.
//
// The measurement is split from the printing so that `verify --per-layer --json`
// and `mote report`'s SNR column read the same figures.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/driver/verify.h"

namespace mote::driver {

// One tensor of the int8 build that has a float counterpart.
struct LayerError {
  std::string tensor;  // its name, the same in the float model
  std::string node;    // the int8 build's node computing it (a fused activation's kernel)
  std::string op;      // that node's op, "+Relu"/"+Clip" when an activation is fused
  std::string dtype;   // in the int8 build: "int8", "int16", or "float" where it stayed float
  std::string scale;   // its int8 scale, "-" when float
  bool quantized = false;    // int8 or int16 in the int8 build
  double snr_db = INFINITY;  // int8 against float over all data sets; infinite when exact
  double max_abs = 0;
};

struct LayerErrors {
  bool ok = false;  // false: a build or run failed (said on the stream given)
  std::string model;
  size_t data_sets = 0;
  std::vector<LayerError> rows;          // in the int8 schedule's order
  std::vector<std::string> not_exposed;  // float tensors computed inside a fused int8 kernel
};

// Refuses (support::Refusal) targets other than the host, builds without
// `opts.compile.quantize` and bound inputs. Build and run failures go to `out`.
void check_layer_report(const VerifyOptions& opts);
LayerErrors measure_layer_errors(const VerifyOptions& opts, std::FILE* out);

// The table, the fused tensors and the worst layer.
void print_layer_errors(const LayerErrors& e, std::FILE* out);

// Measures and prints to stdout. Returns 0, or 1 when a build or run failed.
int layer_report(const VerifyOptions& opts);

}  // namespace mote::driver
