// The planner's invariant on whole models, checked here without the planner's or
// the verifier's code: no two tensors (or kernel scratch) that are live at the
// same step share a byte, unless one is the other's bytes by construction (a
// view's output, or an output written in place over its input).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/ops/registry.h"

using namespace mote;

namespace {

struct Live {
  std::string name;
  size_t group;  // tensors that are one buffer by construction share this
  int64_t offset, bytes;
  int first, last;
};

std::vector<Live> live_ranges(const ir::Graph& g) {
  // Tensor -> the tensor whose bytes it is (follow views and in-place pairs back).
  std::vector<size_t> same(g.tensors.size());
  for (size_t t = 0; t < same.size(); ++t) same[t] = t;
  for (const ir::Node& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    if (def && def->is_view && !n.inputs.empty() && n.inputs[0] != ir::kNoTensor && g.lives_in_arena(n.inputs[0]) &&
        g.lives_in_arena(n.outputs[0]))
      same[static_cast<size_t>(n.outputs[0])] = static_cast<size_t>(n.inputs[0]);
    if (n.kernel && n.kernel->in_place_of != ir::kNoTensor)
      same[static_cast<size_t>(n.kernel->outputs[0])] = static_cast<size_t>(n.kernel->in_place_of);
  }
  auto group = [&](size_t t) {
    while (same[t] != t) t = same[t];
    return t;
  };
  std::vector<Live> out;
  std::vector<int> index(g.tensors.size(), -1);
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    const ir::Node& n = g.nodes[s];
    std::vector<ir::TensorId> used = n.inputs;
    used.insert(used.end(), n.outputs.begin(), n.outputs.end());
    for (ir::TensorId t : used) {
      if (t == ir::kNoTensor || !g.lives_in_arena(t)) continue;
      int& i = index[static_cast<size_t>(t)];
      if (i < 0) {
        i = static_cast<int>(out.size());
        const ir::Tensor& x = g.tensor(t);
        out.push_back({x.name, group(static_cast<size_t>(t)), x.arena_offset, x.bytes(), static_cast<int>(s),
                       static_cast<int>(s)});
      }
      out[static_cast<size_t>(i)].last = static_cast<int>(s);
    }
    if (n.kernel && n.kernel->scratch_bytes > 0)
      out.push_back({"scratch of " + n.name, g.tensors.size() + s, n.kernel->scratch_offset, n.kernel->scratch_bytes,
                     static_cast<int>(s), static_cast<int>(s)});
  }
  return out;
}

}  // namespace

TEST_CASE("planned models: no two buffers live at one step share a byte, in-place pairs and scratch included",
          "[planner][models]") {
  struct Case {
    std::string model;
    bool int8;
    std::string patch = "off";  // pass patch's tiles: many small buffers with staggered lifetimes
  };
  const std::string models = MOTE_MODELS_DIR, tests = MOTE_TEST_MODELS_DIR;
  const std::vector<Case> cases = {{models + "/ic_resnet8/model.onnx", false},  // residual Adds and Relus in place
                                   {models + "/kws_dscnn/model.onnx", false},   // kernel scratch
                                   {models + "/vww_mobilenet/model.onnx", false},
                                   {tests + "/two_towers/model.onnx", false},    // reordered by pass schedule
                                   {tests + "/two_towers/model.onnx", true},
                                   {tests + "/pad_conv/model.onnx", false},      // Pads folded away
                                   {models + "/digits_mlp/model.onnx", true},
                                   {models + "/vww_mobilenet/model.onnx", true, "auto"},
                                   {models + "/vww_mobilenet/model.onnx", false, "3x3"}};
  for (const Case& c : cases) {
    INFO(c.model << (c.int8 ? " int8" : " float") << " --patch " << c.patch);
    driver::CompileOptions o;
    o.model_path = c.model;
    o.patch = passes::parse_patch(c.patch);
    o.target = target::find_target("cortex-m4");
    if (c.int8) {
      passes::QuantizeOptions q;
      const ir::Graph g = driver::load_graph(c.model, {});
      for (const ir::Tensor& t : g.tensors)
        if (!t.is_constant()) q.ranges[t.name] = quant::Range{-4.0f, 4.0f};  // dtypes are known only after resolve
      o.quantize = q;
    }
    const driver::CompileResult r = driver::compile(o);
    const std::vector<Live> live = live_ranges(r.graph);
    int in_place = 0;
    for (const ir::Node& n : r.graph.nodes) in_place += n.kernel && n.kernel->in_place_of != ir::kNoTensor;
    if (c.model.find("ic_resnet8") != std::string::npos) CHECK(in_place > 0);
    if (c.patch != "off") CHECK(r.memory.patch.patched);
    int64_t end = 0;
    size_t clashes = 0;
    for (size_t i = 0; i < live.size(); ++i) {
      const Live& a = live[i];
      REQUIRE(a.offset >= 0);
      CHECK(a.offset % 16 == 0);
      end = std::max(end, a.offset + a.bytes);
      for (size_t j = i + 1; j < live.size(); ++j) {
        const Live& b = live[j];
        const bool at_once = a.first <= b.last && b.first <= a.last;
        const bool share = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
        if (at_once && share && a.group != b.group) {
          ++clashes;
          UNSCOPED_INFO(a.name << " [" << a.first << ", " << a.last << "] and " << b.name << " [" << b.first << ", "
                                << b.last << "] share bytes");
        }
      }
    }
    CHECK(clashes == 0);
    CHECK(end <= r.memory.arena_bytes);
  }
}
