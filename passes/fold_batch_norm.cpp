#include "passes/fold_batch_norm.h"

#include <cmath>
#include <set>
#include <variant>

#include "compiler/ir/tensor_data.h"
#include "compiler/ops/batch_norm.h"
#include "compiler/ops/helpers.h"

namespace mote::passes {

namespace {

bool is_float(ir::DType t) { return t == ir::DType::kF32 || t == ir::DType::kF64; }

// Per channel: y = scale * x + shift, the BatchNormalization's affine form.
using Affine = ops::BatchNormAffine;

class Folder {
 public:
  explicit Folder(ir::Graph& g) : g_(g) {
    for (const ir::Tensor& t : g.tensors) names_.insert(t.name);
  }

  void run() {
    const std::vector<std::vector<int>> readers = g_.consumers();
    const std::vector<int> producers = g_.producers();
    std::vector<bool> removed(g_.nodes.size(), false);
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const ir::Node& bn = g_.nodes[i];
      Affine a;
      if (!affine_of(bn, a)) continue;
      const ir::TensorId x = bn.inputs[0];
      if (g_.is_graph_output(x) || readers[static_cast<size_t>(x)].size() != 1) continue;
      const int p = producers[static_cast<size_t>(x)];
      if (p < 0 || removed[static_cast<size_t>(p)]) continue;
      ir::Node& producer = g_.nodes[static_cast<size_t>(p)];
      if (producer.outputs.size() != 1 || producer.outputs[0] != x || producer.attrs.count("mote_act_min")) continue;
      const bool folded = producer.op == "Conv"     ? fold_conv(producer, a)
                          : producer.op == "Gemm"   ? fold_gemm(producer, a)
                          : producer.op == "MatMul" ? fold_matmul(producer, a)
                                                    : false;
      if (!folded) continue;
      producer.outputs[0] = bn.outputs[0];
      removed[i] = true;
    }
    std::vector<ir::Node> kept;
    for (size_t i = 0; i < g_.nodes.size(); ++i)
      if (!removed[i]) kept.push_back(std::move(g_.nodes[i]));
    g_.nodes = std::move(kept);
    g_.compact();
  }

 private:
  bool const_float(ir::TensorId id, ir::DType dt) const {
    return id != ir::kNoTensor && g_.tensor(id).is_constant() && g_.tensor(id).dtype == dt;
  }

  // An inference BatchNormalization with constant parameters, as s * x + t per channel.
  bool affine_of(const ir::Node& bn, Affine& a) const {
    if (bn.op != "BatchNormalization" || bn.inputs.size() != 5 || bn.outputs.empty()) return false;
    if (ir::attr_int(bn.attrs, "training_mode", 0) != 0 || ir::attr_int(bn.attrs, "spatial", 1) != 1) return false;
    for (size_t i = 1; i < bn.outputs.size(); ++i)
      if (bn.outputs[i] != ir::kNoTensor) return false;
    const ir::Tensor& x = g_.tensor(bn.inputs[0]);
    if (!is_float(x.dtype) || x.shape.size() < 2) return false;
    for (size_t i = 1; i < 5; ++i)
      if (!const_float(bn.inputs[i], x.dtype) || g_.tensor(bn.inputs[i]).shape != ir::Shape{x.shape[1]}) return false;
    return ops::batch_norm_affine(g_, bn, a);
  }

  // A new constant: folded weights get their own tensor, since the old one may
  // have other readers.
  ir::TensorId add_constant(const std::string& base, ir::DType dt, ir::Shape shape, const std::vector<double>& v) {
    std::string name = base;
    for (int i = 2; names_.count(name); ++i) name = base + "_" + std::to_string(i);
    names_.insert(name);
    ir::Tensor t;
    t.name = name;
    t.dtype = dt;
    t.shape = std::move(shape);
    t.shape_known = true;
    t.data = ir::encode_double(dt, v);
    return g_.add_tensor(std::move(t));
  }

  // Conv: weight [M, C/group, k...], channel M scaled; bias t + s * b.
  bool fold_conv(ir::Node& n, const Affine& a) {
    const ir::DType dt = g_.tensor(n.outputs[0]).dtype;
    if (n.inputs.size() < 2 || !const_float(n.inputs[1], dt)) return false;
    if (ops::has_in(n, 2) && !const_float(n.inputs[2], dt)) return false;
    const ir::Tensor& wt = g_.tensor(n.inputs[1]);
    const auto m = static_cast<size_t>(wt.shape.empty() ? 0 : wt.shape[0]);
    if (m != a.scale.size() || m == 0) return false;
    std::vector<double> w = ir::data_as_double(wt);
    const size_t per = w.size() / m;
    for (size_t e = 0; e < w.size(); ++e) w[e] *= a.scale[e / per];
    std::vector<double> b(m, 0.0);
    if (ops::has_in(n, 2)) b = ir::data_as_double(g_.tensor(n.inputs[2]));
    for (size_t c = 0; c < m; ++c) b[c] = a.scale[c] * b[c] + a.shift[c];
    const ir::Shape wshape = wt.shape;
    const std::string wname = wt.name;
    n.inputs.resize(3, ir::kNoTensor);
    n.inputs[1] = add_constant(wname + "_bnfold", dt, wshape, w);
    n.inputs[2] = add_constant(n.name + "_bnfold_bias", dt, {static_cast<int64_t>(m)}, b);
    return true;
  }

  // Gemm: Y = alpha * A' B' + beta * C. Column j of B' scaled by s[j] scales
  // column j of alpha * A' B'; the new C is s * beta * C + t, with beta = 1.
  bool fold_gemm(ir::Node& n, const Affine& a) {
    const ir::DType dt = g_.tensor(n.outputs[0]).dtype;
    if (n.inputs.size() < 2 || !const_float(n.inputs[1], dt)) return false;
    if (ops::has_in(n, 2) && !const_float(n.inputs[2], dt)) return false;
    const double alpha = ir::attr_float(n.attrs, "alpha", 1.0), beta = ir::attr_float(n.attrs, "beta", 1.0);
    if (!std::isfinite(alpha) || !std::isfinite(beta)) return false;
    const ir::Shape& y = g_.tensor(n.outputs[0]).shape;
    const ir::Tensor& bt = g_.tensor(n.inputs[1]);
    if (y.size() != 2 || bt.shape.size() != 2 || static_cast<size_t>(y[1]) != a.scale.size()) return false;
    const bool tb = ir::attr_int(n.attrs, "transB", 0) != 0;
    const int64_t rows = y[0], cols = y[1];
    std::vector<double> w = ir::data_as_double(bt);
    const int64_t bcols = bt.shape[1];
    for (size_t e = 0; e < w.size(); ++e) {
      const int64_t r = static_cast<int64_t>(e) / bcols, c = static_cast<int64_t>(e) % bcols;
      w[e] *= a.scale[static_cast<size_t>(tb ? r : c)];
    }
    // C broadcasts to [rows, cols] from rank 0, 1 or 2; keep one row unless it varies by row.
    std::vector<double> cv{0.0};
    ir::Shape cs{1, 1};
    if (ops::has_in(n, 2)) {
      const ir::Tensor& ct = g_.tensor(n.inputs[2]);
      cv = ir::data_as_double(ct);
      cs = ct.shape;
      while (cs.size() < 2) cs.insert(cs.begin(), 1);
    }
    const bool by_row = cs[0] != 1 && rows != 1;
    const int64_t out_rows = by_row ? rows : 1;
    std::vector<double> c(static_cast<size_t>(out_rows * cols));
    for (int64_t i = 0; i < out_rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        const double v = cv[static_cast<size_t>((cs[0] == 1 ? 0 : i) * cs[1] + (cs[1] == 1 ? 0 : j))];
        c[static_cast<size_t>(i * cols + j)] = a.scale[static_cast<size_t>(j)] * beta * v + a.shift[static_cast<size_t>(j)];
      }
    const ir::Shape bshape = bt.shape;
    const std::string bname = bt.name;
    n.inputs.resize(3, ir::kNoTensor);
    n.inputs[1] = add_constant(bname + "_bnfold", dt, bshape, w);
    n.inputs[2] = add_constant(n.name + "_bnfold_bias", dt, by_row ? ir::Shape{rows, cols} : ir::Shape{cols}, c);
    if (n.attrs.count("beta")) n.attrs["beta"] = 1.0;
    return true;
  }

  // MatMul of A (M, K) by a constant B (K, N): BN over axis 1 scales B's columns;
  // the node becomes a Gemm (transB = 0) to carry the bias.
  bool fold_matmul(ir::Node& n, const Affine& a) {
    if (n.inputs.size() != 2 || !n.attrs.empty()) return false;
    const ir::DType dt = g_.tensor(n.outputs[0]).dtype;
    if (g_.tensor(n.inputs[0]).shape.size() != 2 || g_.tensor(n.inputs[1]).shape.size() != 2) return false;
    if (!const_float(n.inputs[1], dt)) return false;
    ir::Node gemm = n;
    gemm.op = "Gemm";
    gemm.opset = 13;
    if (!fold_gemm(gemm, a)) return false;
    n = std::move(gemm);
    return true;
  }

  ir::Graph& g_;
  std::set<std::string> names_;
};

}  // namespace

void fold_batch_norm(ir::Graph& g) { Folder(g).run(); }

}  // namespace mote::passes
