#pragma once
// Reads NumPy .npy files (format versions 1, 2 and 3): little-endian float32,
// float64 and integer arrays in C order. Anything else (Fortran order,
// big-endian, other dtypes, a truncated file) is refused naming the file.
#include <cstdint>
#include <string>
#include <vector>

namespace mote::support {

struct NpyArray {
  std::string descr;           // the dtype as NumPy writes it, e.g. "<f4"
  std::vector<int64_t> shape;  // () for a scalar
  std::vector<double> values;  // every element, row-major
  bool is_float = false;       // descr is <f4 or <f8
};

// Throws support::Refusal naming `path` when the file cannot be read as above.
NpyArray read_npy(const std::string& path);

// The same for a file's bytes already in memory; `name` is used in messages.
NpyArray parse_npy(const std::string& bytes, const std::string& name);

}  // namespace mote::support
