#include "passes/memory/plan_memory.h"

#include <fmt/format.h>

#include "compiler/support/error.h"
#include "passes/memory/storage.h"
#include "passes/memory/strategy.h"

namespace mote::passes {

MemoryReport plan_memory(ir::Graph& g, const std::string& strategy_name) {
  auto strategy = memory::make_strategy(strategy_name);
  if (!strategy) throw support::Refusal(fmt::format("unknown memory planner '{}' (known: greedy, linear)", strategy_name));

  // Views, and outputs written over their inputs (pass in-place), share bytes.
  memory::StorageGroups storage = memory::planned_groups(g);

  // One buffer per storage root, spanning the lifetimes of all its tensors.
  std::vector<int> buffer_of(g.tensors.size(), -1);
  std::vector<memory::Buffer> buffers;
  auto touch = [&](ir::TensorId t, int step) {
    if (t == ir::kNoTensor || !g.lives_in_arena(t)) return;
    const ir::TensorId r = storage.find(t);
    int& b = buffer_of[static_cast<size_t>(r)];
    if (b < 0) {
      b = static_cast<int>(buffers.size());
      buffers.push_back({g.tensor(r).bytes(), step, step, -1});
    }
    buffers[static_cast<size_t>(b)].first = std::min(buffers[static_cast<size_t>(b)].first, step);
    buffers[static_cast<size_t>(b)].last = std::max(buffers[static_cast<size_t>(b)].last, step);
  };
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    for (ir::TensorId t : g.nodes[s].outputs) touch(t, static_cast<int>(s));
    for (ir::TensorId t : g.nodes[s].inputs) touch(t, static_cast<int>(s));
  }
  // A kernel's scratch is a buffer live at its own step only: it counts in the
  // arena and in the lower bound like any tensor.
  std::vector<std::pair<size_t, int>> scratch;  // (node, buffer)
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    const ir::Node& n = g.nodes[s];
    if (!n.kernel || n.kernel->scratch_bytes <= 0) continue;
    scratch.emplace_back(s, static_cast<int>(buffers.size()));
    buffers.push_back({n.kernel->scratch_bytes, static_cast<int>(s), static_cast<int>(s), -1});
  }

  MemoryReport report;
  report.strategy = strategy->name();
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (g.lives_in_arena(static_cast<ir::TensorId>(t))) report.unshared_bytes += memory::align_up(g.tensors[t].bytes());
  for (const auto& sc : scratch) report.unshared_bytes += memory::align_up(buffers[static_cast<size_t>(sc.second)].size);

  strategy->place(buffers);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    ir::Tensor& tensor = g.tensors[t];
    tensor.arena_offset = -1;
    if (!g.lives_in_arena(static_cast<ir::TensorId>(t))) continue;
    const int b = buffer_of[static_cast<size_t>(storage.find(static_cast<ir::TensorId>(t)))];
    if (b >= 0) tensor.arena_offset = buffers[static_cast<size_t>(b)].offset;
  }
  for (const auto& [node, b] : scratch) g.nodes[node].kernel->scratch_offset = buffers[static_cast<size_t>(b)].offset;
  report.arena_bytes = memory::arena_bytes(buffers);
  report.lower_bound_bytes = memory::lower_bound(buffers);
  g.arena_bytes = report.arena_bytes;
  g.planned = true;
  return report;
}

}  // namespace mote::passes
