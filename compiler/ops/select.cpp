#include "compiler/ops/select.h"

#include <fmt/format.h>

#include "compiler/ops/registry.h"
#include "compiler/support/error.h"

namespace mote::ops {

std::string feature_names(unsigned f) {
  std::vector<std::string> names;
  if (f & kFeatureFpu) names.push_back("FPU");
  if (f & kFeatureDsp) names.push_back("DSP");
  if (f & kFeatureMve) names.push_back("MVE");
  if (f & kFeatureArmv6m) names.push_back("ARMv6-M");
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, "+"));
}

unsigned core_features(const target::Core& c) {
  unsigned f = 0;
  if (c.has_fpu) f |= kFeatureFpu;
  if (c.has_dsp) f |= kFeatureDsp;
  if (c.has_mve) f |= kFeatureMve;
  if (c.armv6m) f |= kFeatureArmv6m;
  return f;
}

namespace {

[[noreturn]] void refuse(const ir::Graph& g, const ir::Node& n, const std::string& why) {
  throw support::Refusal(fmt::format("{}: node '{}' ({}): {}", g.name, n.name, n.op, why));
}

const OpDef& def_of(const ir::Graph& g, const ir::Node& n) {
  const OpDef* def = find_op(n.op);
  if (!def || (!def->lower && !def->variants)) refuse(g, n, "no kernel for this operator");
  return *def;
}

// The single kernel of an operator without a table: its reference, named after
// the kernel function.
KernelCall lowered(ir::Graph& g, const ir::Node& n, const target::Target& t, const OpDef& def) {
  KernelCall k;
  try {
    k = def.lower(g, n, t);
  } catch (const support::Refusal& e) {
    refuse(g, n, e.what());
  }
  k.variant = k.kernel + "_ref";
  return k;
}

KernelCall made(ir::Graph& g, const ir::Node& n, const target::Target& t, const Variant& v) {
  KernelCall k;
  try {
    k = v.make(g, n, t);
  } catch (const support::Refusal& e) {
    refuse(g, n, e.what());
  }
  k.variant = v.name;
  return k;
}

}  // namespace

KernelCall select_kernel(ir::Graph& g, const ir::Node& n, const target::Target& t, Preference p) {
  const OpDef& def = def_of(g, n);
  if (!def.variants) return lowered(g, n, t, def);
  const unsigned have = core_features(t.core);  // the host: FPU (plain C float kernels), no Arm SIMD
  std::vector<std::string> skipped;
  for (const Variant& v : def.variants()) {
    std::string why;
    if (p == Preference::kSize && !v.reference) why = "--optimize size takes the reference kernel";
    else if ((v.needs & have) != v.needs)
      why = fmt::format("needs {} ({} has {})", feature_names(v.needs & ~have), t.name, feature_names(have));
    else why = v.applies ? v.applies(g, n) : "";
    if (!why.empty()) {
      skipped.push_back(fmt::format("{}: {}", v.name, why));
      continue;
    }
    KernelCall k = made(g, n, t, v);
    k.why = fmt::format("{}", fmt::join(skipped, "; "));
    return k;
  }
  refuse(g, n, fmt::format("no kernel variant applies ({})", fmt::join(skipped, "; ")));
}

KernelCall reference_kernel(ir::Graph& g, const ir::Node& n, const target::Target& t) {
  const OpDef& def = def_of(g, n);
  if (!def.variants) return lowered(g, n, t, def);
  // An op may have a reference per form (int8 and float): the one that takes n.
  for (const Variant& v : def.variants())
    if (v.reference && v.applies(g, n).empty()) return made(g, n, t, v);
  refuse(g, n, "no reference kernel of the operator's table takes this node");
}

}  // namespace mote::ops
