#pragma once
// Random single-layer models for the kernel tester: a float layer with random
// weights and shapes, quantized by Mote's own passes with made-up calibration
// ranges (so its int8 form is exactly what a real model gets), one family per
// kind of kernel variant.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "passes/quantize_int8.h"

namespace mote::test {

struct LayerCase {
  std::string description;      // "conv C=5 M=7 3x3 s2 ..."
  ir::Graph graph;              // float graph, input "x", output "y"
  passes::QuantizeOptions ranges;  // for --quantize int8 (empty: a float case)
};

// A family: its name, the variant that must run it on the core it is tested on,
// and a generator of random cases within the variant's domain.
struct Family {
  const char* name;
  const char* op;        // the node whose kernel is checked
  bool int8;
  LayerCase (*make)(std::mt19937& rng);
};

const std::vector<Family>& families();

}  // namespace mote::test
