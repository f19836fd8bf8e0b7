#include <catch2/catch.hpp>

#include <cstring>

#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/npy.h"
#include "npy_bytes.h"

using namespace mote;

namespace {

template <class T>
std::string le_bytes(const std::vector<T>& v) {  // the host is little-endian, as every Mote host
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

support::NpyArray read(const support::TempDir& tmp, const std::string& bytes) {
  const std::string path = tmp.path() + "/a.npy";
  support::write_file(path, bytes);
  return support::read_npy(path);
}

}  // namespace

TEST_CASE("read_npy reads little-endian integers and floats, every format version", "[npy]") {
  support::TempDir tmp("npy_unit");
  const support::NpyArray i1 = read(tmp, test::npy_bytes("|i1", {4}, le_bytes<int8_t>({-128, -1, 0, 127})));
  CHECK(i1.shape == std::vector<int64_t>{4});
  CHECK(i1.values == std::vector<double>{-128, -1, 0, 127});
  CHECK_FALSE(i1.is_float);
  const support::NpyArray u2 = read(tmp, test::npy_bytes("<u2", {2, 1}, le_bytes<uint16_t>({65535, 7}), false, 2));
  CHECK(u2.shape == std::vector<int64_t>{2, 1});
  CHECK(u2.values == std::vector<double>{65535, 7});
  const support::NpyArray i4 = read(tmp, test::npy_bytes("<i4", {2}, le_bytes<int32_t>({-2147483647 - 1, 5})));
  CHECK(i4.values == std::vector<double>{-2147483648.0, 5});
  const support::NpyArray i8 = read(tmp, test::npy_bytes("<i8", {1}, le_bytes<int64_t>({-3}), false, 3));
  CHECK(i8.values == std::vector<double>{-3});
  const support::NpyArray f4 = read(tmp, test::npy_bytes("<f4", {}, le_bytes<float>({0.1f})));
  CHECK(f4.shape.empty());  // a scalar: one element
  CHECK(f4.values == std::vector<double>{static_cast<double>(0.1f)});
  CHECK(f4.is_float);
  const support::NpyArray f8 = read(tmp, test::npy_bytes("<f8", {1, 2}, le_bytes<double>({1e-300, -2.5})));
  CHECK(f8.values == std::vector<double>{1e-300, -2.5});
}

TEST_CASE("read_npy refuses what it does not read, naming the file", "[npy]") {
  support::TempDir tmp("npy_unit_bad");
  const std::string two = le_bytes<float>({1, 2});
  for (const std::string& bytes :
       {test::npy_bytes("<f4", {2}, two, true), test::npy_bytes(">i4", {2}, two), test::npy_bytes("<f2", {2}, two),
        test::npy_bytes("|b1", {2}, two), test::npy_bytes("<f4", {3}, two), std::string("\x93NUMPY\x04\x00", 8)}) {
    CHECK_THROWS_AS(read(tmp, bytes), support::Refusal);
    try {
      read(tmp, bytes);
    } catch (const support::Refusal& e) {
      CHECK(std::string(e.what()).find(tmp.path() + "/a.npy") != std::string::npos);
    }
  }
}
