#include "compiler/ir/printer.h"

#include <fmt/format.h>

namespace mote::ir {
namespace {

std::string attr_str(const AttrValue& v) {
  struct Visitor {
    std::string operator()(int64_t x) const { return fmt::format("{}", x); }
    std::string operator()(double x) const { return fmt::format("{}", x); }
    std::string operator()(const std::string& s) const { return fmt::format("\"{}\"", s); }
    std::string operator()(const std::vector<int64_t>& xs) const { return fmt::format("[{}]", fmt::join(xs, ",")); }
    std::string operator()(const std::vector<double>& xs) const { return fmt::format("[{}]", fmt::join(xs, ",")); }
    std::string operator()(const std::vector<std::string>& xs) const { return fmt::format("[{}]", fmt::join(xs, ",")); }
  };
  return std::visit(Visitor{}, v);
}

std::string type_str(const Tensor& t) {
  std::string s = fmt::format("{}[{}]", dtype_name(t.dtype), t.shape_known ? shape_str(t.shape) : "?");
  if (!t.quant.empty()) s += fmt::format(" q(scale={},zp={})", t.quant.scale[0], t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0]);
  return s;
}

std::string operand(const Graph& g, TensorId id) {
  if (id == kNoTensor) return "_";
  const Tensor& t = g.tensor(id);
  std::string s = fmt::format("%{}:{}", t.name, type_str(t));
  if (t.is_constant()) s += " const";
  if (t.arena_offset >= 0) s += fmt::format(" @{}", t.arena_offset);
  return s;
}

}  // namespace

std::string print(const Graph& g) {
  std::string out = fmt::format("graph {}", g.name);
  if (g.planned) out += fmt::format(" arena={}B", g.arena_bytes);
  out += " {\n";
  for (TensorId id : g.inputs) out += fmt::format("  input {}\n", operand(g, id));
  for (const Node& n : g.nodes) {
    std::vector<std::string> outs, ins, attrs;
    for (TensorId t : n.outputs) outs.push_back(operand(g, t));
    for (TensorId t : n.inputs) ins.push_back(operand(g, t));
    for (const auto& [k, v] : n.attrs) attrs.push_back(fmt::format("{}={}", k, attr_str(v)));
    out += fmt::format("  {} = {} \"{}\"", fmt::join(outs, ", "), n.op, n.name);
    if (!attrs.empty()) out += fmt::format(" {{{}}}", fmt::join(attrs, ", "));
    out += fmt::format(" ({})\n", fmt::join(ins, ", "));
    if (n.kernel) {
      const KernelCall& k = *n.kernel;
      out += fmt::format("    ; kernel {} = {}<> in {}", k.variant, k.kernel, k.file);
      if (k.scratch_bytes) {
        out += fmt::format(", scratch {}B", k.scratch_bytes);
        if (k.scratch_offset >= 0) out += fmt::format(" @{}", k.scratch_offset);
      }
      std::vector<std::string> reads;
      for (TensorId t : k.inputs) reads.push_back(t == kNoTensor ? "_" : "%" + g.tensor(t).name);
      out += fmt::format(", reads ({})", fmt::join(reads, ", "));
      if (k.in_place_of != kNoTensor) out += fmt::format(", in place over %{}", g.tensor(k.in_place_of).name);
      out += "\n";
      if (!k.why.empty()) out += fmt::format("    ; passed over: {}\n", k.why);
    }
  }
  for (TensorId id : g.outputs) out += fmt::format("  output {}\n", operand(g, id));
  out += "}\n";
  return out;
}

}  // namespace mote::ir
