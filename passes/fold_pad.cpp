#include "passes/fold_pad.h"

#include <algorithm>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ir/attribute.h"
#include "compiler/ir/tensor_data.h"
#include "compiler/ops/helpers.h"

namespace mote::passes {

namespace {

// Why this is exact, in float and in int8: the Pad writes float 0 around its
// input, and a Conv (or an AveragePool with count_include_pad = 1) given the same
// amount as its own `pads` treats every padded tap as 0 too: the float kernels
// skip those taps, which is adding 0 * w. The output shape is the same, since the
// window sees an input of the same padded size. Once quantize-int8 makes the Conv
// int8, its input's range always contains 0 (quant::affine_int8 widens it to), so
// float 0 is exactly representable by the input's zero point, and the int8 conv
// and pooling kernels pad with that zero point (they skip padded taps of x - zp,
// or fold zp into the bias), i.e. with real 0: the same values the unfolded
// Pad's quantized zeros would have given.

// A Pad that adds zeros on the spatial axes only: its spatial pads (begin then
// end, one per spatial axis), or false.
bool zero_spatial_pad(const ir::Graph& g, const ir::Node& n, std::vector<int64_t>& begin, std::vector<int64_t>& end) {
  if (n.op != "Pad" || n.outputs.size() != 1 || n.outputs[0] == ir::kNoTensor) return false;
  if (!ops::has_in(n, 0) || !ops::has_in(n, 1) || ops::has_in(n, 3)) return false;  // no `axes` (opset 18)
  for (const auto& [name, value] : n.attrs)
    if (name != "mode") return false;  // opset 2's `pads`/`value` attributes: not this form
  if (const auto it = n.attrs.find("mode"); it != n.attrs.end()) {
    const std::string* mode = ir::attr_string(n.attrs, "mode");
    if (mode == nullptr || *mode != "constant") return false;
  }
  const ir::Tensor& x = g.tensor(n.inputs[0]);
  if (!x.shape_known || !ir::dtype_is_float(x.dtype) || x.shape.size() < 3) return false;
  const ir::Tensor& pads = g.tensor(n.inputs[1]);
  if (!pads.is_constant() || !ir::dtype_is_integer(pads.dtype)) return false;
  const std::vector<int64_t> p = ir::data_as_int(pads);
  const size_t r = x.shape.size();
  if (p.size() != 2 * r) return false;
  for (int64_t v : p)
    if (v < 0) return false;  // negative pads crop
  if (p[0] != 0 || p[1] != 0 || p[r] != 0 || p[r + 1] != 0) return false;  // batch and channel axes
  if (ops::has_in(n, 2)) {
    const ir::Tensor& value = g.tensor(n.inputs[2]);
    if (!value.is_constant()) return false;
    const std::vector<double> v = ir::data_as_double(value);
    if (v.size() != 1 || v[0] != 0.0) return false;
  }
  begin.assign(p.begin() + 2, p.begin() + static_cast<std::ptrdiff_t>(r));
  end.assign(p.begin() + static_cast<std::ptrdiff_t>(r) + 2, p.end());
  return true;
}

// The explicit pads of a Conv or AveragePool that reads tensor y as its data input
// only, and can take more padding of zeros: begin then end per spatial axis
// (`spatial` of them), or false.
bool reader_pads(const ir::Node& n, ir::TensorId y, size_t spatial, std::vector<int64_t>& pads) {
  if (n.op != "Conv" && n.op != "AveragePool") return false;
  if (n.inputs.empty() || n.inputs[0] != y) return false;
  for (size_t i = 1; i < n.inputs.size(); ++i)
    if (n.inputs[i] == y) return false;
  if (n.op == "AveragePool") {
    // The Pad's zeros count in every window's average: only a pool that counts its
    // own padding divides the same way. A ceil_mode window may start in the Pad's
    // end padding but not in the pool's own, so the output shape would change.
    if (ir::attr_int(n.attrs, "count_include_pad", 0) != 1) return false;
    if (ir::attr_int(n.attrs, "ceil_mode", 0) != 0) return false;
  }
  std::string auto_pad = "NOTSET";
  if (n.attrs.count("auto_pad")) {
    const std::string* a = ir::attr_string(n.attrs, "auto_pad");
    if (a == nullptr) return false;
    auto_pad = *a;
  }
  if (auto_pad == "VALID") {
    pads.assign(2 * spatial, 0);  // VALID ignores any `pads`
    return true;
  }
  if (auto_pad != "NOTSET") return false;  // SAME_*: the padding depends on the input size
  const auto it = n.attrs.find("pads");
  if (it == n.attrs.end()) {
    pads.assign(2 * spatial, 0);
    return true;
  }
  const auto* v = std::get_if<std::vector<int64_t>>(&it->second);
  if (v == nullptr || v->size() != 2 * spatial) return false;
  for (int64_t e : *v)
    if (e < 0) return false;
  pads = *v;
  return true;
}

}  // namespace

int fold_pad(ir::Graph& g) {
  std::vector<std::vector<int>> readers = g.consumers();
  std::vector<char> folded(g.nodes.size(), 0);
  int count = 0;
  // Last to first, so Pad -> Pad -> Conv folds both: by the time the first Pad is
  // looked at, the second has been folded and the Conv reads the first directly.
  // One walk, whatever the number of Pads: compile time stays linear.
  for (size_t i = g.nodes.size(); i-- > 0;) {
    std::vector<int64_t> begin, end;
    if (!zero_spatial_pad(g, g.nodes[i], begin, end)) continue;
    const ir::TensorId x = g.nodes[i].inputs[0], y = g.nodes[i].outputs[0];
    if (g.is_graph_output(y)) continue;
    const std::set<int> users(readers[static_cast<size_t>(y)].begin(), readers[static_cast<size_t>(y)].end());
    if (users.empty()) continue;
    const size_t spatial = begin.size();
    std::vector<std::vector<int64_t>> pads;
    bool ok = true;
    for (int u : users) {
      pads.emplace_back();
      ok = ok && reader_pads(g.nodes[static_cast<size_t>(u)], y, spatial, pads.back());
    }
    if (!ok) continue;
    size_t k = 0;
    std::vector<int>& x_readers = readers[static_cast<size_t>(x)];
    x_readers.erase(std::remove(x_readers.begin(), x_readers.end(), static_cast<int>(i)), x_readers.end());
    for (int u : users) {
      ir::Node& n = g.nodes[static_cast<size_t>(u)];
      std::vector<int64_t>& p = pads[k++];
      for (size_t d = 0; d < spatial; ++d) {
        p[d] += begin[d];
        p[spatial + d] += end[d];
      }
      n.inputs[0] = x;
      n.attrs["pads"] = p;
      n.attrs.erase("auto_pad");
      x_readers.push_back(u);
    }
    readers[static_cast<size_t>(y)].clear();
    folded[i] = 1;
    ++count;
  }
  if (count == 0) return 0;
  // Nothing reads the folded Pads now: drop them, and with compact() their outputs
  // and the constants only they read.
  std::vector<ir::Node> kept;
  kept.reserve(g.nodes.size() - static_cast<size_t>(count));
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!folded[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.compact();
  return count;
}

}  // namespace mote::passes
