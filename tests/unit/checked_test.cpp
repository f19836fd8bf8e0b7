// The overflow-checked arithmetic and bounded parsing every shape, size and offset
// from a model or the command line goes through.
#include <catch2/catch.hpp>

#include <limits>

#include "compiler/support/checked.h"

using namespace mote::support;

namespace {
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
}  // namespace

TEST_CASE("checked_add and checked_mul report overflow instead of wrapping", "[checked]") {
  CHECK(checked_add(1, 2) == 3);
  CHECK(checked_add(kMax, 0) == kMax);
  CHECK_FALSE(checked_add(kMax, 1));
  CHECK_FALSE(checked_add(kMin, -1));
  CHECK(checked_add(kMax - 16, 16) == kMax);
  CHECK_FALSE(checked_add(9223372036854775800, 16));  // the external-data case of issue 15
  CHECK(checked_mul(-3, 4) == -12);
  CHECK(checked_mul(int64_t{1} << 31, int64_t{1} << 31) == int64_t{1} << 62);
  CHECK_FALSE(checked_mul(int64_t{1} << 32, int64_t{1} << 31));
  CHECK_FALSE(checked_mul(kMin, -1));
}

TEST_CASE("checked_product bounds shapes, even beside a zero", "[checked]") {
  CHECK(checked_product({}) == 1);
  CHECK(checked_product({1, 3, 32, 32}) == 3072);
  CHECK(checked_product({2, 0, 5}) == 0);
  CHECK_FALSE(checked_product({2, -1}));
  CHECK_FALSE(checked_product({int64_t{1} << 20, int64_t{1} << 20}, (int64_t{1} << 31) - 1));
  CHECK_FALSE(checked_product({0, kMax, 2}));
  CHECK(checked_product({int64_t{1} << 20, int64_t{1} << 11}, int64_t{1} << 31) == int64_t{1} << 31);
}

TEST_CASE("parse_int takes a decimal number in range and nothing else", "[checked]") {
  CHECK(parse_int("0", 0, 10) == 0);
  CHECK(parse_int("10", 0, 10) == 10);
  CHECK_FALSE(parse_int("11", 0, 10));
  CHECK(parse_int("-5", -10, 10) == -5);
  CHECK_FALSE(parse_int("-5", 0, 10));
  CHECK(parse_int("9223372036854775807", 0, kMax) == kMax);
  CHECK(parse_int("-9223372036854775808", kMin, kMax) == kMin);
  CHECK_FALSE(parse_int("9223372036854775808", 0, kMax));
  CHECK_FALSE(parse_int("12345678901234567890", 0, kMax));
  CHECK_FALSE(parse_int("99999999999", 0, std::numeric_limits<int32_t>::max()));
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "1x", "abc", "0x10", "1e3", "１"}) {
    INFO(bad);
    CHECK_FALSE(parse_int(bad, kMin, kMax));
  }
}
