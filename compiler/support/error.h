#pragma once
// Errors that end a Mote command. Every error carries the exit code the CLI
// returns, so no layer has to translate failures into codes a second time.
#include <stdexcept>
#include <string>

namespace mote::support {

enum ExitCode : int {
  kExitOk = 0,
  kExitVerifyFailed = 1,  // out of tolerance, generated code did not build or crashed
  kExitRefused = 2,       // the model or the arguments were refused
  kExitInternal = 3,      // a bug in Mote (a verifier failure after a pass)
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// The model or arguments cannot be compiled: unsupported op, bad file, dynamic shape...
struct Refusal : Error {
  explicit Refusal(const std::string& message) : Error(kExitRefused, message) {}
};

// Mote broke one of its own invariants.
struct InternalError : Error {
  explicit InternalError(const std::string& message) : Error(kExitInternal, message) {}
};

}  // namespace mote::support
