#pragma once
// Compares an output of generated code with its expected value.
#include <string>
#include <vector>

#include "compiler/ir/tensor.h"

namespace mote::driver {

struct Tolerance {
  double atol = 1e-5;
  double rtol = 1e-4;
};

struct Comparison {
  bool ok = true;
  double max_abs = 0;  // over all elements
  double max_rel = 0;  // |got - want| / |want|, over elements where want != 0
  int64_t mismatches = 0;
  std::string first_mismatch;  // "element 17: got 0.5, expected 0.25"
};

// Element i passes when |got - want| <= atol + rtol * |want| (NaN matches NaN,
// infinities must match exactly; integers and bools must be equal).
Comparison compare(const ir::Tensor& want, const std::vector<uint8_t>& got_bytes, const Tolerance& tol);

}  // namespace mote::driver
