#pragma once
// Kernel selection for one node: the operator's table of variants (or its single
// lowering) against the core's features and the user's preference. Pass
// select-kernels calls it for every node; nothing else chooses a kernel.
#include "compiler/ops/op_def.h"

namespace mote::ops {

// The Feature bits a core has.
unsigned core_features(const target::Core& c);

// The kernel that runs node `n` of `g` on `t`, with its variant name, the reasons
// earlier variants were passed over, and its scratch bytes. May add re-laid
// constants to `g` (so `n` must not be a reference into g.tensors). Refuses (exit 2)
// naming the node when no kernel takes it.
KernelCall select_kernel(ir::Graph& g, const ir::Node& n, const target::Target& t, Preference p);

// The reference kernel of the node, whatever the core: what every faster variant is
// tested against (tests/kernels).
KernelCall reference_kernel(ir::Graph& g, const ir::Node& n, const target::Target& t);

}  // namespace mote::ops
