#pragma once
// Which files of the kernel library a model's generated code pastes in. A kernel
// file names the files it uses in a `// needs: a.h b.h` line and the system headers
// it needs (an ISA's intrinsics) in `// includes: <arm_acle.h>` lines.
#include <set>
#include <string>
#include <vector>

namespace mote::codegen {

// `wanted` and everything it needs, common.h first, in library order.
std::vector<std::string> kernel_file_closure(const std::set<std::string>& wanted);

// The system headers those files include, e.g. "<arm_acle.h>".
std::vector<std::string> kernel_system_includes(const std::vector<std::string>& files);

}  // namespace mote::codegen
