#pragma once
// Writes .npy bytes as NumPy's format description spells them out, so tests of
// Mote's reader check it against the format and not against itself.
#include <cstdint>
#include <string>
#include <vector>

namespace mote::test {

inline std::string npy_bytes(const std::string& descr, const std::vector<int64_t>& shape, const std::string& payload,
                             bool fortran = false, int version = 1) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  if (!shape.empty()) dims.resize(dims.size() - (shape.size() == 1 ? 1 : 2));  // "(3, 64)" but "(3,)"
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': (" + dims + "), }";
  const size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(version);
  out += '\0';
  const size_t n = header.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  if (version != 1) out += std::string("\0\0", 2);
  return out + header + payload;
}

}  // namespace mote::test
