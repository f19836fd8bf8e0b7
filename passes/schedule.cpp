#include "passes/schedule.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "passes/memory/storage.h"
#include "passes/memory/strategy.h"

namespace mote::passes {

namespace {

// What the schedule needs to know of the graph, by node index and by group (a
// set of tensors sharing bytes through views, named by its root tensor).
struct Model {
  size_t n = 0;
  std::vector<std::vector<int>> preds;          // nodes whose outputs a node reads
  std::vector<std::vector<size_t>> reads;       // groups a node reads (each once)
  std::vector<std::vector<size_t>> creates;     // groups whose root a node writes
  std::vector<int64_t> scratch;                 // a node's kernel scratch, aligned
  // Groups whose bytes the node's output 0 may take over, in order of preference
  // (pass in-place), and the group of that output.
  std::vector<std::vector<size_t>> in_place;
  std::vector<size_t> out_group;
  std::vector<int64_t> group_bytes;             // aligned; 0 for tensors not in the arena
  std::vector<std::vector<int>> group_readers;  // nodes reading the group (each once)
};

Model describe(const ir::Graph& g, bool model_in_place) {
  Model m;
  m.n = g.nodes.size();
  memory::StorageGroups groups = memory::view_groups(g);
  const size_t nt = g.tensors.size();
  m.group_bytes.assign(nt, 0);
  m.group_readers.assign(nt, {});
  for (size_t t = 0; t < nt; ++t) {
    const auto id = static_cast<ir::TensorId>(t);
    if (g.lives_in_arena(id) && groups.find(id) == id) m.group_bytes[t] = memory::align_up(g.tensors[t].bytes());
  }
  const std::vector<int> producer = g.producers();
  m.preds.resize(m.n);
  m.reads.resize(m.n);
  m.creates.resize(m.n);
  m.scratch.assign(m.n, 0);
  m.in_place.resize(m.n);
  m.out_group.assign(m.n, nt);
  auto add_once = [](auto& list, auto v) {
    if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  };
  for (size_t v = 0; v < m.n; ++v) {
    const ir::Node& node = g.nodes[v];
    for (ir::TensorId t : node.inputs) {
      if (t == ir::kNoTensor) continue;
      const int p = producer[static_cast<size_t>(t)];
      if (p >= 0) add_once(m.preds[v], p);
      if (!g.lives_in_arena(t)) continue;
      const auto gr = static_cast<size_t>(groups.find(t));
      add_once(m.reads[v], gr);
      // Nodes come in order, so a repeat can only be the last one listed: a tensor
      // read by thousands of nodes costs no scan.
      std::vector<int>& readers = m.group_readers[gr];
      if (readers.empty() || readers.back() != static_cast<int>(v)) readers.push_back(static_cast<int>(v));
    }
    for (ir::TensorId t : node.outputs)
      if (t != ir::kNoTensor && g.lives_in_arena(t) && groups.find(t) == t) m.creates[v].push_back(static_cast<size_t>(t));
    if (node.kernel && node.kernel->scratch_bytes > 0) m.scratch[v] = memory::align_up(node.kernel->scratch_bytes);
    if (!model_in_place) continue;
    for (ir::TensorId x : memory::in_place_candidates(g, node)) {
      const auto gx = static_cast<size_t>(groups.find(x));
      const auto gy = static_cast<size_t>(groups.find(node.kernel->outputs[0]));
      if (gx == gy) continue;
      m.in_place[v].push_back(gx);
      m.out_group[v] = gy;
    }
  }
  return m;
}

// The nodes of one stretch of the schedule, [begin, end) of the model's order,
// that every order must run after the ones before it and before the ones after.
struct Segment {
  size_t begin = 0, end = 0;
};

// Cut points: a node that every earlier node reaches and that reaches every later
// node. Between two cuts the order is free; across a cut it is not, so the search
// runs on each stretch alone (a chain is all cuts and costs nothing to search).
std::vector<Segment> segments(const Model& m) {
  // sinks[p]: nodes of [0, p] that no node of [0, p] reads; sources[p]: nodes of
  // [p, n) that read no node of [p, n).
  std::vector<int> sinks(m.n), sources(m.n);
  std::vector<int> read_by_later(m.n, 0);
  int count = 0;
  for (size_t p = 0; p < m.n; ++p) {
    for (int q : m.preds[p])
      if (read_by_later[static_cast<size_t>(q)]++ == 0) --count;
    ++count;
    sinks[p] = count;
  }
  std::vector<std::vector<int>> succs(m.n);
  for (size_t v = 0; v < m.n; ++v)
    for (int q : m.preds[v]) succs[static_cast<size_t>(q)].push_back(static_cast<int>(v));
  // A node is a source of [p, n) when none of its predecessors is at p or later.
  std::vector<int> preds_in_suffix(m.n, 0);
  count = 0;
  for (size_t p = m.n; p-- > 0;) {
    for (int s : succs[p])
      if (preds_in_suffix[static_cast<size_t>(s)]++ == 0) --count;
    ++count;
    sources[p] = count;
  }
  std::vector<Segment> out;
  size_t begin = 0;
  for (size_t p = 0; p < m.n; ++p) {
    if (sinks[p] != 1 || sources[p] != 1) continue;
    if (p > begin) out.push_back({begin, p});
    out.push_back({p, p + 1});
    begin = p + 1;
  }
  if (begin < m.n) out.push_back({begin, m.n});
  return out;
}

// The running state of a schedule: which nodes ran, and the bytes live between steps.
class Run {
 public:
  // `done` is the caller's: run() marks nodes in it.
  Run(const Model& m, std::vector<char>& done) : m_(m), done_(done) {}

  bool ready(size_t v) const {
    if (done_[v]) return false;
    for (int p : m_.preds[v])
      if (!done_[static_cast<size_t>(p)]) return false;
    return true;
  }
  // Bytes live during step v: what is live now, v's new outputs and its scratch.
  int64_t during(size_t v, int64_t live) const {
    int64_t bytes = live + m_.scratch[v];
    const size_t taken = takes_over(v);
    for (size_t gr : m_.creates[v])
      if (!(taken < m_.group_bytes.size() && gr == m_.out_group[v])) bytes += m_.group_bytes[gr];
    return bytes;
  }
  // Bytes live after step v: its outputs that are read later join, what it read
  // last leaves.
  int64_t after(size_t v, int64_t live) const {
    for (size_t gr : m_.creates[v])
      if (!m_.group_readers[gr].empty()) live += m_.group_bytes[gr];
    for (size_t gr : m_.reads[v])
      if (last_reader(v, gr)) live -= m_.group_bytes[gr];
    return live;
  }
  void run(size_t v) { done_[v] = 1; }
  const std::vector<char>& done() const { return done_; }

 private:
  bool last_reader(size_t v, size_t gr) const {
    for (int r : m_.group_readers[gr])
      if (static_cast<size_t>(r) != v && !done_[static_cast<size_t>(r)]) return false;
    return true;
  }
  // The group whose bytes v's output takes over (pass in-place), or none.
  size_t takes_over(size_t v) const {
    for (size_t gx : m_.in_place[v])
      if (last_reader(v, gx)) return gx;
    return m_.group_bytes.size();
  }
  const Model& m_;
  std::vector<char>& done_;
};

// Longer stretches without a cut keep the model's order: the greedy choice is
// quadratic in their length.
constexpr size_t kMaxSearchedNodes = 4096;

struct Order {
  std::vector<size_t> nodes;
  int64_t peak = 0;
};

// The peak of running `order` from the state `done` with `live` bytes live;
// leaves `done` and `live` as they are after it.
int64_t peak_of(const Model& m, std::vector<char>& done, const std::vector<size_t>& order, int64_t& live) {
  Run run(m, done);
  int64_t peak = 0;
  for (size_t v : order) {
    peak = std::max(peak, run.during(v, live));
    live = run.after(v, live);
    run.run(v);
  }
  return peak;
}

// At each step the ready node that adds the fewest bytes now, then the one that
// frees the most, then the model's order.
Order greedy(const Model& m, const Segment& seg, std::vector<char> done, int64_t live) {
  Run run(m, done);
  Order o;
  for (size_t k = seg.begin; k < seg.end; ++k) {
    size_t best = seg.end;
    int64_t best_during = 0, best_after = 0;
    for (size_t v = seg.begin; v < seg.end; ++v) {
      if (!run.ready(v)) continue;
      const int64_t d = run.during(v, live), a = run.after(v, live);
      if (best == seg.end || d < best_during || (d == best_during && a < best_after)) {
        best = v;
        best_during = d;
        best_after = a;
      }
    }
    o.nodes.push_back(best);
    o.peak = std::max(o.peak, best_during);
    live = best_after;
    run.run(best);
  }
  return o;
}

// Exact: the lowest peak over every order of the segment, by dynamic programming
// over the sets of its nodes that have run (the bytes live after a set do not
// depend on the order it ran in). False when there are more than max_states sets.
bool exact(const Model& m, const Segment& seg, const std::vector<char>& done_before, int64_t live0, int64_t max_states,
           Order& best) {
  const size_t len = seg.end - seg.begin;
  struct State {
    std::vector<char> done;  // the whole graph's, as Run wants it
    int64_t live = 0, peak = 0;
    size_t parent = 0, node = 0;
  };
  struct Hash {
    size_t operator()(const std::vector<char>& v) const {
      return std::hash<std::string_view>()(std::string_view(v.data(), v.size()));
    }
  };
  std::vector<std::vector<State>> layers(1);
  layers[0].push_back({done_before, live0, 0, 0, 0});
  int64_t states = 1;
  for (size_t k = 0; k < len; ++k) {
    std::vector<State> next;
    std::unordered_map<std::vector<char>, size_t, Hash> index;
    for (size_t i = 0; i < layers[k].size(); ++i) {
      State& s = layers[k][i];
      Run run(m, s.done);
      for (size_t v = seg.begin; v < seg.end; ++v) {
        if (!run.ready(v)) continue;
        const int64_t peak = std::max(s.peak, run.during(v, s.live));
        std::vector<char> done = s.done;
        done[v] = 1;
        auto [it, fresh] = index.emplace(std::move(done), next.size());
        if (fresh) {
          if (++states > max_states) return false;
          next.push_back({it->first, run.after(v, s.live), peak, i, v});
        } else if (peak < next[it->second].peak) {
          next[it->second].peak = peak;
          next[it->second].parent = i;
          next[it->second].node = v;
        }
      }
    }
    layers.push_back(std::move(next));
  }
  best.nodes.assign(len, 0);
  best.peak = layers[len][0].peak;
  size_t i = 0;
  for (size_t k = len; k > 0; --k) {
    best.nodes[k - 1] = layers[k][i].node;
    i = layers[k][i].parent;
  }
  return true;
}

}  // namespace

int64_t schedule_peak(const ir::Graph& g, bool model_in_place) {
  const Model m = describe(g, model_in_place);
  std::vector<size_t> order(m.n);
  for (size_t v = 0; v < m.n; ++v) order[v] = v;
  std::vector<char> done(m.n, 0);
  int64_t live = 0;
  return peak_of(m, done, order, live);
}

ScheduleReport schedule(ir::Graph& g, const ScheduleOptions& opts) {
  const Model m = describe(g, opts.model_in_place);
  ScheduleReport report;
  std::vector<size_t> chosen;
  std::vector<char> done(m.n, 0);  // the nodes of the segments before
  int64_t live = 0;
  for (const Segment& seg : segments(m)) {
    const size_t len = seg.end - seg.begin;
    Order best;
    if (len > 1 && len <= kMaxSearchedNodes) {
      // The search's memory is states times the graph's size: bound both.
      const int64_t budget = std::min<int64_t>(opts.max_states, (int64_t{1} << 26) / static_cast<int64_t>(m.n + 1));
      if (!exact(m, seg, done, live, budget, best)) {
        report.exact = false;
        best = greedy(m, seg, done, live);
      }
    } else if (len > 1) {
      report.exact = false;
    }
    Order model_order;
    for (size_t v = seg.begin; v < seg.end; ++v) model_order.nodes.push_back(v);
    model_order.peak = peak_of(m, done, model_order.nodes, live);  // the same `live` after any order
    if (best.nodes.empty() || best.peak >= model_order.peak) best = model_order;
    report.model_order_peak = std::max(report.model_order_peak, model_order.peak);
    report.chosen_peak = std::max(report.chosen_peak, best.peak);
    chosen.insert(chosen.end(), best.nodes.begin(), best.nodes.end());
  }
  for (size_t k = 0; k < chosen.size(); ++k)
    if (chosen[k] != k) report.reordered = true;
  if (report.reordered) {
    std::vector<ir::Node> nodes;
    nodes.reserve(m.n);
    for (size_t v : chosen) nodes.push_back(std::move(g.nodes[v]));
    g.nodes = std::move(nodes);
  }
  return report;
}

}  // namespace mote::passes
