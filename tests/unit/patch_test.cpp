// Pass patch: what it rewrites and how it chooses. That the patched code computes
// what the unpatched code does is checked by running both
// (tests/integration/patch_check.sh, and mote verify against onnxruntime).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/support/error.h"

using namespace mote;

namespace {

const std::string kModel = std::string(MOTE_TEST_MODELS_DIR) + "/patch_stage/model.onnx";

driver::CompileResult compile_with(const std::string& patch, int64_t layers = 0, int64_t max_peak = 0) {
  driver::CompileOptions o;
  o.model_path = kModel;
  o.patch = passes::parse_patch(patch);
  o.patch.layers = layers;
  o.patch.max_peak = max_peak;
  return driver::compile(o);
}

int count_op(const ir::Graph& g, const std::string& op) {
  int k = 0;
  for (const ir::Node& n : g.nodes) k += n.op == op;
  return k;
}

}  // namespace

TEST_CASE("patch: --patch text", "[patch]") {
  CHECK(passes::parse_patch("off").mode == passes::PatchOptions::Mode::kOff);
  CHECK(passes::parse_patch("auto").mode == passes::PatchOptions::Mode::kAuto);
  const passes::PatchOptions o = passes::parse_patch("3x12");
  CHECK(o.mode == passes::PatchOptions::Mode::kFixed);
  CHECK(o.rows == 3);
  CHECK(o.cols == 12);
  CHECK(passes::patch_flag(o) == "3x12");
  for (const char* bad : {"", "on", "0x2", "2x0", "4", "4x", "x4", "100x1", "2x2x2", "-1x2", " 2x2"})
    CHECK_THROWS_AS(passes::parse_patch(bad), support::Refusal);
}

TEST_CASE("patch: RxC runs each layer of the stage once per tile, the tiles cover the output once", "[patch]") {
  const driver::CompileResult whole = compile_with("off");
  const driver::CompileResult r = compile_with("3x4", 5);
  const passes::PatchReport& p = r.memory.patch;
  REQUIRE(p.patched);
  CHECK(p.rows == 3);
  CHECK(p.cols == 4);
  CHECK(p.layers == std::vector<std::string>{"conv1", "dw1", "pw1", "conv2", "dw2"});
  CHECK(count_op(whole.graph, "Conv") == 5);
  CHECK(count_op(r.graph, "Conv") == 5 * 12);
  CHECK(count_op(r.graph, "Slice") == 12);      // each tile's receptive field of the input
  CHECK(count_op(r.graph, "Concat") == 3 + 1);  // each row of tiles, then the rows
  // The last layer's tiles partition the 16x16 output: 3 rows of 5 or 6, 4 columns of 4.
  int64_t covered = 0;
  for (const ir::Node& n : r.graph.nodes)
    if (n.name.rfind("dw2_p", 0) == 0) {
      const ir::Shape& y = r.graph.tensor(n.outputs[0]).shape;
      CHECK(y[3] == 4);
      CHECK((y[2] == 5 || y[2] == 6));
      covered += y[2] * y[3];
    }
  CHECK(covered == 16 * 16);
  // A tile pads only where it meets the tensor's edge: the top-left tile of conv1
  // (pads 1 all round) keeps its top and left padding and has none at its bottom
  // and right, where its neighbours' rows are read instead.
  bool seen = false;
  for (const ir::Node& n : r.graph.nodes)
    if (n.name == "conv1_p0_0") {
      seen = true;
      CHECK(std::get<std::vector<int64_t>>(n.attrs.at("pads")) == std::vector<int64_t>{1, 1, 0, 0});
    }
  CHECK(seen);
  // The halos are computed twice; the report says how much that costs and saves.
  CHECK(p.macs_added > 0);
  CHECK(r.macs == whole.macs + p.macs_added);
  CHECK(p.peak_before == whole.memory.lower_bound_bytes);
  CHECK(p.peak_after < p.peak_before);
  CHECK(r.memory.arena_bytes < whole.memory.arena_bytes);
}

TEST_CASE("patch: the tiles share the layer's weights and kernel parameters", "[patch]") {
  const driver::CompileResult whole = compile_with("off");
  const driver::CompileResult r = compile_with("4x4", 5);
  CHECK(r.weight_bytes == whole.weight_bytes);
  // One parameter struct (one kernel instance) per distinct tile shape, not per
  // tile: at most corners, edges and inside (9) for each of the 5 layers' 16 tiles.
  size_t conv_structs = 0;
  for (size_t at = 0; (at = r.files.source.find("\n// Conv ", at)) != std::string::npos; ++at) ++conv_structs;
  CHECK(conv_structs > 5);
  CHECK(conv_structs <= 5 * 9);
}

TEST_CASE("patch: auto lowers the bound within a quarter more MACs, or just enough for a budget", "[patch]") {
  const driver::CompileResult whole = compile_with("off");
  const driver::CompileResult a = compile_with("auto");
  REQUIRE(a.memory.patch.patched);
  CHECK(a.memory.patch.peak_after < a.memory.patch.peak_before);
  CHECK(a.memory.patch.macs_added * 4 <= whole.macs);

  // A budget the unpatched model meets: nothing to do.
  CHECK_FALSE(compile_with("auto", 0, whole.memory.lower_bound_bytes).memory.patch.patched);
  // A budget between: met, with no more added MACs than the lowest bound costs.
  const int64_t between = (a.memory.patch.peak_before + a.memory.patch.peak_after) / 2;
  const driver::CompileResult b = compile_with("auto", 0, between);
  REQUIRE(b.memory.patch.patched);
  CHECK(b.memory.patch.peak_after <= between);
  CHECK(b.memory.patch.macs_added <= a.memory.patch.macs_added);
}

TEST_CASE("patch: refuses splits and stages the model does not have", "[patch]") {
  CHECK_THROWS_AS(compile_with("33x2"), support::Refusal);    // conv1's output has 32 rows
  CHECK_THROWS_AS(compile_with("2x2", 6), support::Refusal);  // the stage has 5 layers
}
