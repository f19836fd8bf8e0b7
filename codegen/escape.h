#pragma once
// The one place where text from the model (tensor, node and file names, string
// attributes) enters generated C++. A model is untrusted input: its names may hold
// newlines, quotes, backslashes, "*/", trigraphs or any byte, and none of it may
// end a comment or a string literal early, splice lines, or become code.
#include <string>

namespace mote::codegen {

// `text` as a C/C++ string literal, quotes included. Printable ASCII stays as it is
// but for '"', '\\' and the '?' that would start a trigraph; every other byte is an
// octal escape (never hex: a hex escape swallows the digits that follow it).
std::string string_literal(const std::string& text);

// `text` for a `//` comment, in single quotes: escaped as for a string literal,
// with "*/" and "/*" broken up as well, so it is safe in block comments too. The
// closing quote means the comment never ends in a backslash (a line splice).
std::string comment_quote(const std::string& text);

}  // namespace mote::codegen
