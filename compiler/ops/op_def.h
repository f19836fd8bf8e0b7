#pragma once
// The contract every operator implements, in one place per operator:
//  - infer:  validate attributes and inputs, compute output dtypes and shapes (refuse
//            anything not implemented, so nothing is ever miscompiled);
//  - fold:   optional, evaluate the node at compile time when its inputs are constant;
//  - cost:   MACs of one inference;
//  - lower or variants: its kernels, from the kernel library, with their
//            compile-time parameters (select-kernels picks one per node);
//  - int8:   optional, how it computes in int8 (int8_rule.h), which quantize-int8
//            and fold-qdq both ask;
//  - as_clamp / takes_clamp: optional, what the fusion pass may fold: an
//            activation that is a clamp, into a producer whose kernels apply one.
// Adding an operator means one file here, its kernel under codegen/kernels/, its tests,
// and one line in registry.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/infer_context.h"
#include "compiler/ops/int8_rule.h"
#include "compiler/target/target.h"

namespace mote::ops {

struct Cost {
  int64_t macs = 0;
};

// The kernel call and its parameters are IR data (compiler/ir/kernel_call.h):
// select-kernels records them on the node, codegen prints them.
using Param = ir::KernelParam;
using KernelCall = ir::KernelCall;

// Core features a kernel variant needs; target::Core says which a core has.
enum Feature : unsigned {
  kFeatureFpu = 1u << 0,     // single-precision FPU
  kFeatureDsp = 1u << 1,     // the DSP extension (SIMD on 8/16-bit lanes: SMLAD, SXTB16)
  kFeatureMve = 1u << 2,     // Helium (M-profile vector extension)
  kFeatureArmv6m = 1u << 3,  // an ARMv6-M core (M0/M0+): tuned for its 8 low registers and no MLA
};
std::string feature_names(unsigned features);  // "DSP+MVE"

// The user's preference between the variants of a table (--optimize).
enum class Preference { kSpeed, kSize };

// One entry of an operator's table of kernels. The first entry whose features the
// core has and that applies to the node runs; with Preference::kSize the entry
// marked `reference` does (the plain kernel, the least code).
struct Variant {
  const char* name;  // op, type, tile and ISA: "conv1x1_s8_2x2_dsp" (XNNPACK, CMSIS-NN style)
  unsigned needs;    // Feature bits
  // "" when the variant takes this node, else the reason it does not.
  std::string (*applies)(const ir::Graph& g, const ir::Node& n);
  // The call, with its scratch bytes. May add constants to the graph: weights
  // re-laid in the order the kernel reads them.
  KernelCall (*make)(ir::Graph& g, const ir::Node& n, const target::Target& t);
  bool reference = false;
};

struct OpDef {
  const char* op;
  void (*infer)(InferContext& ctx);
  // Returns false when this node cannot be folded (e.g. a dtype the folder does not handle).
  bool (*fold)(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outputs) = nullptr;
  Cost (*cost)(const ir::Graph& g, const ir::Node& n) = nullptr;
  // The kernel of an operator with a single (reference) kernel. Operators with
  // faster kernels give `variants` instead, in order of preference.
  KernelCall (*lower)(const ir::Graph& g, const ir::Node& n, const target::Target& t) = nullptr;
  // The output is input 0's bytes under another shape: the planner may alias them.
  bool is_view = false;
  const std::vector<Variant>& (*variants)() = nullptr;
  // How it computes in int8; nullptr: it stays float in an int8 build.
  const Int8Rule* int8 = nullptr;
  // The node is y = min(max(x, lo), hi) on input 0 (Relu, Clip with constant
  // bounds): pass fuse-activation may fold it into the producer of x.
  bool (*as_clamp)(const ir::Graph& g, const ir::Node& n, double& lo, double& hi) = nullptr;
  // The node's kernels apply a fused clamp [lo, hi] (attributes mote_act_min and
  // mote_act_max) to its output 0, in float and in its int8 form.
  bool (*takes_clamp)(const ir::Graph& g, const ir::Node& n, double lo, double hi) = nullptr;
  // Output 0 is optional too (RNN, GRU and LSTM's Y, when only the last state is
  // read): pass dce drops it when nothing reads it, as it drops outputs 1 and up.
  bool first_output_optional = false;
};

}  // namespace mote::ops
