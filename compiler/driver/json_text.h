#pragma once
// LLVM's JSON value as text: every --json output of the driver is printed here,
// so they all escape and format alike. Driver-internal (it needs LLVM's headers).
#include <string>

#include <llvm/Support/JSON.h>

namespace mote::driver {

std::string json_text(const llvm::json::Value& v);

}  // namespace mote::driver
