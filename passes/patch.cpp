#include "passes/patch.h"

#include <algorithm>
#include <limits>
#include <regex>
#include <unordered_set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"
#include "compiler/ops/registry.h"
#include "compiler/ops/select.h"
#include "compiler/support/error.h"
#include "passes/in_place.h"
#include "passes/memory/plan_memory.h"
#include "passes/schedule.h"

namespace mote::passes {

namespace {

// Tiles beyond 8 along an axis add halo work for little: each tile's receptive
// field no longer shrinks, and every distinct tile shape is one more kernel instance.
constexpr int64_t kMaxSplit = 8;
// The longest stage tried: a deeper one's halo grows with every layer.
constexpr size_t kMaxStage = 8;
// Without a budget, auto weighs memory against time: it looks for the lowest
// bound among the splits that add at most this fraction of the model's MACs
// (MCUNetV2 reports about a tenth for its tuned stages); under a budget any
// split that fits may be taken.
constexpr double kAutoMaxAddedMacs = 0.25;
// Splits planned in full before one is chosen (auto).
constexpr size_t kPlannedCandidates = 6;

// A half-open range of rows (or columns).
struct Span {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

// One spatial axis of a convolution's window.
struct Axis {
  int64_t kernel = 1, stride = 1, dilation = 1, pad_begin = 0, in = 0;
  int64_t extent() const { return (kernel - 1) * dilation + 1; }
};

// The layers of the stage: the 2-D convolutions it may run on tiles.
struct Layer {
  size_t node = 0;
  Axis h, w;
};

bool is_conv2d(const ir::Graph& g, const ir::Node& n) {
  if (n.op != "Conv" || n.inputs.empty() || n.outputs.size() != 1 || n.outputs[0] == ir::kNoTensor) return false;
  const ir::Tensor& x = g.tensor(n.inputs[0]);
  return x.shape.size() == 4 && x.shape[0] == 1;
}

Layer layer_of(const ir::Graph& g, size_t i) {
  const ir::Node& n = g.nodes[i];
  const ir::Shape& x = g.tensor(n.inputs[0]).shape;
  const ir::Shape& wt = g.tensor(n.inputs[1]).shape;
  const ops::Window win = ops::spatial_window(ops::InferContext(g, n), ir::Shape(x.begin() + 2, x.end()),
                                              std::vector<int64_t>(wt.begin() + 2, wt.end()), false);
  Layer l;
  l.node = i;
  l.h = {win.kernel[0], win.strides[0], win.dilations[0], win.pads_begin[0], x[2]};
  l.w = {win.kernel[1], win.strides[1], win.dilations[1], win.pads_begin[1], x[3]};
  return l;
}

// The stage: from the first 2-D convolution of the schedule, each next layer the
// only reader of the one before, reading it as its data input.
std::vector<Layer> first_stage(const ir::Graph& g) {
  std::vector<Layer> stage;
  const std::vector<std::vector<int>> readers = g.consumers();
  size_t i = 0;
  while (i < g.nodes.size() && !is_conv2d(g, g.nodes[i])) ++i;
  while (i < g.nodes.size()) {
    stage.push_back(layer_of(g, i));
    const ir::TensorId y = g.nodes[i].outputs[0];
    const std::vector<int>& r = readers[static_cast<size_t>(y)];
    if (g.is_graph_output(y) || r.size() != 1) break;
    const ir::Node& next = g.nodes[static_cast<size_t>(r[0])];
    if (!is_conv2d(g, next) || next.inputs[0] != y) break;
    for (size_t k = 1; k < next.inputs.size(); ++k)
      if (next.inputs[k] == y) return stage;
    i = static_cast<size_t>(r[0]);
  }
  return stage;
}

// The input span a window reads for output span `o`, with the padding it needs
// where that span passes the input's edges.
Span input_span(const Axis& a, Span o, int64_t& pad_begin, int64_t& pad_end) {
  const int64_t start = o.begin * a.stride - a.pad_begin;
  const int64_t stop = (o.end - 1) * a.stride - a.pad_begin + a.extent();
  pad_begin = std::max<int64_t>(0, -start);
  pad_end = std::max<int64_t>(0, stop - a.in);
  return {std::max<int64_t>(0, start), std::min(a.in, stop)};
}

// `count` near-equal spans covering [0, n).
std::vector<Span> split(int64_t n, int64_t count) {
  std::vector<Span> s;
  for (int64_t i = 0; i < count; ++i) s.push_back({i * n / count, (i + 1) * n / count});
  return s;
}

class Rewriter {
 public:
  Rewriter(ir::Graph& g, const target::Target& t, ops::Preference p) : g_(g), t_(t), p_(p) {}

  // Runs layers [0, last] of `stage` on rows x cols tiles of layer last's output.
  void run(const std::vector<Layer>& stage, size_t last, int64_t rows, int64_t cols) {
    const ir::Node& end_node = g_.nodes[stage[last].node];
    const ir::TensorId stage_in = g_.nodes[stage[0].node].inputs[0];
    const ir::TensorId stage_out = end_node.outputs[0];
    const ir::Shape& y = g_.tensor(stage_out).shape;
    const std::vector<Span> row_spans = split(y[2], rows), col_spans = split(y[3], cols);
    std::vector<ir::Node> block;
    std::vector<ir::TensorId> row_outs;
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<ir::TensorId> tiles;
      for (int64_t c = 0; c < cols; ++c) {
        const std::string tag = fmt::format("p{}_{}", r, c);
        // From the stage's end back to its input: each layer's output span is the
        // input span the next one reads.
        std::vector<Span> oh(last + 1), ow(last + 1);
        std::vector<std::vector<int64_t>> pads(last + 1);
        Span ih = row_spans[static_cast<size_t>(r)], iw = col_spans[static_cast<size_t>(c)];
        for (size_t k = last + 1; k-- > 0;) {
          oh[k] = ih;
          ow[k] = iw;
          int64_t hb, he, wb, we;
          ih = input_span(stage[k].h, oh[k], hb, he);
          iw = input_span(stage[k].w, ow[k], wb, we);
          pads[k] = {hb, wb, he, we};
        }
        ir::TensorId x = crop(block, stage_in, ih, iw, tag);
        for (size_t k = 0; k <= last; ++k) {
          const ir::Node& orig = g_.nodes[stage[k].node];
          ir::Node n;
          n.name = unique_node(orig.name + "_" + tag);
          n.op = orig.op;
          n.opset = orig.opset;
          n.attrs = orig.attrs;
          n.attrs.erase("auto_pad");
          n.attrs["pads"] = pads[k];
          n.inputs = orig.inputs;
          n.inputs[0] = x;
          const ir::Tensor& full = g_.tensor(orig.outputs[0]);
          x = like(full, {full.shape[0], full.shape[1], oh[k].size(), ow[k].size()}, full.name + "_" + tag);
          n.outputs = {x};
          block.push_back(std::move(n));
        }
        tiles.push_back(x);
      }
      const ir::Tensor& full = g_.tensor(stage_out);
      row_outs.push_back(
          cols == 1 ? tiles[0]
                    : concat(block, tiles, 3,
                             rows == 1 ? stage_out
                                       : like(full, {full.shape[0], full.shape[1], row_spans[static_cast<size_t>(r)].size(), full.shape[3]},
                                              fmt::format("{}_row{}", full.name, r)),
                             fmt::format("{}_row{}", end_node.name, r)));
    }
    if (rows > 1) concat(block, row_outs, 2, stage_out, end_node.name + "_tiles");
    for (ir::Node& n : block) n.kernel = ops::select_kernel(g_, n, t_, p_);

    // The tiles take the first layer's place: they read only the stage's input and
    // constants, and nothing between the stage's layers reads what they wrote.
    std::vector<char> in_stage(g_.nodes.size(), 0);
    for (size_t k = 0; k <= last; ++k) in_stage[stage[k].node] = 1;
    std::vector<ir::Node> nodes;
    nodes.reserve(g_.nodes.size() + block.size());
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      if (i == stage[0].node)
        for (ir::Node& n : block) nodes.push_back(std::move(n));
      if (!in_stage[i]) nodes.push_back(std::move(g_.nodes[i]));
    }
    g_.nodes = std::move(nodes);
    g_.compact();
  }

 private:
  ir::TensorId like(const ir::Tensor& of, ir::Shape shape, const std::string& name) {
    ir::Tensor t;
    t.name = unique_tensor(name);
    t.dtype = of.dtype;
    t.shape = std::move(shape);
    t.shape_known = true;
    t.quant = of.quant;
    return g_.add_tensor(std::move(t));
  }

  ir::TensorId constant(const std::vector<int64_t>& v, const std::string& name) {
    ir::Tensor t;
    t.name = unique_tensor(name);
    t.dtype = ir::DType::kI64;
    t.shape = {static_cast<int64_t>(v.size())};
    t.shape_known = true;
    t.data = ir::encode_int(ir::DType::kI64, v);
    return g_.add_tensor(std::move(t));
  }

  // The tile's receptive field in the stage's input (the input itself when it is all of it).
  ir::TensorId crop(std::vector<ir::Node>& block, ir::TensorId x, Span h, Span w, const std::string& tag) {
    const ir::Tensor& in = g_.tensor(x);
    if (h.begin == 0 && w.begin == 0 && h.end == in.shape[2] && w.end == in.shape[3]) return x;
    const std::string base = in.name + "_" + tag;
    ir::Node n;
    n.name = unique_node(base);
    n.op = "Slice";
    n.opset = 13;
    n.inputs = {x, constant({h.begin, w.begin}, base + "_starts"), constant({h.end, w.end}, base + "_ends"),
                constant({2, 3}, base + "_axes")};
    const ir::Tensor& src = g_.tensor(x);
    n.outputs = {like(src, {src.shape[0], src.shape[1], h.size(), w.size()}, base)};
    block.push_back(n);
    return n.outputs[0];
  }

  ir::TensorId concat(std::vector<ir::Node>& block, const std::vector<ir::TensorId>& parts, int64_t axis,
                      ir::TensorId y, const std::string& name) {
    ir::Node n;
    n.name = unique_node(name);
    n.op = "Concat";
    n.opset = 13;
    n.attrs["axis"] = axis;
    n.inputs = parts;
    n.outputs = {y};
    block.push_back(std::move(n));
    return y;
  }

  // Names are looked up in sets built once per rewrite: a linear search of the
  // graph for each of the tiles' hundreds of new names would make the rewrite
  // quadratic in the model's size, and auto rewrites once per candidate.
  std::string unique_tensor(const std::string& base) {
    if (tensor_names_.empty())
      for (const ir::Tensor& t : g_.tensors) tensor_names_.insert(t.name);
    return unique(tensor_names_, base);
  }

  std::string unique_node(const std::string& base) {
    if (node_names_.empty())
      for (const ir::Node& n : g_.nodes) node_names_.insert(n.name);
    return unique(node_names_, base);
  }

  static std::string unique(std::unordered_set<std::string>& taken, const std::string& base) {
    std::string name = base;
    for (int i = 2; taken.count(name); ++i) name = fmt::format("{}_{}", base, i);
    taken.insert(name);
    return name;
  }

  ir::Graph& g_;
  const target::Target& t_;
  ops::Preference p_;
  std::unordered_set<std::string> tensor_names_, node_names_;
};

struct Candidate {
  size_t last = 0;
  int64_t rows = 1, cols = 1, peak = 0, macs = 0;
  int64_t arena = -1;  // planned, for the few candidates that get that far
};

int64_t macs_of(const ir::Graph& g) { return ops::total_macs(g); }

Candidate evaluate(const ir::Graph& g, const std::vector<Layer>& stage, size_t last, int64_t rows, int64_t cols,
                   const PatchOptions& o, const target::Target& t, ops::Preference p) {
  ir::Graph copy = g;
  Rewriter(copy, t, p).run(stage, last, rows, cols);
  return {last, rows, cols, schedule_peak(copy, o.model_in_place), macs_of(copy)};
}

// The arena the rest of the pipeline (schedule, in-place, plan-memory) gives the
// patched graph: the many small tile buffers can fragment a plan above its ideal
// lower bound, so among splits with the same bound the one the planner packs
// best is taken, and none is taken that packs worse than the unpatched graph.
// `c` null: the graph as it is.
int64_t planned_arena(const ir::Graph& g, const Candidate* c, const std::vector<Layer>& stage, const PatchOptions& o,
                      const target::Target& t, ops::Preference p) {
  ir::Graph copy = g;
  if (c) Rewriter(copy, t, p).run(stage, c->last, c->rows, c->cols);
  ScheduleOptions so;
  so.model_in_place = o.model_in_place;
  if (!o.skip_schedule) schedule(copy, so);
  if (o.model_in_place) run_in_place(copy);
  return plan_memory(copy).arena_bytes;
}

// Lower peak first, then fewer MACs, then fewer tiles.
bool better(const Candidate& a, const Candidate& b) {
  if (a.peak != b.peak) return a.peak < b.peak;
  if (a.macs != b.macs) return a.macs < b.macs;
  return a.rows * a.cols < b.rows * b.cols;
}

}  // namespace

PatchOptions parse_patch(const std::string& text) {
  PatchOptions o;
  if (text == "off") return o;
  if (text == "auto") {
    o.mode = PatchOptions::Mode::kAuto;
    return o;
  }
  static const std::regex re(R"(^([1-9][0-9]?)x([1-9][0-9]?)$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw support::Refusal(fmt::format("--patch '{}': expected auto, off or RxC (tiles, e.g. 4x4, each 1 to 99)", text));
  o.mode = PatchOptions::Mode::kFixed;
  o.rows = std::stoll(m[1]);
  o.cols = std::stoll(m[2]);
  return o;
}

std::string patch_flag(const PatchOptions& o) {
  switch (o.mode) {
    case PatchOptions::Mode::kOff: return "off";
    case PatchOptions::Mode::kAuto: return "auto";
    case PatchOptions::Mode::kFixed: break;
  }
  return fmt::format("{}x{}", o.rows, o.cols);
}

PatchReport patch(ir::Graph& g, const PatchOptions& o, const target::Target& t, ops::Preference p) {
  PatchReport report;
  if (o.mode == PatchOptions::Mode::kOff) return report;
  report.peak_before = report.peak_after = schedule_peak(g, o.model_in_place);
  const std::vector<Layer> stage = first_stage(g);
  if (stage.empty()) return report;
  const int64_t macs_before = macs_of(g);
  const ir::Shape first_out = g.tensor(g.nodes[stage[0].node].outputs[0]).shape;

  std::vector<Candidate> tried;
  if (o.mode == PatchOptions::Mode::kFixed && o.layers > static_cast<int64_t>(stage.size()))
    throw support::Refusal(fmt::format("{}: --patch-layers {}: the first stage has {} layer{} ({} .. {})", g.name, o.layers,
                                       stage.size(), stage.size() == 1 ? "" : "s", g.nodes[stage.front().node].name,
                                       g.nodes[stage.back().node].name));
  const size_t longest = o.mode == PatchOptions::Mode::kFixed && o.layers > 0 ? stage.size() : std::min(stage.size(), kMaxStage);
  for (size_t last = 0; last < longest; ++last) {
    const ir::Shape& y = g.tensor(g.nodes[stage[last].node].outputs[0]).shape;
    if (o.mode == PatchOptions::Mode::kFixed) {
      const bool wanted = o.layers == 0 || static_cast<int64_t>(last) + 1 == o.layers;
      if (wanted && o.rows <= y[2] && o.cols <= y[3]) tried.push_back(evaluate(g, stage, last, o.rows, o.cols, o, t, p));
      continue;
    }
    for (int64_t r = 1; r <= std::min(kMaxSplit, y[2]); ++r)
      for (int64_t c = 1; c <= std::min(kMaxSplit, y[3]); ++c)
        if (r * c > 1) tried.push_back(evaluate(g, stage, last, r, c, o, t, p));
  }
  report.candidates = static_cast<int64_t>(tried.size());
  if (tried.empty()) {
    if (o.mode == PatchOptions::Mode::kFixed)
      throw support::Refusal(fmt::format("{}: --patch {}x{}: the first stage's output ({} after its first layer) has "
                                         "fewer rows or columns than tiles",
                                         g.name, o.rows, o.cols, ir::shape_str(first_out)));
    return report;
  }
  const Candidate* best = nullptr;
  if (o.mode == PatchOptions::Mode::kFixed) {
    for (const Candidate& c : tried)
      if (!best || better(c, *best)) best = &c;
  } else {
    if (o.max_peak > 0 && report.peak_before <= o.max_peak) return report;  // fits already
    // The bound to reach: the budget's, or the lowest any split reaches. The
    // splits that reach it, fewest added MACs first; of the first few, the first
    // the planner packs into that bound (else the smallest arena among them).
    int64_t target_peak = o.max_peak;
    if (target_peak == 0) {
      const double allowed = kAutoMaxAddedMacs * static_cast<double>(macs_before);
      tried.erase(std::remove_if(tried.begin(), tried.end(),
                                 [&](const Candidate& c) { return static_cast<double>(c.macs - macs_before) > allowed; }),
                  tried.end());
      if (tried.empty()) return report;
    }
    if (target_peak == 0 || std::none_of(tried.begin(), tried.end(), [&](const Candidate& c) { return c.peak <= target_peak; })) {
      target_peak = std::numeric_limits<int64_t>::max();
      for (const Candidate& c : tried) target_peak = std::min(target_peak, c.peak);
    }
    if (target_peak >= report.peak_before) return report;  // patching does not lower the peak
    std::vector<Candidate> reaching;
    for (const Candidate& c : tried)
      if (c.peak <= target_peak) reaching.push_back(c);
    std::stable_sort(reaching.begin(), reaching.end(), [](const Candidate& a, const Candidate& b) {
      return a.macs != b.macs ? a.macs < b.macs : better(a, b);
    });
    reaching.resize(std::min<size_t>(reaching.size(), kPlannedCandidates));
    for (Candidate& c : reaching) {
      c.arena = planned_arena(g, &c, stage, o, t, p);
      if (!best || c.arena < best->arena) best = &c;
      if (c.arena <= target_peak) break;
    }

    // A lower bound the planner cannot pack is no gain: the arena must shrink.
    if (best->arena >= planned_arena(g, nullptr, stage, o, t, p)) return report;
    tried = {*best};
    best = &tried[0];
  }
  for (size_t k = 0; k <= best->last; ++k) report.layers.push_back(g.nodes[stage[k].node].name);
  Rewriter(g, t, p).run(stage, best->last, best->rows, best->cols);
  report.patched = true;
  report.rows = best->rows;
  report.cols = best->cols;
  report.peak_after = schedule_peak(g, o.model_in_place);
  report.macs_added = macs_of(g) - macs_before;
  return report;
}

}  // namespace mote::passes
