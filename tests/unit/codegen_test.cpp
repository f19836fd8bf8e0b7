#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "codegen/literals.h"
#include "codegen/naming.h"

using namespace mote;

TEST_CASE("float literals read back to the same bits", "[codegen]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 10000; ++i) {
    uint32_t bits = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &bits, 4);
    if (!std::isfinite(f)) continue;
    std::string lit = codegen::float_literal(f);
    REQUIRE(lit.back() == 'f');
    lit.pop_back();
    const float back = std::strtof(lit.c_str(), nullptr);
    REQUIRE(std::memcmp(&back, &f, 4) == 0);
  }
  CHECK(codegen::float_literal(1.0f) == "1.0f");
  CHECK(codegen::float_literal(-INFINITY) == "-HUGE_VALF");
}

TEST_CASE("C identifiers from layer names", "[codegen]") {
  CHECK(codegen::c_identifier("/features/features.0/Conv") == "features_features_0_Conv");
  CHECK(codegen::c_identifier("0weight") == "n0weight");
  CHECK(codegen::c_identifier("int") == "int_");
  CHECK(codegen::c_identifier("::") == "x");
  codegen::NameTable t;
  CHECK(t.unique("t_", "a.b") == "t_a_b");
  CHECK(t.unique("t_", "a/b") == "t_a_b_2");
}
