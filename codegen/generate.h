#pragma once
// The backend: reads a resolved, planned graph and writes the C++ a firmware
// project compiles: SYMBOL.h (C API), SYMBOL.cpp (kernels and schedule),
// SYMBOL_weights.cpp (constants, kept in flash). Only the backend knows C++.
#include <string>

#include "compiler/ir/graph.h"
#include "compiler/target/target.h"

namespace mote::codegen {

struct Options {
  std::string symbol;      // C prefix of every exported name
  std::string model_file;  // for the banner comment (file name only, for determinism)
  std::string options;     // the compile options that shape the code, for the banner
  target::Target target;
};

struct Files {
  std::string header;   // SYMBOL.h
  std::string source;   // SYMBOL.cpp
  std::string weights;  // SYMBOL_weights.cpp
};

// Needs a graph whose kernels are selected (select-kernels) and memory planned.
Files generate(const ir::Graph& g, const Options& opts);

// The constants the chosen kernels read: what SYMBOL_weights.cpp holds and the
// weights the compile summary counts (a bias folded into a kernel's parameters is
// not among them).
std::vector<ir::TensorId> kernel_constants(const ir::Graph& g);

}  // namespace mote::codegen
