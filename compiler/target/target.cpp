#include "compiler/target/target.h"

namespace mote::target {

Target host_target() { return Target{}; }

}  // namespace mote::target
