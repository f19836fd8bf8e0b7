#pragma once
// `mote inspect`: what a model is and what Mote can make of it.
#include <map>
#include <string>
#include <vector>

namespace mote::driver {

// Prints inputs, outputs, op counts, parameters, MACs and every node Mote cannot
// compile. Returns 0 when the whole model compiles, 2 when some node does not.
// With `json`, one JSON object on stdout instead of the text (docs/json.md).
int inspect(const std::string& model_path, const std::map<std::string, std::vector<int64_t>>& input_shapes,
            bool json = false);

}  // namespace mote::driver
