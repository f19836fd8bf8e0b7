#pragma once
// Runs a program with a time limit, capturing its output. Used to build and run
// generated code; never through a shell, so paths need no quoting.
#include <string>
#include <vector>

namespace mote::support {

struct ProcessResult {
  int exit_code = -1;      // valid when exited
  bool exited = false;     // false: killed by a signal or the time limit
  bool timed_out = false;
  int signal = 0;
  std::string output;      // stdout and stderr, interleaved
};

ProcessResult run_process(const std::vector<std::string>& argv, int timeout_seconds,
                          const std::string& workdir = "");

// "exit code 3", "killed by signal 11 (SIGSEGV)", "timed out after 60 s".
std::string describe(const ProcessResult& r, int timeout_seconds);

}  // namespace mote::support
