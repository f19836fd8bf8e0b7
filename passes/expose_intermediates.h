#pragma once
// Pass `expose-intermediates` (calibration builds only): every tensor a node
// computes and another node reads becomes a graph output too, so one run of the
// generated code hands back the value of every intermediate tensor. Post-training
// quantization reads their ranges from such runs. Runs before the pipeline, so
// constant folding and dead-code elimination still apply; fusion then leaves
// exposed tensors alone (they are graph outputs). In int8 builds (verify
// --per-layer) it runs after fusion, right before quantize-int8
// (PipelineOptions::expose_before_quantize), so the int8 arithmetic is unchanged.
#include "compiler/ir/graph.h"

namespace mote::passes {

void expose_intermediates(ir::Graph& g);

}  // namespace mote::passes
