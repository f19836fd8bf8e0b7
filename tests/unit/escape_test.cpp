// codegen/escape: the one place model text enters generated C++.
#include <catch2/catch.hpp>

#include "codegen/escape.h"

using mote::codegen::comment_quote;
using mote::codegen::string_literal;

TEST_CASE("string_literal escapes what could end or bend a C string", "[escape]") {
  CHECK(string_literal("conv1/weights") == "\"conv1/weights\"");
  CHECK(string_literal("a\"b") == "\"a\\\"b\"");
  CHECK(string_literal("trailing\\") == "\"trailing\\\\\"");
  CHECK(string_literal("x\n#define EVIL 1") == "\"x\\n#define EVIL 1\"");
  CHECK(string_literal("z?\?/") == "\"z?\\?/\"");
  CHECK(string_literal("?\?\?=") == "\"?\\?\\?=\"");
  // Octal, not hex: "\xc3a" would read as one escape swallowing the 'a'.
  CHECK(string_literal("\xc3\xa9" "a") == "\"\\303\\251a\"");
  CHECK(string_literal(std::string("nul\0x", 5)) == "\"nul\\000x\"");
  CHECK(string_literal("tab\there\r") == "\"tab\\there\\r\"");
}

TEST_CASE("comment_quote cannot end a comment or splice a line", "[escape]") {
  CHECK(comment_quote("/features/Conv") == "'/features/Conv'");
  CHECK(comment_quote("a\nb") == "'a\\nb'");
  CHECK(comment_quote("end\\") == "'end\\\\'");  // ends in a quote, never in a backslash
  CHECK(comment_quote("k*/ x /*") == "'k*\\057 x /\\052'");
  CHECK(comment_quote("it's") == "'it\\'s'");
  CHECK(comment_quote("?\?/") == "'?\\?/'");
  for (const std::string s : {"a\nb", "x\\", "*/", "/*", "?\?/", "\r", "\xe2\x80\xa8"}) {
    const std::string q = comment_quote(s);
    INFO(q);
    CHECK(q.find('\n') == std::string::npos);
    CHECK(q.find('\r') == std::string::npos);
    CHECK(q.find("*/") == std::string::npos);
    CHECK(q.find("/*") == std::string::npos);
    CHECK(q.find("??") == std::string::npos);
    CHECK(q.back() == '\'');
    for (char c : q) CHECK((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f));
  }
}
