#pragma once
// The memory planner's whole contract. A buffer has a size and the first and
// last schedule steps at which it must hold its value; a strategy gives every
// buffer an offset so that buffers live at the same step never overlap.
//
//   std::vector<Buffer> bufs = {{/*size*/ 1024, /*first*/ 0, /*last*/ 1},
//                               {512, 1, 2}, {1024, 2, 3}};
//   GreedyBySize().place(bufs);      // bufs[2] can reuse bufs[0]'s bytes
//   int64_t arena = arena_bytes(bufs);   // 1536
//   int64_t ideal = lower_bound(bufs);   // 1536: no plan can do better
//
// Strategies sit side by side behind this interface so they can be compared on
// the same models (`mote compile --planner NAME`).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mote::passes::memory {

constexpr int64_t kAlignment = 16;

struct Buffer {
  int64_t size = 0;
  int first = 0;  // step that writes it
  int last = 0;   // last step that reads it (inclusive)
  int64_t offset = -1;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual const char* name() const = 0;
  virtual void place(std::vector<Buffer>& buffers) const = 0;
};

// Each buffer gets its own bytes: the baseline peers use.
class Linear final : public Strategy {
 public:
  const char* name() const override { return "linear"; }
  void place(std::vector<Buffer>& buffers) const override;
};

// Largest first, each at the lowest aligned offset that clears every buffer
// already placed whose lifetime overlaps its own; the same with the largest
// footprint (bytes x steps) first and with the longest-lived first, the smallest
// arena of the three kept (the first on a tie).
class GreedyBySize final : public Strategy {
 public:
  const char* name() const override { return "greedy"; }
  void place(std::vector<Buffer>& buffers) const override;
};

std::unique_ptr<Strategy> make_strategy(const std::string& name);  // nullptr if unknown

int64_t align_up(int64_t n);
bool lifetimes_overlap(const Buffer& a, const Buffer& b);
int64_t arena_bytes(const std::vector<Buffer>& buffers);
// The largest total of (aligned) buffer sizes live at any one step.
int64_t lower_bound(const std::vector<Buffer>& buffers);

}  // namespace mote::passes::memory
