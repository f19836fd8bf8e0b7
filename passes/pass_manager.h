#pragma once
// Runs Mote's pass pipeline on a freshly lowered graph, with the IR verifier
// after every pass and `--print-after` dumps.
#include <ostream>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "passes/memory/plan_memory.h"
#include "compiler/ops/op_def.h"
#include "compiler/target/target.h"
#include "passes/patch.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"

namespace mote::passes {

struct PipelineOptions {
  std::string planner = "greedy";
  std::vector<std::string> print_after;  // pass names, or "all"
  std::ostream* dump = nullptr;          // where dumps go
  const QuantizeOptions* quantize = nullptr;  // --quantize int8: run quantize-int8 with these ranges
  // Run expose-intermediates right before quantize-int8 (after fusion), so an int8
  // build exposes its tensors, dequantized to float, without changing its arithmetic.
  bool expose_before_quantize = false;
  bool io_int8 = false;  // --io int8: run int8-io, the C API takes and returns int8
  int64_t max_folded_bytes = default_max_folded_bytes();  // resolve's folding limit
  target::Target target = target::host_target();         // select-kernels: the core's features
  ops::Preference preference = ops::Preference::kSpeed;  // select-kernels: --optimize
  std::vector<std::string> skip;  // optional passes left out (--skip-pass)
  PatchOptions patch;             // --patch: patch-based execution of the first stage
  QuantizeReport* quantize_report = nullptr;  // where quantize-int8 says what it did, when it runs
};

// The names of the passes, in the order they run.
const std::vector<std::string>& pass_names();
// The optimisations among them that `--skip-pass` may leave out.
const std::vector<std::string>& optional_pass_names();

MemoryReport run_pipeline(ir::Graph& g, const PipelineOptions& opts);

}  // namespace mote::passes
