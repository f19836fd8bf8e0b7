#include "compiler/ops/registry.h"

#include <algorithm>
#include <cstring>

namespace mote::ops {

#define MOTE_OP(name) extern const OpDef op_##name;
#include "compiler/ops/op_list.h"
#undef MOTE_OP

namespace {
const std::vector<const OpDef*>& table() {
  static const std::vector<const OpDef*> t = [] {
    std::vector<const OpDef*> v = {
#define MOTE_OP(name) &op_##name,
#include "compiler/ops/op_list.h"
#undef MOTE_OP
    };
    std::sort(v.begin(), v.end(), [](const OpDef* a, const OpDef* b) { return std::strcmp(a->op, b->op) < 0; });
    return v;
  }();
  return t;
}
}  // namespace

const OpDef* find_op(const std::string& op) {
  for (const OpDef* d : table())
    if (op == d->op) return d;
  return nullptr;
}

std::vector<const OpDef*> all_ops() { return table(); }

int64_t total_macs(const ir::Graph& g) {
  int64_t macs = 0;
  for (const ir::Node& n : g.nodes) {
    const OpDef* def = find_op(n.op);
    if (def && def->cost) macs += def->cost(g, n).macs;
  }
  return macs;
}

}  // namespace mote::ops
