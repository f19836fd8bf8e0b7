#pragma once
// Runs a piece of work in a forked child process, so that a crash, a hang or
// runaway memory in code Mote does not own (ONNX's checker, version converter and
// shape inference, fed an untrusted model) ends the child, not Mote. The parent
// gets the child's result bytes, its error message, or how it died.
#include <functional>
#include <string>

namespace mote::support {

// Given to the work so it can say which stage it is in: a crash is reported
// against the last stage named.
using StageFn = std::function<void(const std::string& stage)>;

struct IsolatedResult {
  enum Kind { kOk, kError, kCrashed, kTimedOut, kNoChild } kind = kNoChild;
  std::string value;  // kOk: what the work returned; kError: the exception's message
  std::string stage;  // the last stage the work named before it ended
  int signal = 0;     // kCrashed: the signal, or 0 when the child exited without a result
};

// The work returns bytes or throws std::exception. The child's address space is
// capped at `memory_limit_bytes` (not under AddressSanitizer, whose shadow memory
// the cap would break).
IsolatedResult run_isolated(const std::function<std::string(const StageFn&)>& work, int timeout_seconds,
                            long long memory_limit_bytes);

}  // namespace mote::support
