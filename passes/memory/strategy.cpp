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
  int last_step = -1;
  for (const Buffer& b : buffers) last_step = std::max(last_step, b.last);
  // Bytes that become live at each step minus those freed after it; the running
  // sum is what is live at each step.
  std::vector<int64_t> delta(static_cast<size_t>(last_step + 2), 0);
  for (const Buffer& b : buffers) {
    delta[static_cast<size_t>(b.first)] += align_up(b.size);
    delta[static_cast<size_t>(b.last) + 1] -= align_up(b.size);
  }
  int64_t live = 0, best = 0;
  for (int64_t d : delta) best = std::max(best, live += d);
  return best;
}

void Linear::place(std::vector<Buffer>& buffers) const {
  int64_t offset = 0;
  for (Buffer& b : buffers) {
    b.offset = offset;
    offset += align_up(b.size);
  }
}

namespace {

// The buffers whose lifetimes overlap a given one, among those placed so far,
// without looking at every placed buffer: buffers sorted by first step, with a
// segment tree of the latest last step below each node, prunes every subtree
// that ends before the query begins. O(log n + k log n) for k overlaps, so the
// plan takes n log n for a chain instead of n^2.
class LifetimeIndex {
 public:
  explicit LifetimeIndex(const std::vector<Buffer>& buffers) : bufs_(buffers), order_(buffers.size()) {
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) { return bufs_[a].first < bufs_[b].first; });
    size_ = 1;
    while (size_ < order_.size()) size_ *= 2;
    max_last_.assign(2 * size_, -1);
    pos_.resize(buffers.size());
    for (size_t p = 0; p < order_.size(); ++p) pos_[order_[p]] = p;
  }
  void mark_placed(size_t buffer) {
    size_t node = size_ + pos_[buffer];
    max_last_[node] = bufs_[buffer].last;
    for (node /= 2; node >= 1; node /= 2) max_last_[node] = std::max(max_last_[2 * node], max_last_[2 * node + 1]);
  }
  // Placed buffers b with b.first <= last and b.last >= first.
  template <typename F>
  void overlapping(int first, int last, F&& f) const {
    const size_t end = static_cast<size_t>(
        std::upper_bound(order_.begin(), order_.end(), last, [&](int v, size_t b) { return v < bufs_[b].first; }) -
        order_.begin());
    visit(1, 0, size_, end, first, f);
  }

 private:
  template <typename F>
  void visit(size_t node, size_t lo, size_t hi, size_t end, int first, F& f) const {
    if (lo >= end || max_last_[node] < first) return;
    if (hi - lo == 1) {
      f(order_[lo]);
      return;
    }
    const size_t mid = (lo + hi) / 2;
    visit(2 * node, lo, mid, end, first, f);
    visit(2 * node + 1, mid, hi, end, first, f);
  }
  const std::vector<Buffer>& bufs_;
  std::vector<size_t> order_;  // buffer indices by first step
  std::vector<size_t> pos_;    // buffer index -> position in order_
  std::vector<int> max_last_;  // segment tree over positions; -1 where nothing is placed
  size_t size_ = 1;
};

}  // namespace

namespace {

// Places the buffers in `order`, each at the lowest aligned offset that clears the
// buffers placed before it whose lifetimes overlap its own.
void place_in_order(std::vector<Buffer>& buffers, const std::vector<size_t>& order) {
  LifetimeIndex index(buffers);
  std::vector<std::pair<int64_t, int64_t>> taken;  // [begin, end) of conflicting buffers
  for (size_t i : order) {
    Buffer& b = buffers[i];
    taken.clear();
    index.overlapping(b.first, b.last, [&](size_t j) {
      taken.emplace_back(buffers[j].offset, buffers[j].offset + align_up(buffers[j].size));
    });
    std::sort(taken.begin(), taken.end());
    int64_t offset = 0;
    for (const auto& [begin, end] : taken) {
      if (offset + align_up(b.size) <= begin) break;
      offset = std::max(offset, end);
    }
    b.offset = offset;
    index.mark_placed(i);
  }
}

}  // namespace

void GreedyBySize::place(std::vector<Buffer>& buffers) const {
  // Largest first; then, only where it gives a smaller arena, largest footprint
  // (bytes times steps live) first and longest-lived first. Many small buffers
  // with staggered lifetimes (the tiles of pass patch) fragment a size-only order.
  using Key = int64_t (*)(const Buffer&);
  const Key keys[] = {[](const Buffer& b) { return b.size; },
                      [](const Buffer& b) { return b.size * (b.last - b.first + 1); },
                      [](const Buffer& b) { return int64_t{b.last - b.first}; }};
  std::vector<Buffer> best;
  for (Key key : keys) {
    std::vector<Buffer> trial = buffers;
    std::vector<size_t> order(trial.size());
    std::iota(order.begin(), order.end(), 0);
    // Ties broken by index so the plan (and so the generated code) is deterministic.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const int64_t ka = key(trial[a]), kb = key(trial[b]);
      return ka != kb ? ka > kb : trial[a].size > trial[b].size;
    });
    place_in_order(trial, order);
    if (best.empty() || arena_bytes(trial) < arena_bytes(best)) best = std::move(trial);
  }
  if (!buffers.empty()) buffers = std::move(best);
}

std::unique_ptr<Strategy> make_strategy(const std::string& name) {
  if (name == "greedy") return std::make_unique<GreedyBySize>();
  if (name == "linear") return std::make_unique<Linear>();
  return nullptr;
}

}  // namespace mote::passes::memory
