#include "compiler/driver/json_text.h"

#include <llvm/Support/raw_ostream.h>

namespace mote::driver {

std::string json_text(const llvm::json::Value& v) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << v;
  os.flush();
  return out;
}

}  // namespace mote::driver
