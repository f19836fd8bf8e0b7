#pragma once
// Runs the `mote` binary under test (MOTE_BINARY, set by tests/CMakeLists.txt) as a
// user would, capturing its exit code and everything it printed.
#include <string>
#include <vector>

#include "compiler/support/process.h"

namespace mote::test {

struct Run {
  int code = -1;  // -1 when it did not exit normally (crash, timeout)
  std::string output;
};

inline Run run_mote(const std::vector<std::string>& args, int timeout_seconds = 300) {
  std::vector<std::string> argv = {MOTE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const support::ProcessResult r = support::run_process(argv, timeout_seconds);
  return {r.exited ? r.exit_code : -1, r.output};
}

}  // namespace mote::test
