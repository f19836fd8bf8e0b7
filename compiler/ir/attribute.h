#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace mote::ir {

// Typed node attributes. Tensor-valued attributes become constant tensors in the
// frontend, and graph-valued ones (If/Loop bodies) are refused there.
using AttrValue = std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                               std::vector<std::string>>;
using Attributes = std::map<std::string, AttrValue>;

// Attribute `name` as an integer: `dflt` when absent, -1 when it is not an integer.
inline int64_t attr_int(const Attributes& a, const char* name, int64_t dflt) {
  const auto it = a.find(name);
  if (it == a.end()) return dflt;
  if (const int64_t* i = std::get_if<int64_t>(&it->second)) return *i;
  return -1;
}

// Attribute `name` as a string: nullptr when absent or not a string.
inline const std::string* attr_string(const Attributes& a, const char* name) {
  const auto it = a.find(name);
  return it == a.end() ? nullptr : std::get_if<std::string>(&it->second);
}

// Attribute `name` as a number: `dflt` when absent, NaN when it is not a number.
inline double attr_float(const Attributes& a, const char* name, double dflt) {
  const auto it = a.find(name);
  if (it == a.end()) return dflt;
  if (const double* d = std::get_if<double>(&it->second)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  return std::nan("");
}

}  // namespace mote::ir
