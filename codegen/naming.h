#pragma once
// C identifiers from model names: generated code is named after the model's
// layers, so "/features/features.0/Conv" becomes features_features_0_Conv.
#include <set>
#include <string>

namespace mote::codegen {

// A valid C/C++ identifier close to `name` (never a keyword, never starting with a digit
// or an underscore).
std::string c_identifier(const std::string& name);

// The prefix of the macros a model's generated files define (SYMBOL_ARENA_BYTES,
// SYMBOL_EXTERNAL_ARENA, ...): its symbol in capitals. Exported libraries name them too.
std::string macro_prefix(const std::string& symbol);

// Hands out identifiers that are unique within one generated file.
class NameTable {
 public:
  std::string unique(const std::string& prefix, const std::string& name);

 private:
  std::set<std::string> used_;
};

}  // namespace mote::codegen
