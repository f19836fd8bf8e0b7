#pragma once
// Pass `fold-pad`: a Pad that adds zeros around the spatial axes of an NCHW
// tensor (mode constant, value 0 or absent, constant non-negative pads, none on
// the batch and channel axes), whose output only Conv nodes read as their data
// input, or AveragePool nodes that count the padding (count_include_pad = 1,
// ceil_mode = 0), is folded into those readers' `pads` (auto_pad NOTSET or
// VALID): they read the Pad's input and pad it themselves, and the Pad goes, so
// the padded copy is never made and its buffer leaves the arena. MaxPool is never
// a reader it folds into: MaxPool pads with -inf, not 0. Anything else stays as
// it is. Runs before quantize-int8, so int8 builds get it too.
#include "compiler/ir/graph.h"

namespace mote::passes {

// Returns the number of Pad nodes folded away.
int fold_pad(ir::Graph& g);

}  // namespace mote::passes
