#pragma once
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

}  // namespace mote::ir
