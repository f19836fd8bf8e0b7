#include "passes/matmul_to_gemm.h"

#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"

namespace mote::passes {

namespace {

class Rewriter {
 public:
  explicit Rewriter(ir::Graph& g) : g_(g) {
    for (const ir::Tensor& t : g.tensors) tensor_names_.insert(t.name);
    for (const ir::Node& n : g.nodes) node_names_.insert(n.name);
  }

  int run() {
    const std::vector<std::vector<int>> readers = g_.consumers();
    std::vector<bool> folded(g_.nodes.size(), false);
    std::vector<ir::Node> out;
    int rewritten = 0;
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      ir::Node& n = g_.nodes[i];
      if (folded[i]) continue;
      if (!by_constant_matrix(n)) {
        out.push_back(std::move(n));
        continue;
      }
      ++rewritten;
      const ir::Shape a = g_.tensor(n.inputs[0]).shape;
      n.op = "Gemm";
      n.opset = 13;
      n.attrs.clear();
      // The Add of a bias that follows (a Linear layer's): the Gemm's C.
      const int bias_add = bias_reader(n.outputs[0], readers);
      if (bias_add >= 0) {
        ir::Node& add = g_.nodes[static_cast<size_t>(bias_add)];
        n.inputs.push_back(bias_vector(add.inputs[add.inputs[0] == n.outputs[0] ? 1 : 0]));
        n.outputs[0] = add.outputs[0];
        folded[static_cast<size_t>(bias_add)] = true;
      }
      if (a.size() == 2) {
        out.push_back(std::move(n));
        continue;
      }
      // (..., K) -> (rows, K) -> Gemm -> (rows, N) -> the MatMul's (..., N).
      const int64_t k = a.back();
      const int64_t rows = ir::shape_elements(a) / (k > 0 ? k : 1);
      const ir::TensorId y = n.outputs[0];
      const ir::Shape ys = g_.tensor(y).shape;
      const ir::TensorId a2 = add_activation(n.name + "_rows", {rows, k});
      const ir::TensorId y2 = add_activation(n.name + "_gemm", {rows, ys.back()});
      out.push_back(reshape(n.name + "_to_rows", n.inputs[0], a2));
      n.inputs[0] = a2;
      n.outputs[0] = y2;
      out.push_back(std::move(n));
      out.push_back(reshape(out.back().name + "_from_rows", y2, y));
    }
    g_.nodes = std::move(out);
    g_.compact();  // the MatMul outputs a folded Add read
    return rewritten;
  }

 private:
  // A MatMul of a float32 input of rank 2 or more by a constant float32 (K, N) matrix.
  bool by_constant_matrix(const ir::Node& n) const {
    if (n.op != "MatMul" || n.inputs.size() != 2 || n.outputs.size() != 1) return false;
    if (n.inputs[0] == ir::kNoTensor || n.inputs[1] == ir::kNoTensor || n.outputs[0] == ir::kNoTensor) return false;
    const ir::Tensor &a = g_.tensor(n.inputs[0]), &b = g_.tensor(n.inputs[1]);
    return a.dtype == ir::DType::kF32 && b.dtype == ir::DType::kF32 && b.is_constant() && b.shape.size() == 2 &&
           a.shape.size() >= 2 && a.shape.back() == b.shape[0];
  }

  // The index of the Add that is y's only reader, adding a float32 constant of one
  // value per output column (shape (N) or (1, ..., 1, N)) to it; -1 otherwise. The
  // sum has y's shape, so it can take y's place.
  int bias_reader(ir::TensorId y, const std::vector<std::vector<int>>& readers) const {
    const std::vector<int>& r = readers[static_cast<size_t>(y)];
    if (r.size() != 1 || g_.is_graph_output(y)) return -1;
    const ir::Node& add = g_.nodes[static_cast<size_t>(r[0])];
    if (add.op != "Add" || add.inputs.size() != 2 || add.outputs.size() != 1 || !add.attrs.empty()) return -1;
    if (add.inputs[0] == add.inputs[1]) return -1;
    const ir::Tensor& c = g_.tensor(add.inputs[add.inputs[0] == y ? 1 : 0]);
    const int64_t n = g_.tensor(y).shape.back();
    if (!c.is_constant() || c.dtype != ir::DType::kF32 || c.shape.empty() || c.shape.back() != n ||
        c.elements() != n || c.shape.size() > g_.tensor(y).shape.size())
      return -1;
    return r[0];
  }

  // The bias as Gemm's C, (N): the constant itself, or a copy of that shape.
  ir::TensorId bias_vector(ir::TensorId c) {
    if (g_.tensor(c).shape.size() == 1) return c;
    ir::Tensor t = g_.tensor(c);
    t.name = unique(tensor_names_, t.name + "_vector");
    t.shape = {t.shape.back()};
    return g_.add_tensor(std::move(t));
  }

  std::string unique(std::set<std::string>& used, const std::string& base) {
    std::string name = base;
    for (int i = 2; used.count(name); ++i) name = fmt::format("{}_{}", base, i);
    used.insert(name);
    return name;
  }

  ir::TensorId add_activation(const std::string& base, ir::Shape shape) {
    ir::Tensor t;
    t.name = unique(tensor_names_, base);
    t.dtype = ir::DType::kF32;
    t.shape = std::move(shape);
    t.shape_known = true;
    return g_.add_tensor(std::move(t));
  }

  // Reshape x to y's shape (a view: the planner gives y x's bytes).
  ir::Node reshape(const std::string& base, ir::TensorId x, ir::TensorId y) {
    ir::Tensor s;
    s.name = unique(tensor_names_, base + "_shape");
    s.dtype = ir::DType::kI64;
    s.shape = {static_cast<int64_t>(g_.tensor(y).shape.size())};
    s.shape_known = true;
    s.data = ir::encode_int(ir::DType::kI64, g_.tensor(y).shape);
    const ir::TensorId shape = g_.add_tensor(std::move(s));
    ir::Node r;
    r.name = unique(node_names_, base);
    r.op = "Reshape";
    r.opset = 14;
    r.inputs = {x, shape};
    r.outputs = {y};
    return r;
  }

  ir::Graph& g_;
  std::set<std::string> tensor_names_, node_names_;
};

}  // namespace

int matmul_to_gemm(ir::Graph& g) { return Rewriter(g).run(); }

}  // namespace mote::passes
