#include "passes/int8_layer.h"

#include <cmath>
#include <string>

#include "compiler/ir/tensor_data.h"

namespace mote::passes {



bool int8_layer_shape_ok(const ir::Graph& g, const ir::Node& n) {
  if (n.op != "Gemm" && n.op != "Conv" && n.op != "MatMul") return false;
  if (n.inputs.size() < 2 || n.outputs.size() != 1 || n.inputs[1] == ir::kNoTensor) return false;
  if (!g.tensor(n.inputs[1]).is_constant()) return false;
  const bool has_bias = n.inputs.size() > 2 && n.inputs[2] != ir::kNoTensor;
  if (has_bias && !g.tensor(n.inputs[2]).is_constant()) return false;
  const ir::Shape& x = g.tensor(n.inputs[0]).shape;
  const ir::Shape& w = g.tensor(n.inputs[1]).shape;
  if (n.op == "MatMul")  // 2-D by a constant matrix only: it becomes an int8 Gemm
    return n.inputs.size() == 2 && x.size() == 2 && w.size() == 2 && w[0] <= kMaxInt8Taps;
  if (n.op == "Gemm") {
    if (x.size() != 2 || w.size() != 2 || ir::attr_int(n.attrs, "transA", 0) != 0 ||
        ir::attr_float(n.attrs, "alpha", 1) != 1)
      return false;
    const bool tb = ir::attr_int(n.attrs, "transB", 0) != 0;
    const int64_t nn = tb ? w[0] : w[1], k = tb ? w[1] : w[0];
    if (k > kMaxInt8Taps) return false;
    if (has_bias && (ir::attr_float(n.attrs, "beta", 1) != 1 || g.tensor(n.inputs[2]).elements() != nn)) return false;
    // C must be one value per output unit ([N] or [1, N]), not a full matrix.
    if (has_bias && g.tensor(n.inputs[2]).shape.back() != nn) return false;
    return true;
  }
  if (x.size() != 3 && x.size() != 4) return false;
  return ir::shape_elements(ir::Shape(w.begin() + 1, w.end())) <= kMaxInt8Taps;
}

bool uniform_average(const ir::Node& n) {
  if (n.op == "GlobalAveragePool") return true;
  if (n.op != "AveragePool" || ir::attr_int(n.attrs, "ceil_mode", 0) != 0) return false;
  if (n.attrs.count("auto_pad")) {
    const std::string* s = ir::attr_string(n.attrs, "auto_pad");
    if (!s || (*s != "NOTSET" && *s != "VALID")) return false;
  }
  if (ir::attr_int(n.attrs, "count_include_pad", 0) != 0) return true;
  if (const auto it = n.attrs.find("pads"); it != n.attrs.end()) {
    const auto* p = std::get_if<std::vector<int64_t>>(&it->second);
    if (!p) return false;
    for (int64_t v : *p)
      if (v != 0) return false;
  }
  return true;
}

ChannelMajorWeights channel_major_weights(ir::Node& n, const ir::Tensor& w) {
  if (n.op == "MatMul") {  // A (M, K) times constant B (K, N): Gemm with transB = 0, transposed below
    n.op = "Gemm";
    n.attrs.clear();
  }
  ChannelMajorWeights r;
  r.values = ir::data_as_double(w);
  r.shape = w.shape;
  if (n.op == "Gemm" && ir::attr_int(n.attrs, "transB", 0) == 0) {
    const int64_t k = r.shape[0], nn = r.shape[1];
    std::vector<double> t(r.values.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < nn; ++j) t[static_cast<size_t>(j * k + i)] = r.values[static_cast<size_t>(i * nn + j)];
    r.values = std::move(t);
    r.shape = {nn, k};
    r.transposed = true;
    n.attrs["transB"] = int64_t{1};
  }
  return r;
}

}  // namespace mote::passes
