// Einsum: any equation over letters and one ellipsis per term, explicit or implicit
// output, repeated labels (diagonals), sums, transposes, products of any number of
// operands. The equation is resolved at compile time into per-label dimensions
// and operand strides. Kernel: einsum.h.
#include <algorithm>
#include <map>

#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

// Labels: letters are their character; ellipsis axes are kEll + their position in
// the broadcast ellipsis shape (left to right).
constexpr int kEll = 1000;

struct Term {
  std::vector<char> letters;  // '.' marks where the ellipsis sits
  bool has_ellipsis = false;
};

Term parse_term(const InferContext& ctx, const std::string& s) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      ctx.require(s.compare(i, 3, "...") == 0 && !t.has_ellipsis, "malformed ellipsis in '{}'", s);
      t.has_ellipsis = true;
      t.letters.push_back('.');
      i += 2;
    } else {
      ctx.require((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'), "unexpected character '{}' in equation", c);
      t.letters.push_back(c);
    }
  }
  return t;
}

struct Plan {
  std::vector<int> out_labels, sum_labels;
  std::map<int, int64_t> dims;
  std::vector<std::vector<int>> in_axes;  // label of each axis of each input
  ir::Shape out_shape;
};

Plan plan_of(const InferContext& ctx) {
  std::string eq;
  for (char c : ctx.attr_string("equation", "")) if (c != ' ' && c != '\t') eq += c;
  ctx.require(!eq.empty(), "equation is required");
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(parse_term(ctx, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ctx.require(terms.size() == ctx.num_inputs(), "equation has {} operands, the node {}", terms.size(), ctx.num_inputs());
  Plan p;
  // The ellipsis axes of all operands broadcast together, right aligned.
  ir::Shape ell;
  std::vector<size_t> ell_rank(terms.size(), 0);
  for (size_t k = 0; k < terms.size(); ++k) {
    ctx.require(ctx.dtype(k) == ctx.dtype(0), "operand element types differ");
    const size_t named = terms[k].letters.size() - (terms[k].has_ellipsis ? 1 : 0);
    const size_t rank = ctx.shape(k).size();
    ctx.require(terms[k].has_ellipsis ? rank >= named : rank == named, "operand {} has rank {}, its term '{}' does not fit",
                k, rank, std::string(terms[k].letters.begin(), terms[k].letters.end()));
    if (!terms[k].has_ellipsis) continue;
    ell_rank[k] = rank - named;
    const size_t pos = static_cast<size_t>(std::find(terms[k].letters.begin(), terms[k].letters.end(), '.') -
                                           terms[k].letters.begin());
    const ir::Shape mine(ctx.shape(k).begin() + static_cast<long>(pos),
                         ctx.shape(k).begin() + static_cast<long>(pos + ell_rank[k]));
    ir::Shape b;
    ctx.require(broadcast_shapes(ell, mine, b), "ellipsis dimensions do not broadcast");
    ell = b;
  }
  std::map<int, int> count;
  for (size_t k = 0; k < terms.size(); ++k) {
    std::vector<int> axes;
    size_t d = 0;
    for (char c : terms[k].letters) {
      if (c == '.') {
        for (size_t e = 0; e < ell_rank[k]; ++e) {
          const int label = kEll + static_cast<int>(ell.size() - ell_rank[k] + e);
          axes.push_back(label);
          ++d;
        }
        continue;
      }
      const int64_t size = ctx.shape(k)[d++];
      auto it = p.dims.find(c);
      ctx.require(it == p.dims.end() || it->second == size, "label '{}' has sizes {} and {}", c,
                  it == p.dims.end() ? 0 : it->second, size);
      p.dims[c] = size;
      axes.push_back(c);
      ++count[c];
    }
    p.in_axes.push_back(axes);
  }
  for (size_t e = 0; e < ell.size(); ++e) p.dims[kEll + static_cast<int>(e)] = ell[e];
  if (arrow == std::string::npos) {
    for (size_t e = 0; e < ell.size(); ++e) p.out_labels.push_back(kEll + static_cast<int>(e));
    for (const auto& [label, n] : count)
      if (n == 1) p.out_labels.push_back(label);
  } else {
    const Term out = parse_term(ctx, eq.substr(arrow + 2));
    ctx.require(out.has_ellipsis || ell.empty(), "the output must keep the ellipsis dimensions");
    for (char c : out.letters) {
      if (c == '.') {
        for (size_t e = 0; e < ell.size(); ++e) p.out_labels.push_back(kEll + static_cast<int>(e));
        continue;
      }
      ctx.require(count.count(c) != 0, "output label '{}' is not in any operand", c);
      ctx.require(std::find(p.out_labels.begin(), p.out_labels.end(), c) == p.out_labels.end(),
                  "output label '{}' repeated", c);
      p.out_labels.push_back(c);
    }
  }
  for (const auto& [label, size] : p.dims)
    if (std::find(p.out_labels.begin(), p.out_labels.end(), label) == p.out_labels.end()) p.sum_labels.push_back(label);
  for (int label : p.out_labels) p.out_shape.push_back(p.dims[label]);
  return p;
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"equation"});
  ctx.require(ctx.num_inputs() >= 1, "Einsum needs at least one operand");
  for (size_t k = 0; k < ctx.num_inputs(); ++k) require_float(ctx, k);
  const Plan p = plan_of(ctx);
  ctx.set_output(0, ctx.dtype(0), p.out_shape);
}

int64_t sum_count(const Plan& p) {
  int64_t n = 1;
  for (int label : p.sum_labels) n *= p.dims.at(label);
  return n;
}

Cost cost(const ir::Graph& g, const ir::Node& n) {
  const Plan p = plan_of(InferContext(g, n));
  return {ir::shape_elements(p.out_shape) * sum_count(p) * static_cast<int64_t>(n.inputs.size() > 1 ? n.inputs.size() - 1 : 1)};
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  InferContext ctx(g, n);
  const Plan p = plan_of(ctx);
  std::vector<int> labels = p.out_labels;
  labels.insert(labels.end(), p.sum_labels.begin(), p.sum_labels.end());
  std::vector<int64_t> dims, strides;
  for (int label : labels) dims.push_back(p.dims.at(label));
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    const ir::Shape& s = in(g, n, k).shape;
    const std::vector<int64_t> own = row_major_strides(s);
    for (int label : labels) {
      int64_t st = 0;
      for (size_t a = 0; a < s.size(); ++a)
        if (p.in_axes[k][a] == label && s[a] != 1) st += own[a];
      strides.push_back(st);
    }
  }
  KernelCall k{"einsum.h", "einsum", {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, n.inputs, {n.outputs[0]}};
  k.inputs_as_array = true;
  k.params = {{"num_inputs", static_cast<int64_t>(n.inputs.size())},
              {"num_labels", static_cast<int64_t>(labels.size())},
              {"out_count", ir::shape_elements(p.out_shape)},
              {"sum_count", sum_count(p)},
              {"dims", dims},
              {"strides", strides}};
  return k;
}

}  // namespace

extern const OpDef op_Einsum = {"Einsum", infer, nullptr, cost, lower};

}  // namespace mote::ops
