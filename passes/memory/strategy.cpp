#include "passes/memory/strategy.h"

#include <algorithm>
#include <numeric>

namespace mote::passes::memory {

int64_t align_up(int64_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

bool lifetimes_overlap(const Buffer& a, const Buffer& b) { return a.first <= b.last && b.first <= a.last; }

int64_t arena_bytes(const std::vector<Buffer>& buffers) {
  int64_t end = 0;
  for (const Buffer& b : buffers) end = std::max(end, b.offset + align_up(b.size));
  return end;
}

int64_t lower_bound(const std::vector<Buffer>& buffers) {
  int last_step = 0;
  for (const Buffer& b : buffers) last_step = std::max(last_step, b.last);
  int64_t best = 0;
  for (int s = 0; s <= last_step; ++s) {
    int64_t live = 0;
    for (const Buffer& b : buffers)
      if (b.first <= s && s <= b.last) live += align_up(b.size);
    best = std::max(best, live);
  }
  return best;
}

void Linear::place(std::vector<Buffer>& buffers) const {
  int64_t offset = 0;
  for (Buffer& b : buffers) {
    b.offset = offset;
    offset += align_up(b.size);
  }
}

void GreedyBySize::place(std::vector<Buffer>& buffers) const {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Ties broken by index so the plan (and so the generated code) is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return buffers[a].size > buffers[b].size; });
  std::vector<size_t> placed;
  for (size_t i : order) {
    Buffer& b = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> taken;  // [begin, end) of conflicting buffers
    for (size_t j : placed)
      if (lifetimes_overlap(b, buffers[j])) taken.emplace_back(buffers[j].offset, buffers[j].offset + align_up(buffers[j].size));
    std::sort(taken.begin(), taken.end());
    int64_t offset = 0;
    for (const auto& [begin, end] : taken) {
      if (offset + align_up(b.size) <= begin) break;
      offset = std::max(offset, end);
    }
    b.offset = offset;
    placed.push_back(i);
  }
}

std::unique_ptr<Strategy> make_strategy(const std::string& name) {
  if (name == "greedy") return std::make_unique<GreedyBySize>();
  if (name == "linear") return std::make_unique<Linear>();
  return nullptr;
}

}  // namespace mote::passes::memory
