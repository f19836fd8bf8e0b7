#include "codegen/naming.h"

#include <cctype>

namespace mote::codegen {

namespace {
const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const",
      "constexpr", "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern",
      "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "not",
      "nullptr", "operator", "or", "private", "protected", "public", "register", "return", "short", "signed",
      "sizeof", "static", "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "restrict", "main"};
  return k;
}
}  // namespace

std::string c_identifier(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (ok) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty()) out = "x";
  if (std::isdigit(static_cast<unsigned char>(out[0]))) out = "n" + out;
  if (keywords().count(out)) out += "_";
  return out;
}

std::string NameTable::unique(const std::string& prefix, const std::string& name) {
  const std::string base = prefix + c_identifier(name);
  std::string id = base;
  for (int i = 2; used_.count(id); ++i) id = base + "_" + std::to_string(i);
  used_.insert(id);
  return id;
}

std::string macro_prefix(const std::string& symbol) {
  std::string out = symbol;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace mote::codegen
