#pragma once
// Pass `patch` (after select-kernels, before schedule): patch-based execution of
// the first stage, as MCUNetV2 does. The first layers of an image network hold
// its largest tensors; running them whole keeps two of those live at once. Run
// instead on RxC spatial tiles of the stage's output, each tile through every
// layer of the stage with the halo its windows need, only a tile's worth of each
// tensor is live, and the stage's output is assembled from the tiles.
//
// The stage is a chain of 2-D convolutions from the first one in the schedule,
// each the only reader of the one before (as their data input). The rewrite is
// plain IR: per tile, a Slice of the stage's input (the tile's receptive field),
// each convolution again on its tile with the padding of that tile's borders
// (padding only where the tile meets the tensor's edge), then a Concat of each
// row of tiles and one of the rows. Every output element is computed from the
// same inputs by the same kernel arithmetic, so int8 results are bit-identical;
// the cost is the halo's recomputed MACs, and more kernel instances (one per
// distinct tile shape: corners, edges, inside).
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ops/op_def.h"
#include "compiler/target/target.h"

namespace mote::passes {

struct PatchOptions {
  enum class Mode { kOff, kAuto, kFixed };
  Mode mode = Mode::kOff;
  int64_t rows = 1, cols = 1;  // kFixed: the tiles of the stage's output
  int64_t layers = 0;          // kFixed: the stage's length (0: the one with the lowest bound)
  // kAuto: patch only as much as needed for an ideal lower bound of at most this
  // many bytes, with the fewest added MACs (0: the lowest bound any split reaches).
  int64_t max_peak = 0;
  bool model_in_place = true;  // pass in-place runs later (as schedule counts)
  bool skip_schedule = false;  // pass schedule does not run later
};

// "off", "auto" or "RxC" (e.g. "4x4"); refuses anything else (exit 2).
PatchOptions parse_patch(const std::string& text);
// The flag's text for an options banner: "auto", "4x4" ("off" when off).
std::string patch_flag(const PatchOptions& o);

struct PatchReport {
  bool patched = false;
  int64_t rows = 1, cols = 1;
  std::vector<std::string> layers;  // the stage's layers, in order
  int64_t peak_before = 0;          // ideal lower bound (schedule's count) unpatched ...
  int64_t peak_after = 0;           // ... and patched
  int64_t macs_added = 0;           // the halos' recomputation
  int64_t candidates = 0;           // splits and stage ends tried (auto)
};

PatchReport patch(ir::Graph& g, const PatchOptions& o, const target::Target& t, ops::Preference p);

}  // namespace mote::passes
