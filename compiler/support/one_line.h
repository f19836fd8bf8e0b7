#pragma once
// Messages that carry text from a model (its names, ONNX's own multi-line errors)
// reach the terminal as one line: line breaks and tabs become spaces, and other
// control bytes (a terminal escape sequence, say) are shown as \ooo.
#include <string>

namespace mote::support {

std::string one_line(const std::string& text);

}  // namespace mote::support
