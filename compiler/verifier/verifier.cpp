#include "compiler/verifier/verifier.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "compiler/ops/registry.h"
#include "compiler/support/error.h"

namespace mote::verifier {

namespace {

void check_structure(const ir::Graph& g, std::vector<std::string>& errs) {
  const size_t nt = g.tensors.size();
  std::vector<bool> defined(nt, false);
  std::vector<int> writers(nt, 0);
  auto valid = [&](ir::TensorId t) { return t >= 0 && static_cast<size_t>(t) < nt; };
  for (size_t t = 0; t < nt; ++t) defined[t] = g.tensors[t].is_constant();
  for (ir::TensorId t : g.inputs) {
    if (!valid(t)) { errs.push_back(fmt::format("graph input id {} out of range", t)); continue; }
    if (g.tensor(t).is_constant()) errs.push_back(fmt::format("graph input '{}' is a constant", g.tensor(t).name));
    defined[static_cast<size_t>(t)] = true;
  }
  for (const ir::Node& n : g.nodes) {
    for (ir::TensorId t : n.inputs) {
      if (t == ir::kNoTensor) continue;
      if (!valid(t)) errs.push_back(fmt::format("node '{}' reads tensor id {} out of range", n.name, t));
      else if (!defined[static_cast<size_t>(t)])
        errs.push_back(fmt::format("node '{}' reads '{}' before it is produced", n.name, g.tensor(t).name));
    }
    for (ir::TensorId t : n.outputs) {
      if (t == ir::kNoTensor) continue;
      if (!valid(t)) { errs.push_back(fmt::format("node '{}' writes tensor id {} out of range", n.name, t)); continue; }
      const ir::Tensor& tt = g.tensor(t);
      if (tt.is_constant()) errs.push_back(fmt::format("node '{}' writes the constant '{}'", n.name, tt.name));
      if (g.is_graph_input(t)) errs.push_back(fmt::format("node '{}' writes the graph input '{}'", n.name, tt.name));
      if (++writers[static_cast<size_t>(t)] > 1) errs.push_back(fmt::format("tensor '{}' is produced twice", tt.name));
      defined[static_cast<size_t>(t)] = true;
    }
  }
  for (ir::TensorId t : g.outputs) {
    if (!valid(t)) errs.push_back(fmt::format("graph output id {} out of range", t));
    else if (!defined[static_cast<size_t>(t)]) errs.push_back(fmt::format("graph output '{}' is never produced", g.tensor(t).name));
  }
}

// Re-runs each operator's rule and compares with the types recorded in the graph.
void check_types(const ir::Graph& g, std::vector<std::string>& errs) {
  for (const ir::Tensor& t : g.tensors) {
    if (!t.shape_known) { errs.push_back(fmt::format("tensor '{}' has no type", t.name)); continue; }
    if (t.is_constant() && static_cast<int64_t>(t.data->size()) != t.bytes())
      errs.push_back(fmt::format("constant '{}' holds {} bytes, its type needs {}", t.name, t.data->size(), t.bytes()));
  }
  for (const ir::Node& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def) { errs.push_back(fmt::format("node '{}': unknown operator {}", n.name, n.op)); continue; }
    ops::InferContext ctx(g, n);
    try {
      def->infer(ctx);
    } catch (const std::exception& e) {
      errs.push_back(fmt::format("node '{}' ({}) no longer passes its rule: {}", n.name, n.op, e.what()));
      continue;
    }
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      if (n.outputs[i] == ir::kNoTensor) continue;
      const ir::Tensor& t = g.tensor(n.outputs[i]);
      const ops::OutputType& o = ctx.outputs()[i];
      if (o.dtype != t.dtype || o.shape != t.shape)
        errs.push_back(fmt::format("node '{}' ({}) output '{}' is {}[{}], its rule says {}[{}]", n.name, n.op, t.name,
                                   ir::dtype_name(t.dtype), ir::shape_str(t.shape), ir::dtype_name(o.dtype),
                                   ir::shape_str(o.shape)));
    }
  }
}

// No two arena tensors live at the same step share a byte, unless one is a view of the other.
void check_plan(const ir::Graph& g, std::vector<std::string>& errs) {
  const size_t nt = g.tensors.size();
  std::vector<int> first(nt, -1), last(nt, -1);
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    auto touch = [&](ir::TensorId t) {
      if (t == ir::kNoTensor) return;
      auto i = static_cast<size_t>(t);
      if (first[i] < 0) first[i] = static_cast<int>(s);
      last[i] = static_cast<int>(s);
    };
    for (ir::TensorId t : g.nodes[s].outputs) touch(t);
    for (ir::TensorId t : g.nodes[s].inputs) touch(t);
  }
  // Views: a view's output shares its input's storage. Tensors of one storage
  // group may overlap each other; the group as a whole (its bytes over the union
  // of its lifetimes) may overlap no other group live at the same step.
  std::vector<size_t> root(nt);
  for (size_t t = 0; t < nt; ++t) root[t] = t;
  auto find = [&](size_t t) {
    while (root[t] != t) t = root[t] = root[root[t]];
    return t;
  };
  for (const ir::Node& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    if (def && def->is_view && !n.inputs.empty() && !n.outputs.empty() && n.inputs[0] != ir::kNoTensor &&
        n.outputs[0] != ir::kNoTensor)
      root[find(static_cast<size_t>(n.outputs[0]))] = find(static_cast<size_t>(n.inputs[0]));
  }
  // In place (pass in-place): the output takes its input's bytes, which nothing may
  // read after that step under any name.
  std::vector<int> group_read(nt, -1);
  for (size_t s = 0; s < g.nodes.size(); ++s)
    for (ir::TensorId t : g.nodes[s].inputs)
      if (t != ir::kNoTensor) group_read[find(static_cast<size_t>(t))] = static_cast<int>(s);
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    const ir::Node& n = g.nodes[s];
    if (!n.kernel || n.kernel->in_place_of == ir::kNoTensor) continue;
    const auto in = static_cast<size_t>(n.kernel->in_place_of);
    if (n.kernel->outputs.empty() || n.kernel->outputs[0] == ir::kNoTensor) continue;
    const auto out = static_cast<size_t>(n.kernel->outputs[0]);
    if (group_read[find(in)] > static_cast<int>(s))
      errs.push_back(fmt::format("node '{}' writes '{}' over '{}', which is read later", n.name, g.tensors[out].name,
                                 g.tensors[in].name));
    if (g.tensors[out].arena_offset != g.tensors[in].arena_offset && g.planned)
      errs.push_back(fmt::format("node '{}' runs in place but '{}' and '{}' are at different offsets", n.name,
                                 g.tensors[out].name, g.tensors[in].name));
    const int merged = std::max(group_read[find(in)], group_read[find(out)]);
    root[find(out)] = find(in);
    group_read[find(in)] = merged;
  }
  struct Group {
    int64_t begin = INT64_MAX, end = 0;  // bytes [begin, end)
    int first = INT32_MAX, last = -1;
    size_t tensor = 0;                   // one member, for messages
  };
  std::vector<Group> groups(nt);
  for (size_t t = 0; t < nt; ++t) {
    const auto id = static_cast<ir::TensorId>(t);
    const ir::Tensor& tt = g.tensors[t];
    if (!g.lives_in_arena(id)) {
      if (tt.arena_offset >= 0) errs.push_back(fmt::format("'{}' is not an arena tensor but has an offset", tt.name));
      continue;
    }
    if (first[t] < 0) continue;
    if (tt.arena_offset < 0 || tt.arena_offset % 16 != 0 || tt.arena_offset + tt.bytes() > g.arena_bytes) {
      errs.push_back(fmt::format("'{}' ({} bytes) at offset {} does not fit an arena of {} bytes, aligned", tt.name,
                                 tt.bytes(), tt.arena_offset, g.arena_bytes));
      continue;
    }
    if (tt.bytes() == 0) continue;
    Group& gr = groups[find(t)];
    gr.begin = std::min(gr.begin, tt.arena_offset);
    gr.end = std::max(gr.end, tt.arena_offset + tt.bytes());
    gr.first = std::min(gr.first, first[t]);
    gr.last = std::max(gr.last, last[t]);
    gr.tensor = t;
  }
  // Sweep the schedule with the live groups ordered by offset: while they do not
  // overlap, a new group can only overlap its neighbours. Linear in the tensors
  // (times a log), where comparing every pair was quadratic.
  // Kernel scratch: one more group each, live at its node's step.
  std::vector<std::string> names(nt);
  for (size_t t = 0; t < nt; ++t) names[t] = g.tensors[t].name;
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    const ir::Node& n = g.nodes[s];
    if (!n.kernel || n.kernel->scratch_bytes <= 0) continue;
    const ir::KernelCall& k = *n.kernel;
    if (k.scratch_offset < 0 || k.scratch_offset % 16 != 0 || k.scratch_offset + k.scratch_bytes > g.arena_bytes) {
      errs.push_back(fmt::format("the scratch of node '{}' ({} bytes) at offset {} does not fit an arena of {} bytes, "
                                 "aligned",
                                 n.name, k.scratch_bytes, k.scratch_offset, g.arena_bytes));
      continue;
    }
    Group gr;
    gr.begin = k.scratch_offset;
    gr.end = k.scratch_offset + k.scratch_bytes;
    gr.first = gr.last = static_cast<int>(s);
    gr.tensor = names.size();
    names.push_back("scratch of node '" + n.name + "'");
    groups.push_back(gr);
  }
  std::vector<std::vector<size_t>> starts(g.nodes.size()), ends(g.nodes.size());
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].last >= 0) {
      starts[static_cast<size_t>(groups[i].first)].push_back(i);
      ends[static_cast<size_t>(groups[i].last)].push_back(i);
    }
  std::set<std::pair<int64_t, size_t>> live;  // (begin, group)
  auto report = [&](size_t a, size_t b) {
    errs.push_back(fmt::format("'{}' and '{}' are live together and overlap in the arena", names[groups[a].tensor],
                               names[groups[b].tensor]));
  };
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    for (size_t i : starts[s]) {
      const auto it = live.insert({groups[i].begin, i}).first;
      if (it != live.begin() && groups[std::prev(it)->second].end > groups[i].begin) report(std::prev(it)->second, i);
      if (std::next(it) != live.end() && std::next(it)->first < groups[i].end) report(i, std::next(it)->second);
    }
    for (size_t i : ends[s]) live.erase({groups[i].begin, i});
  }
}

// Once selected, every node has a kernel, and its operands are tensors of the graph.
void check_kernels(const ir::Graph& g, std::vector<std::string>& errs) {
  const auto nt = static_cast<ir::TensorId>(g.tensors.size());
  for (const ir::Node& n : g.nodes) {
    if (!n.kernel) {
      errs.push_back(fmt::format("node '{}' has no kernel after select-kernels", n.name));
      continue;
    }
    const ir::KernelCall& k = *n.kernel;
    if (k.variant.empty() || k.kernel.empty() || k.file.empty())
      errs.push_back(fmt::format("node '{}': its kernel call names no variant, kernel or file", n.name));
    for (const auto* ids : {&k.inputs, &k.outputs})
      for (ir::TensorId t : *ids)
        if (t != ir::kNoTensor && (t < 0 || t >= nt))
          errs.push_back(fmt::format("node '{}': its kernel reads or writes tensor id {}, out of range", n.name, t));
    if (k.scratch_bytes < 0) errs.push_back(fmt::format("node '{}': negative scratch", n.name));
    for (ir::TensorId t : k.outputs)
      if (t != ir::kNoTensor && std::find(n.outputs.begin(), n.outputs.end(), t) == n.outputs.end())
        errs.push_back(fmt::format("node '{}': its kernel writes '{}', not an output of the node", n.name,
                                   g.tensor(t).name));
  }
}

}  // namespace

std::vector<std::string> verify(const ir::Graph& g) {
  std::vector<std::string> errs;
  check_structure(g, errs);
  if (!errs.empty()) return errs;
  if (g.resolved) check_types(g, errs);
  if (g.kernels_selected) check_kernels(g, errs);
  if (g.planned) check_plan(g, errs);
  return errs;
}

void verify_or_throw(const ir::Graph& g, const std::string& after_pass) {
  const std::vector<std::string> errs = verify(g);
  if (errs.empty()) return;
  throw support::InternalError(fmt::format("{}: IR verifier failed after pass '{}' (a bug in Mote):\n  {}", g.name,
                                           after_pass, fmt::join(errs, "\n  ")));
}

}  // namespace mote::verifier
