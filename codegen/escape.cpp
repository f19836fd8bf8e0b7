#include "codegen/escape.h"

#include <fmt/format.h>

namespace mote::codegen {

namespace {

// Escapes for both literals and comments; `quote` is the quote character that
// must not appear bare.
std::string escape(const std::string& text, char quote, bool break_comments) {
  std::string out;
  out.reserve(text.size() + 2);
  char prev = '\0';
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '\\' || ch == quote) {
      out += '\\';
      out += ch;
    } else if (ch == '?' && prev == '?') {
      out += "\\?";  // "??/" and friends are trigraphs under -trigraphs or C++14
    } else if (break_comments && ((ch == '/' && prev == '*') || (ch == '*' && prev == '/'))) {
      out += fmt::format("\\{:03o}", c);
    } else if (c < 0x20 || c >= 0x7f) {
      switch (ch) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\{:03o}", c);
      }
    } else {
      out += ch;
    }
    prev = ch;
  }
  return out;
}

}  // namespace

std::string string_literal(const std::string& text) { return '"' + escape(text, '"', false) + '"'; }

std::string comment_quote(const std::string& text) { return '\'' + escape(text, '\'', true) + '\''; }

}  // namespace mote::codegen
